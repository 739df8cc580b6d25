"""`flowagent repl`: talk to a flow by typing, with line editing and history (readline).

Lines starting with `:` are REPL commands (an unknown one says so); anything else is what
the caller says, and an empty line is silence. Ctrl-D leaves; Ctrl-C leaves too, on a new line,
with exit code 130.
"""

from __future__ import annotations

import atexit
import contextlib
import difflib
import json
import sys
from datetime import datetime
from pathlib import Path

from flowagent.engine import Conversation
from flowagent.errors import FlowagentError
from flowagent.flow import Flow, load_flow

HELP = """\
  :slots      show the filled slots        :state    show state, expecting, counters
  :history    show the dialogue so far     :snapshot print the conversation snapshot (JSON)
  :reset      start a new conversation     :reload   reload the YAML and start again
  :help       this text                    :quit     leave (or Ctrl-D)
  (an empty line is silence)"""

_HISTORY_FILE = Path.home() / ".flowagent_history"


def _setup_readline() -> None:
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input() still works
        return
    with contextlib.suppress(OSError):
        readline.read_history_file(_HISTORY_FILE)
    readline.set_history_length(1000)

    def save() -> None:
        with contextlib.suppress(OSError):
            readline.write_history_file(_HISTORY_FILE)

    atexit.register(save)


def run_repl(path: str, now: datetime | None) -> int:
    flow = load_flow(path)
    if sys.stdin.isatty():
        _setup_readline()
    conv = _new(flow, now)
    while True:
        try:
            line = input("you> ")
        except EOFError:
            print()
            return 0
        except KeyboardInterrupt:  # Ctrl-C: leave the shell prompt on a line of its own
            print()
            return 130
        command = line.strip()
        if command.startswith(":"):
            if command in (":quit", ":q", ":exit"):
                return 0
            if command == ":reload":
                try:
                    flow = load_flow(path)
                except FlowagentError as err:
                    print(f"reload failed, keeping the old flow:\n{err}")
                    continue
                print(f"reloaded {path}")
                conv = _new(flow, now)
            elif command == ":reset":
                conv = _new(flow, now)
            elif command in _VIEWS:
                _show(conv, command)
            else:
                print(_unknown(command))
            continue
        if conv.ended:
            print("(the conversation has ended: :reset to start again, :quit to leave)")
            continue
        turn = conv.handle(line)
        print(f"agent> {turn.text}")
        if turn.ended:
            print(f"-- ended: {turn.outcome} (:reset to start again) --")


def _new(flow: Flow, now: datetime | None) -> Conversation:
    conv = flow.new_conversation(now=now)
    print(f"agent> {conv.start().text}")
    return conv


_VIEWS = (":slots", ":state", ":history", ":snapshot", ":help", ":h", ":?")
_COMMANDS = (*_VIEWS[:5], ":reset", ":reload", ":quit")


def _unknown(command: str) -> str:
    close = difflib.get_close_matches(command.split(maxsplit=1)[0], _COMMANDS, n=1, cutoff=0.6)
    guess = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown command {command!r}{guess}; :help lists the commands"


def _show(conv: Conversation, command: str) -> None:
    ctx = conv.context
    if command == ":slots":
        print(json.dumps(conv.slots, indent=2, ensure_ascii=False) if conv.slots else "(none)")
    elif command == ":state":
        print(f"state={conv.state} expecting={conv.expecting}", end=" ")
        print(f"ended={conv.ended} outcome={conv.outcome}")
        print(f"counters={json.dumps(ctx.counters.to_dict())} turns={ctx.turns}")
    elif command == ":history":
        for entry in ctx.history:
            mark = " [interrupted]" if entry.interrupted else ""
            print(f"{entry.role:>6}: {entry.text or '(silence)'}{mark}")
    elif command == ":snapshot":
        print(json.dumps(conv.snapshot(), indent=2, ensure_ascii=False))
    else:
        print(HELP)

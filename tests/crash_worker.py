"""A process that runs many conversations against a store, resuming each from the store.

    python tests/crash_worker.py STORE_URL SCRIPTS.json      one worker, then exit
    python tests/crash_worker.py --zygote SCRIPTS.json       a fork server (see below)

A worker prints "ready" once it can work (so a test can kill it mid-work, not mid-import),
then works through every conversation, feeding each the script lines it has not consumed yet
(`context.turns` in the store says how many it has). Killing it at any moment and starting it
again must give the same conversations as one uninterrupted run.

The fork server imports flowagent and loads the flow once, then forks a worker for every
`run STORE_URL` line on its stdin — so a test can kill hundreds of workers in seconds instead
of paying an interpreter start for each. Workers write one line per event, each with a single
`write` (atomic on a pipe, so two workers' lines never mix):

    ready PID
    turn PID CONVERSATION_ID INDEX SAVED(0|1) REASONS(-|a,b) REPLY_DIGEST
    done PID
    error PID MESSAGE
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import flowagent  # noqa: E402
from flowagent.observe import FlowEvent  # noqa: E402
from flowagent.store import open_store  # noqa: E402

NOW = datetime(2026, 11, 23, 10, 0)


def digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:10]


def say(line: str) -> None:
    os.write(1, (line + "\n").encode())


class StoreErrors:
    """Collects the reasons of `store_error` events, turn by turn."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def emit(self, event: FlowEvent) -> None:
        if event.event == "store_error":
            self.reasons.append(str(event.detail.get("reason")))


def work(flow: flowagent.Flow, store_url: str, scripts: dict[str, list[str]], tagged: bool) -> None:
    store = open_store(store_url)
    pid = os.getpid()
    say(f"ready {pid}" if tagged else "ready")
    for conversation_id, lines in scripts.items():
        errors = StoreErrors()
        conv = flow.resume_or_new(conversation_id, store, now=NOW, sinks=[errors])
        turn = conv.start()
        for line in lines[conv.context.turns :]:
            if conv.ended:
                break
            errors.reasons.clear()
            turn = conv.handle(line)
            if tagged:
                reasons = ",".join(errors.reasons) or "-"
                saved = int(bool(turn.saved))
                say(
                    f"turn {pid} {conversation_id} {turn.index} {saved} {reasons} {digest(turn.text)}"
                )
            else:
                say("turn")  # lets the test kill us at a random turn
        if turn.saved is False:
            conv.flush(timeout=10)  # a finished worker leaves its last turn on record
    say(f"done {pid}" if tagged else "done")


def zygote(scripts_file: str) -> int:
    scripts: dict[str, Any] = json.loads(Path(scripts_file).read_text())
    flow = flowagent.load_flow(ROOT / "flows" / "appointment.yaml")
    with contextlib.suppress(ImportError):  # imported once here, not in every worker (~0.1 s)
        import redis  # noqa: F401
    say("zygote")
    for command in sys.stdin:
        _, _, store_url = command.strip().partition(" ")
        if os.fork() == 0:  # the worker
            try:
                work(flow, store_url, scripts, tagged=True)
            except BaseException:
                say(f"error {os.getpid()} " + traceback.format_exc().replace("\n", " | "))
                os._exit(1)
            os._exit(0)
        while True:  # reap finished workers so none is left a zombie
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
    return 0


def main() -> int:
    if sys.argv[1] == "--zygote":
        return zygote(sys.argv[2])
    scripts: dict[str, list[str]] = json.loads(Path(sys.argv[2]).read_text())
    flow = flowagent.load_flow(ROOT / "flows" / "appointment.yaml")
    work(flow, sys.argv[1], scripts, tagged=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

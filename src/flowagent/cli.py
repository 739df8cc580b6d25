"""The `flowagent` command: run flows from the terminal.

    flowagent run FLOW [--input FILE|-] [--now ISO] [--json]   scripted conversation
              [--store URL --id ID] [--log FILE [--log-pii]]   durable, observed
              [--allow-module MODULE]                          actions from MODULE too
    flowagent stats LOG... [--json]                            metrics from event logs
    flowagent check FLOW... [--json] [--strict] [-v]           static analysis, termination
                            [--import-actions]                 (imports nothing unless asked)
    flowagent graph FLOW [--format mermaid|dot] [-o FILE]      state diagram
    flowagent test [PATH...] [--coverage] [--json] [--junit F] conversation test files
    flowagent simulate FLOW [-n N] [--seed S] [--save DIR]     generated callers
    flowagent schema [--tests] [-o FILE]                       JSON Schema of the formats
    flowagent repl FLOW [--now ISO]                            interactive conversation
    flowagent voice FLOW [dev|console|start] ...               LiveKit voice worker (extra)

`test` and `simulate` never call the flow's real actions unless given `--live-actions`.

Exit codes: 0 success, 1 the flow (or an input file, or the store) is broken or a test failed,
2 wrong usage (an output file that cannot be written too), 3 an optional extra is not
installed, 4 `run`'s input ended before the conversation did, 70 an internal error (a bug in
flowagent), 130 interrupted. Every failure is one line on stderr; `--debug` (or
`FLOWAGENT_DEBUG=1`) adds the tracebacks, of failures and of the errors the engine handled
and logged.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from flowagent.actions import ALLOW_ENV
from flowagent.context import EARLIEST_NOW, LATEST_NOW
from flowagent.errors import FlowagentError, FlowDefinitionError, StoreError
from flowagent.flow import Flow, load_flow
from flowagent.metrics import Metrics, format_summary
from flowagent.observe import EventSink, FlowEvent, JsonlSink
from flowagent.redaction import described
from flowagent.store import ConversationStore, open_store
from flowagent.turn import Turn

if TYPE_CHECKING:
    from flowagent.toolkit.testing.reports import FileOutcome

EXIT_OK, EXIT_FLOW, EXIT_USAGE, EXIT_MISSING_EXTRA, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_NOT_ENDED = 4  # `run`: the input ran out while the conversation was still waiting
EXIT_INTERNAL = 70  # a bug in flowagent (sysexits' EX_SOFTWARE): one line, --debug for more
#: Longest caller line `run` reads, in characters: ten times the longest utterance a flow may
#: allow (`limits.max_utterance_chars` ≤ 100,000; the engine cuts each turn to it anyway).
MAX_INPUT_LINE = 1_000_000
#: Environment variable that turns on `--debug`.
DEBUG_ENV = "FLOWAGENT_DEBUG"


def _iso(value: str) -> datetime:
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO date-time: {value!r} (e.g. 2026-11-23T10:00)"
        ) from None
    # a day inside the engine's bounds, so that no flow timezone moves it out of them
    first = (EARLIEST_NOW + timedelta(days=1)).replace(tzinfo=None)
    last = (LATEST_NOW - timedelta(days=1)).replace(tzinfo=None)
    if not first <= when.replace(tzinfo=None) <= last:
        raise argparse.ArgumentTypeError(
            f"{value!r} is outside the time a conversation can run in"
            f" ({first.date()} to {last.date()})"
        )
    return when


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {value!r}")
    return number


def _allow_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-module",
        action="append",
        default=[],
        metavar="MODULE",
        help="let the flow's actions come from MODULE (and its submodules) besides the .py "
        f"files beside the flow; repeatable; same as {ALLOW_ENV}",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flowagent",
        description="Explicit, deterministic conversation flows for voice agents.",
    )
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument(
        "--debug",
        action="store_true",
        help=f"print tracebacks: of a failure, and of errors the engine handled and logged"
        f" (also {DEBUG_ENV}=1)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser(
        "run",
        help="run a conversation from a script (one caller line per input line)",
        description="Run a conversation: the greeting first, then one caller turn per input "
        "line (an empty line is silence). Stops when the conversation ends or input runs out; "
        "input that runs out first prints '-- not ended: waiting for <slot> --' and exits 4.",
    )
    run.add_argument("flow", help="the flow YAML file")
    run.add_argument(
        "--input", "-i", default="-", metavar="FILE", help="caller lines (default: - for stdin)"
    )
    run.add_argument(
        "--now",
        type=_iso,
        metavar="ISO",
        help="reference time for relative dates, e.g. 2026-11-23T10:00",
    )
    run.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per turn: turn, user, reply, state, expecting, slots, ended, outcome",
    )
    run.add_argument("--id", dest="conversation_id", help="conversation id (default: random)")
    run.add_argument(
        "--store",
        metavar="URL",
        help="save after every turn and resume by --id: memory://, sqlite:///calls.db, "
        "redis://host:6379/0",
    )
    run.add_argument("--log", metavar="FILE", help="append structured JSON events to FILE")
    run.add_argument(
        "--log-pii",
        action="store_true",
        help="include personal slot values (name, phone, email, text, pii slots) in --log events",
    )
    run.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print the tracebacks of errors the engine handled (default: one line each)",
    )
    _allow_flag(run)

    stats = sub.add_parser(
        "stats",
        help="summarise flow metrics from --log event files",
        description="Completion, retry, no-input, fallback and handoff rates, slot fill "
        "success, transitions and turn latency, from JSON event logs.",
    )
    stats.add_argument("logs", nargs="+", metavar="LOG", help="JSONL event files")
    stats.add_argument("--json", action="store_true", help="print the summary as JSON")

    repl = sub.add_parser(
        "repl",
        help="talk to a flow interactively",
        description="Interactive conversation with line editing and history. Type :help for "
        "commands (:slots, :state, :reset, :reload, :history, :quit). An empty line is silence.",
    )
    repl.add_argument("flow", help="the flow YAML file")
    repl.add_argument("--now", type=_iso, metavar="ISO", help="reference time for relative dates")
    _allow_flag(repl)

    check = sub.add_parser(
        "check",
        help="static analysis and termination proof of a flow",
        description="Unreachable states, traps, loops that never wait, unused or uncollected "
        "slots, shared choice synonyms, missing limits, and the most turns any conversation can "
        "take (or the cycles only max_turns bounds). Exit 1 on errors (and on warnings with "
        "--strict).",
    )
    check.add_argument("flows", nargs="+", metavar="FLOW")
    check.add_argument("--json", action="store_true", help="machine-readable findings")
    check.add_argument("--strict", action="store_true", help="warnings fail too")
    check.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="explain the termination bound: the cycles only max_turns bounds and how the "
        "counters' bound adds up (default: one summary line)",
    )
    check.add_argument(
        "--import-actions",
        action="store_true",
        help="also import the flow's actions to check their functions exist (runs their "
        "module code; without it, check imports nothing)",
    )
    _allow_flag(check)

    graph = sub.add_parser("graph", help="draw the state diagram (Mermaid or Graphviz dot)")
    graph.add_argument("flow")
    graph.add_argument("--format", choices=["mermaid", "dot"], default="mermaid")
    graph.add_argument("--commands", action="store_true", help="also draw global-command edges")
    graph.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")

    test = sub.add_parser(
        "test",
        help="run conversation test files (*.flowtest.yaml)",
        description="Run conversation tests: files, or directories searched for *.flowtest.yaml "
        "and *.flowtest.yml (default: the current directory, skipping hidden directories and "
        "virtualenvs, as pytest does; files named almost so are listed as skipped). Actions "
        "run as the files' declared fakes or generated stand-ins. Exit 1 if any case fails or "
        "a file is broken, 2 if no test file is found.",
    )
    test.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    test.add_argument("--coverage", action="store_true", help="report what the tests exercised")
    test.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per case (a line each; a broken file is one object with 'error')",
    )
    test.add_argument("--junit", metavar="FILE", help="also write the results as JUnit XML")
    test.add_argument(
        "--live-actions",
        action="store_true",
        help="call the real actions that a test file does not fake (they may write data)",
    )
    _allow_flag(test)

    simulate = sub.add_parser(
        "simulate",
        help="run generated callers against a flow",
        description="Cooperative, confused and adversarial callers built from the flow's slot "
        "types: reports crashes, unended conversations, outcomes and coverage. Exit 1 on a crash "
        "or an unended conversation.",
    )
    simulate.add_argument("flow")
    simulate.add_argument("-n", "--conversations", type=_count, default=1000)
    simulate.add_argument("--seed", type=int, default=0)
    simulate.add_argument("--now", type=_iso, metavar="ISO")
    simulate.add_argument(
        "--save", metavar="DIR", help="save runs that reached something new as test files"
    )
    simulate.add_argument(
        "--live-actions",
        action="store_true",
        help="call the flow's real actions (default: generated stand-ins that sometimes fail "
        "or time out; the real ones may write data)",
    )
    _allow_flag(simulate)

    schema = sub.add_parser(
        "schema", help="print the JSON Schema of the flow format (or of test files: --tests)"
    )
    schema.add_argument(
        "--tests", action="store_true", help="the schema of conversation test files instead"
    )
    schema.add_argument("-o", "--output", metavar="FILE")

    voice = sub.add_parser(
        "voice",
        help="run the flow as a LiveKit voice agent (needs flowagent[livekit])",
        add_help=False,
    )
    voice.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def _version() -> str:
    from flowagent import __version__

    return f"flowagent {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit code. Every failure is one line on stderr and a
    documented exit code (the module docstring), never a traceback unless `--debug`."""
    _usable_streams()
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list or _debug_env()
    try:
        return _main(args_list)
    except Exception as err:  # a bug of ours: say so in one line
        if debug:
            traceback.print_exc()
        print(
            f"flowagent: internal error: {described(err)} (a bug in flowagent"
            + ("" if debug else "; --debug shows the traceback")
            + ")",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _debug_env() -> bool:
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


def _usable_streams() -> None:
    """Standard streams that never raise on what they are given: a closed one (`>&-`: None
    in Python) writes nowhere, as `> /dev/null` would, and text the terminal's encoding
    cannot show is replaced rather than raising UnicodeEncodeError."""
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the process
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, io.UnsupportedOperation):
                stream.reconfigure(errors="replace")


def _main(args_list: list[str]) -> int:
    if args_list[:1] == ["voice"]:
        return _voice(args_list[1:])
    parser = build_parser()
    args = parser.parse_args(args_list)
    args.debug = bool(getattr(args, "debug", False)) or _debug_env()
    if getattr(args, "allow_module", None):
        # Through the environment, so every flow this process loads (a test file's, the
        # REPL's :reload) gets the same opt-in.
        allowed = [os.environ.get(ALLOW_ENV, ""), *args.allow_module]
        os.environ[ALLOW_ENV] = ",".join(a for a in allowed if a)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "stats":
            return _stats(args)
        if args.command in _TOOLS:
            return _TOOLS[args.command](args)
        if args.command == "repl":
            from flowagent.repl import run_repl

            with _log_to_stderr(args.debug):
                return run_repl(args.flow, args.now)
    except FlowagentError as err:
        print(f"flowagent: {err}", file=sys.stderr)
        return EXIT_FLOW
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `flowagent simulate … | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    parser.error(f"unknown command {args.command!r}")
    return EXIT_USAGE  # pragma: no cover - parser.error exits


def _check(args: argparse.Namespace) -> int:
    from flowagent.toolkit.check import check_flow, format_report

    reports = [check_flow(path, import_actions=args.import_actions) for path in args.flows]
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], indent=2))
    else:
        print("\n\n".join(format_report(r, args.verbose) for r in reports))
    failed = any(r.errors or (args.strict and r.warnings) for r in reports)
    return EXIT_FLOW if failed else EXIT_OK


def _graph(args: argparse.Namespace) -> int:
    from flowagent.toolkit.graph import to_dot, to_mermaid

    compiled = load_flow(args.flow, import_actions=False).compiled
    text = (to_dot if args.format == "dot" else to_mermaid)(compiled, commands=args.commands)
    return _write(text, args.output, "the graph")


def _test(args: argparse.Namespace) -> int:
    from flowagent.toolkit.testing.coverage import Coverage
    from flowagent.toolkit.testing.files import find_tests, near_miss
    from flowagent.toolkit.testing.reports import FileOutcome, junit_xml
    from flowagent.toolkit.testing.runner import run_test_file

    found = find_tests(args.paths or ["."])
    files = found.files
    skipped = [
        f"note: skipped {path}: not named *.flowtest.yaml (rename it {near_miss(path.name)})"
        for path in found.skipped
    ]
    if not files:
        where = ", ".join(args.paths) if args.paths else "the current directory"
        print(f"flowagent: no *.flowtest.yaml files found under {where}", file=sys.stderr)
        for line in skipped:
            print(line, file=sys.stderr)
        return EXIT_USAGE
    coverage = Coverage() if args.coverage else None
    outcomes: list[FileOutcome] = []
    for file in files:
        outcome = FileOutcome(str(file))
        try:
            outcome.results = run_test_file(file, coverage, live_actions=args.live_actions)
        except FlowDefinitionError as err:  # reported with the others; the rest still run
            outcome.error = err
        outcomes.append(outcome)
        if args.json:
            rows = (
                [outcome.error_dict()] if outcome.error else [r.to_dict() for r in outcome.results]
            )
            for row in rows:
                print(json.dumps(row, ensure_ascii=False), flush=True)
        elif outcome.error is not None:
            print(
                f"ERROR {file}: the test file does not load\n  "
                + str(outcome.error).replace("\n", "\n  ")
            )
        else:
            for result in outcome.results:
                if not result.passed:
                    print(result.report())
    results = [r for o in outcomes for r in o.results]
    passed = sum(r.passed for r in results)
    failed = len(results) - passed
    errors = sum(o.error is not None for o in outcomes)
    wrote = _write_file(args.junit, junit_xml(outcomes), "JUnit XML") if args.junit else True
    if args.json:
        if coverage is not None:
            print(json.dumps({"coverage": coverage.summary(relative=True)}, ensure_ascii=False))
        for line in skipped:  # stdout stays one JSON object per line
            print(line, file=sys.stderr)
    else:
        for note in [*skipped, *_notes(outcomes)]:
            print(note)
        summary = f"{passed} passed, {failed} failed"
        if errors:
            summary += f", {errors} error{'s' if errors > 1 else ''}"
        print(summary)
        if coverage is not None:
            print(coverage.format())
    if not wrote:
        return EXIT_USAGE
    return EXIT_FLOW if failed or errors else EXIT_OK


def _notes(outcomes: Sequence[FileOutcome]) -> list[str]:
    """What a passing run may hide: the test files' warnings (a fake that returns no key the
    flow reads, an action that could not be checked), actions that timed out but would not
    have stopped, cases that check nothing, and actions that ran as generated stand-ins (one
    line per test file)."""
    notes = []
    for outcome in outcomes:
        first = outcome.results[0] if outcome.results else None
        notes += first.warnings if first else []
        notes += [
            f"note: {outcome.file} :: {r.name}: {note}" for r in outcome.results for note in r.notes
        ]
        notes += [
            f"note: {outcome.file} :: {r.name} checks nothing (no 'expect' in any turn)"
            for r in outcome.results
            if r.checks == 0 and r.passed
        ]
        used: dict[str, int] = {}
        for result in outcome.results:
            for state in result.stand_ins:
                used[state] = used.get(state, 0) + 1
        if used:
            which = ", ".join(f"{s} ({n} case{'s' if n > 1 else ''})" for s, n in used.items())
            notes.append(
                f"note: {outcome.file}: {which} ran as a generated stand-in; declare what it "
                "returns under 'actions:' (or run with --live-actions)"
            )
    return notes


def _simulate(args: argparse.Namespace) -> int:
    from flowagent.toolkit.simulate import simulate

    flow = load_flow(args.flow, import_actions=args.live_actions)
    for state, check in flow.compiled.action_checks.items():
        if not check.verified:  # its stand-in succeeds; the real one may not even exist
            print(f"note: action {state}: {check.note}")
    report = simulate(
        flow,
        args.conversations,
        args.seed,
        args.now,
        Path(args.save) if args.save else None,
        live_actions=args.live_actions,
    )
    print(report.format())
    if report.save_error:
        print(f"flowagent: {report.save_error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_FLOW if report.crashes or report.unended else EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from flowagent.toolkit.jsonschema import flow_schema_json, flowtest_schema_json

    return _write(
        flowtest_schema_json() if args.tests else flow_schema_json(), args.output, "the schema"
    )


def _write(text: str, output: str | None, what: str) -> int:
    """`text` to the file `output` (or stdout): EXIT_OK, or EXIT_USAGE after one line saying
    why the file cannot be written."""
    if output:
        return EXIT_OK if _write_file(output, text, what) else EXIT_USAGE
    sys.stdout.write(text)
    return EXIT_OK


def _write_file(path: str, text: str, what: str) -> bool:
    """Write `text` to `path`; on failure print one line (which file, why) and return False —
    the command goes on to print its summary."""
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as err:
        print(f"flowagent: cannot write {what} to {path}: {_why(err)}", file=sys.stderr)
        return False
    return True


def _why(err: OSError) -> str:
    reason = err.strerror or str(err)
    if isinstance(err, FileNotFoundError):
        reason += " (the directory must exist)"
    return reason


_TOOLS = {"check": _check, "graph": _graph, "test": _test, "simulate": _simulate, "schema": _schema}


def _voice(argv: list[str]) -> int:
    try:
        from flowagent.livekit.cli import main as voice_main  # type: ignore[import-not-found,unused-ignore]
    except ImportError as err:
        print(
            f"flowagent voice needs the LiveKit extra ({err.name or err}).\n"
            "Install it with:  pip install 'flowagent[livekit]'",
            file=sys.stderr,
        )
        return EXIT_MISSING_EXTRA
    return int(voice_main(argv))


def _open_input(name: str) -> TextIO:
    """Caller lines, read as UTF-8; bytes that are not UTF-8 become U+FFFD (caller garbage
    is the engine's to handle, not a traceback's)."""
    if name == "-":
        if isinstance(sys.stdin, io.TextIOWrapper):
            sys.stdin.reconfigure(errors="replace")
        return sys.stdin
    try:
        return open(name, encoding="utf-8", errors="replace")
    except OSError as err:
        raise SystemExit(f"flowagent: cannot read input {name!r}: {err.strerror}") from None


def _open_checked_store(url: str, conversation_id: str | None) -> ConversationStore:
    """The store, having read `conversation_id` once: a store the user asked for that cannot
    be used is an error up front (exit 1), not a run that silently saves nothing."""
    store = open_store(url)
    try:
        store.load(conversation_id or "")
    except StoreError:
        store.close()
        raise
    except Exception as err:
        store.close()
        raise StoreError(f"store {url} is unavailable: {type(err).__name__}: {err}") from None
    return store


def _run(args: argparse.Namespace) -> int:
    with _log_to_stderr(args.debug):
        return _run_logged(args)


@contextlib.contextmanager
def _log_to_stderr(debug: bool) -> Iterator[None]:
    """The library's warnings and errors (a failed action and why, a store outage) on stderr,
    one line each — a scripted run or a REPL is where an author looks for them."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(_LogLine(debug))
    logger = logging.getLogger("flowagent")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


class _LogLine(logging.Formatter):
    """`flowagent: LEVEL: message`, one line: an error the engine handled (an extractor that
    failed, an action that raised) is the message, its traceback only with `--debug`."""

    def __init__(self, debug: bool) -> None:
        super().__init__("flowagent: %(levelname)s: %(message)s")
        self.debug = debug

    def formatException(self, ei: Any) -> str:
        return super().formatException(ei) if self.debug else ""

    def formatStack(self, stack_info: str) -> str:
        return super().formatStack(stack_info) if self.debug else ""


class _LogFile:
    """`run --log FILE`: the JSONL sink, whose first write failure (a full disk, /dev/full)
    prints one line and ends the logging, not the conversation; `failed` says why."""

    def __init__(self, path: str, log_pii: bool) -> None:
        self.path = path
        self.failed: str | None = None
        self._sink: JsonlSink | None = JsonlSink(path, log_pii=log_pii)

    def emit(self, event: FlowEvent) -> None:
        if self._sink is not None:
            try:
                self._sink.emit(event)
            except OSError as err:
                self._fail(err)

    def _fail(self, err: OSError) -> None:
        self.failed = _why(err)
        print(
            f"flowagent: cannot write the event log to {self.path}: {self.failed}", file=sys.stderr
        )
        sink, self._sink = self._sink, None
        if sink is not None:
            with contextlib.suppress(OSError):
                sink.close()

    def close(self) -> None:
        if self._sink is not None:
            try:
                self._sink.close()
            except OSError as err:
                self._fail(err)


def _run_logged(args: argparse.Namespace) -> int:
    flow = load_flow(args.flow)
    if args.store and not args.conversation_id:
        raise SystemExit("flowagent: --store needs --id (the conversation to save or resume)")
    store = _open_checked_store(args.store, args.conversation_id) if args.store else None
    try:
        sink = _LogFile(args.log, args.log_pii) if args.log else None
    except OSError as err:
        if store is not None:
            store.close()
        print(f"flowagent: cannot write the event log to {args.log}: {_why(err)}", file=sys.stderr)
        return EXIT_USAGE
    source = _open_input(args.input)
    try:
        code = run_script(
            flow,
            source,
            sys.stdout,
            now=args.now,
            as_json=args.json,
            conversation_id=args.conversation_id,
            store=store,
            sinks=[sink] if sink else [],
        )
    except InputLineTooLong as err:
        print(f"flowagent: {err}", file=sys.stderr)
        code = EXIT_FLOW
    finally:
        if source is not sys.stdin:
            source.close()
        if sink is not None:
            sink.close()
        if store is not None:
            store.close()
    if sink is not None and sink.failed and code in (EXIT_OK, EXIT_NOT_ENDED):
        return EXIT_USAGE  # the conversation ran, but the log asked for is incomplete
    return code


def _stats(args: argparse.Namespace) -> int:
    metrics = Metrics()
    try:
        summary = metrics.read(args.logs).summary()
    except OSError as err:
        print(f"flowagent: cannot read {err.filename}: {err.strerror}", file=sys.stderr)
        return EXIT_FLOW
    print(json.dumps(summary, indent=2) if args.json else format_summary(summary))
    for path, count in metrics.skipped.items():
        print(
            f"note: {path}: {count:,} line{'s' * (count != 1)} skipped (not a flowagent event:"
            " not JSON, not UTF-8, too long, or without an event name)",
            file=sys.stderr,
        )
    return EXIT_OK


def run_script(
    flow: Flow,
    lines: TextIO,
    out: TextIO,
    *,
    now: datetime | None = None,
    as_json: bool = False,
    conversation_id: str | None = None,
    store: ConversationStore | None = None,
    sinks: Sequence[EventSink] = (),
) -> int:
    """Drive one conversation from `lines`, writing each turn to `out` as soon as it exists
    (flushed), so another program can converse through a pipe. With a store and an id, a
    stored conversation is resumed: its current turn is printed again (`"resumed": true`)
    instead of a new greeting. Returns EXIT_OK when the conversation ended, EXIT_NOT_ENDED
    when `lines` ran out first (after saying what it waits for)."""
    conv = None
    if store is not None and conversation_id:
        conv = flow.resume(conversation_id, store, sinks=sinks)
    if conv is not None:
        _emit(conv.current_turn(), out, as_json, resumed=True)
    else:
        conv = flow.new_conversation(
            now=now, conversation_id=conversation_id, store=store, sinks=sinks
        )
        _emit(conv.start(), out, as_json)
    if conv.ended:
        return EXIT_OK
    for raw in _caller_lines(lines):
        turn = conv.handle(raw.rstrip("\r\n"))
        _emit(turn, out, as_json)
        if turn.ended:
            return EXIT_OK
    waiting = conv.expecting or f"an answer in {conv.state}"
    if as_json:  # stdout stays one JSON object per turn
        print(f"flowagent: -- not ended: waiting for {waiting} --", file=sys.stderr)
    else:
        out.write(f"-- not ended: waiting for {waiting} --\n")
        out.flush()
    return EXIT_NOT_ENDED


class InputLineTooLong(ValueError):
    """A caller line longer than `MAX_INPUT_LINE` characters (`/dev/zero` is one endless
    line): the input is not a script of caller turns."""


def _caller_lines(lines: TextIO) -> Iterator[str]:
    """The lines of `lines`, each read bounded: a line longer than `MAX_INPUT_LINE`
    characters raises InputLineTooLong instead of being read whole into memory."""
    number = 0
    while True:
        line = lines.readline(MAX_INPUT_LINE + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_INPUT_LINE and not line.endswith("\n"):
            raise InputLineTooLong(
                f"input line {number} is longer than {MAX_INPUT_LINE:,} characters: not a"
                " caller's turn (one caller line per input line)"
            )
        yield line


def _emit(turn: Turn, out: TextIO, as_json: bool, resumed: bool = False) -> None:
    if as_json:
        row = turn.to_dict()
        if resumed:
            row["resumed"] = True
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        if resumed:
            out.write("-- resumed --\n")
        if turn.user is not None:
            out.write(f"caller: {turn.user if turn.user else '(silence)'}\n")
        out.write(f"agent:  {turn.text}\n")
        if turn.ended:
            out.write(f"-- ended: {turn.outcome} --\n")
    out.flush()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

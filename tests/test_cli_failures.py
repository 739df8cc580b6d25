"""Every failure of the `flowagent` command is one readable line on stderr and a documented
exit code, never a Python traceback: hostile log files, endless input lines, an event log on a
full disk, a bad store URL, a closed stdout, errors the engine handled, and our own bugs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import ROOT

from flowagent import cli
from flowagent.metrics import Metrics

APPOINTMENT = str(ROOT / "flows" / "appointment.yaml")
TRACEBACK = b"Traceback (most recent call last)"


def flowagent(
    *args: str, stdin: bytes = b"", shell_suffix: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    environ = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    environ.pop("FLOWAGENT_DEBUG", None)
    command = [sys.executable, "-m", "flowagent.cli", *args]
    if shell_suffix:  # e.g. ">&-": run through a shell that closes a stream first
        quoted = " ".join(f"'{a}'" for a in command)
        return subprocess.run(
            ["bash", "-c", f"{quoted} {shell_suffix}"],
            input=stdin,
            capture_output=True,
            env=environ,
            timeout=120,
            check=False,
        )
    return subprocess.run(
        command, input=stdin, capture_output=True, env=environ, timeout=120, check=False
    )


def one_line(result: subprocess.CompletedProcess[bytes]) -> str:
    """The stderr of a failure: one line, no traceback."""
    assert TRACEBACK not in result.stderr, result.stderr.decode(errors="replace")
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


# --- flowagent stats ---------------------------------------------------------------------------

EVENT = {"event": "conversation_end", "conversation_id": "c1", "outcome": "complete", "turns": 4}


@pytest.mark.parametrize(
    "garbage",
    [
        os.urandom(4000).replace(b"\n", b""),
        b"\xff\xfe\xc3\x28 not utf-8",
        b'{"event": 5}\n[]\n"x"\n{"event": "conversation_end", "turns": "x", "outcome": {}}',
        b'{"event": "turn", "elapsed_ms": "abc"}\n{"event": "slot_filled", "slot": [1]}',
        b"[" * 100_000,
    ],
    ids=["binary", "invalid-utf8", "odd-json", "wrong-types", "deep-json"],
)
def test_stats_counts_the_events_and_skips_what_is_not_one(tmp_path: Path, garbage: bytes) -> None:
    log = tmp_path / "events.jsonl"
    log.write_bytes(json.dumps(EVENT).encode() + b"\n" + garbage + b"\n")
    result = flowagent("stats", str(log), "--json")
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert TRACEBACK not in result.stderr
    summary = json.loads(result.stdout)
    assert summary["outcomes"]["complete"] == 1 and summary["average_turns"] == 4


def test_stats_says_how_many_lines_it_skipped(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    log.write_bytes(b"not json\n\xff\xfe\n" + json.dumps(EVENT).encode() + b"\n")
    assert "2 lines skipped" in one_line(flowagent("stats", str(log)))


def test_stats_skips_a_line_too_long_to_be_an_event_without_holding_it(tmp_path: Path) -> None:
    metrics = Metrics()
    log = tmp_path / "events.jsonl"
    log.write_bytes(b"x" * 2_500_000 + b"\n" + json.dumps(EVENT).encode() + b"\n")
    metrics.read([log])
    assert metrics.outcomes["complete"] == 1 and metrics.skipped == {str(log): 1}


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_stats_refuses_a_device_in_one_line() -> None:
    result = flowagent("stats", "/dev/zero")
    assert result.returncode == cli.EXIT_FLOW
    assert "cannot read /dev/zero" in one_line(result)


def test_metrics_ignore_fields_of_the_wrong_type() -> None:
    metrics = Metrics()
    metrics.add({"event": "conversation_end", "turns": "x", "outcome": "complete"})
    metrics.add({"event": "turn", "elapsed_ms": float("nan")})
    metrics.add({"event": "turn", "elapsed_ms": True})
    summary = metrics.summary()
    assert summary["ended"] == 1 and summary["average_turns"] is None
    assert summary["turns"] == 2 and summary["turn_latency_ms"]["p50"] is None


# --- flowagent run -----------------------------------------------------------------------------


def test_run_refuses_an_endless_input_line_without_reading_it_whole(tmp_path: Path) -> None:
    endless = tmp_path / "one-line.txt"
    endless.write_bytes(b"\x00" * 1_000_010)
    result = flowagent("run", APPOINTMENT, "--input", str(endless))
    assert result.returncode == cli.EXIT_FLOW
    assert "input line 1 is longer than 1,000,000 characters" in one_line(result)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_an_event_log_that_cannot_be_written_ends_the_log_not_the_call() -> None:
    result = flowagent("run", APPOINTMENT, "--log", "/dev/full", stdin=b"hi this is Maria\n")
    assert result.returncode == cli.EXIT_USAGE
    assert "cannot write the event log to /dev/full" in one_line(result)
    assert b"What day" in result.stdout  # the conversation went on


def test_a_redis_url_with_a_bad_port_is_one_line() -> None:
    pytest.importorskip("redis")
    result = flowagent("run", APPOINTMENT, "--store", "redis://localhost:99999/0", "--id", "a")
    assert result.returncode == cli.EXIT_FLOW
    assert "bad redis store URL" in one_line(result)


def test_run_with_stdout_closed_runs_quietly() -> None:
    result = flowagent("run", APPOINTMENT, stdin=b"hi this is Maria\n", shell_suffix=">&-")
    assert result.returncode == cli.EXIT_NOT_ENDED
    assert result.stderr == b""


def test_a_reply_the_terminal_cannot_encode_is_replaced_not_raised(tmp_path: Path) -> None:
    flow = tmp_path / "cafe.yaml"
    flow.write_text(
        'flow: t\nstart: DONE\nstates:\n  DONE: {kind: end, say: "Caf\u00e9 \u2013 bye."}\n'
        "  FALLBACK: {kind: end, outcome: fallback}\n",
        encoding="utf-8",
    )
    result = flowagent("run", str(flow), env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == cli.EXIT_OK, result.stderr.decode()
    assert result.stdout.startswith(b"agent:  Caf? ? bye.")


def test_a_flow_with_a_lone_surrogate_is_refused_at_its_line(tmp_path: Path) -> None:
    flow = tmp_path / "surrogate.yaml"
    flow.write_text(
        'flow: t\nstart: DONE\nstates:\n  DONE: {kind: end, say: "Do\\ud800ne."}\n'
        "  FALLBACK: {kind: end, outcome: fallback}\n",
        encoding="utf-8",
    )
    result = flowagent("run", str(flow))
    assert result.returncode == cli.EXIT_FLOW
    assert "surrogate.yaml:4:" in one_line(result)


def test_dates_at_the_last_year_a_call_can_run_in_are_no_error() -> None:
    result = flowagent(
        "run", APPOINTMENT, "--now", "8999-12-30T23:59", stdin=b"I need a checkup tomorrow\n"
    )
    assert result.returncode == cli.EXIT_NOT_ENDED
    assert result.stderr == b"", result.stderr.decode()


def test_a_now_past_the_years_a_call_can_run_in_is_a_usage_error() -> None:
    result = flowagent(
        "run", APPOINTMENT, "--now", "9999-12-31T23:59", stdin=b"I need a checkup tomorrow\n"
    )
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert "outside the time a conversation can run in" in result.stderr.decode().splitlines()[-1]


@pytest.mark.parametrize("debug", [False, True], ids=["default", "debug"])
def test_an_error_the_engine_handled_is_one_line_unless_debugging(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    debug: bool,
) -> None:
    from flowagent.slots.date import DateExtractor

    def broken(self: object, text: str, ctx: object) -> list[object]:
        raise OverflowError("date value out of range")

    monkeypatch.setattr(DateExtractor, "_extract_all", broken)
    monkeypatch.delenv("FLOWAGENT_DEBUG", raising=False)
    script = tmp_path / "in.txt"
    script.write_text("I need a checkup tomorrow\n")
    flags = ["--debug"] if debug else []
    assert cli.main(["run", APPOINTMENT, "--input", str(script), *flags]) == cli.EXIT_NOT_ENDED
    err = capsys.readouterr().err
    assert "ERROR: extractor date failed: OverflowError at test_cli_failures.py:" in err
    assert ("Traceback" in err) is debug
    if not debug:
        assert err.count("\n") == 1


def test_a_bug_in_flowagent_is_one_line_and_exit_70(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def broken(args: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "_stats", broken)
    monkeypatch.delenv("FLOWAGENT_DEBUG", raising=False)
    assert cli.main(["stats", str(tmp_path / "x.jsonl")]) == cli.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err.startswith("flowagent: internal error: RuntimeError at test_cli_failures.py:")
    assert "Traceback" not in err and err.count("\n") == 1

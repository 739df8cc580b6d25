"""The `flowagent` command as a shell user and a driving program see it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import APPOINTMENT, ROOT

SCRIPT = ROOT / "examples" / "appointment_script.txt"


def flowagent(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "flowagent.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_run_json_books_the_sample_script() -> None:
    result = flowagent(
        "run", str(APPOINTMENT), "--now", "2026-11-23T10:00", "--json", "--input", str(SCRIPT)
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["turn"] == 0 and rows[0]["user"] is None
    assert set(rows[0]) == {
        "turn",
        "user",
        "reply",
        "state",
        "expecting",
        "slots",
        "ended",
        "outcome",
    }
    last = rows[-1]
    assert last["ended"] and last["outcome"] == "complete"
    assert last["slots"]["name"] and last["slots"]["contact"].startswith("+1")


def test_run_prints_a_readable_dialogue() -> None:
    result = flowagent(
        "run", str(APPOINTMENT), "--now", "2026-11-23T10:00", stdin="this is Maria\n\n"
    )
    lines = result.stdout.splitlines()
    assert lines[0].startswith("agent:  Thanks for calling")
    assert "caller: this is Maria" in lines
    assert "caller: (silence)" in lines


def test_run_stops_reading_when_the_conversation_ends() -> None:
    result = flowagent(
        "run", str(APPOINTMENT), "--json", stdin="a real person please\nhello\nhello\n"
    )
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 2 and rows[-1]["outcome"] == "handoff"


def test_a_program_can_drive_run_turn_by_turn_through_a_pipe() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flowagent.cli",
            "run",
            str(APPOINTMENT),
            "--json",
            "--now",
            "2026-11-23T10:00",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        greeting = json.loads(proc.stdout.readline())  # arrives before any input is sent
        assert greeting["state"] == "GREETING"
        proc.stdin.write("this is Maria\n")
        proc.stdin.flush()
        reply = json.loads(proc.stdout.readline())
        assert reply["expecting"] == "date" and reply["slots"] == {"name": "Maria"}
        proc.stdin.close()
        proc.wait(timeout=30)


def test_broken_flow_exits_1_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(APPOINTMENT.read_text().replace("next: CONFIRM", "next: CONFRIM"))
    result = flowagent("run", str(bad), stdin="")
    assert result.returncode == 1
    assert "bad.yaml:" in result.stderr and "unknown state 'CONFRIM'" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_now_is_a_usage_error() -> None:
    result = flowagent("run", str(APPOINTMENT), "--now", "friday")
    assert result.returncode == 2
    assert "not an ISO date-time" in result.stderr


def test_every_command_has_help() -> None:
    for args in (["--help"], ["run", "--help"], ["repl", "--help"]):
        result = flowagent(*args)
        assert result.returncode == 0 and "usage:" in result.stdout


def test_repl_commands_show_state_and_reset() -> None:
    result = flowagent(
        "repl",
        str(APPOINTMENT),
        "--now",
        "2026-11-23T10:00",
        stdin="this is Maria\n:slots\n:state\n:reset\n:slots\n:quit\n",
    )
    assert result.returncode == 0
    assert '"name": "Maria"' in result.stdout
    assert "state=COLLECT_INFO expecting=date" in result.stdout
    assert result.stdout.rstrip().endswith("(none)\nyou>") or "(none)" in result.stdout


def test_run_with_a_store_resumes_by_id(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'calls.db'}"
    common = (
        "run",
        str(APPOINTMENT),
        "--now",
        "2026-11-23T10:00",
        "--json",
        "--store",
        store,
        "--id",
        "call-9",
    )
    first = flowagent(*common, stdin="this is Maria\nFriday at 10am\n")
    rows = [json.loads(line) for line in first.stdout.splitlines()]
    assert rows[-1]["expecting"] == "type"
    second = flowagent(*common, stdin="a checkup\n")
    again = [json.loads(line) for line in second.stdout.splitlines()]
    assert again[0]["resumed"] is True
    assert again[0]["reply"] == rows[-1]["reply"]  # the caller hears the last question again
    assert again[1]["slots"] == {
        "name": "Maria",
        "date": "2026-11-27",
        "time": "10:00",
        "type": "check_up",
    }


def test_store_without_id_is_a_clear_error(tmp_path: Path) -> None:
    result = flowagent("run", str(APPOINTMENT), "--store", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode != 0 and "--store needs --id" in result.stderr


def test_log_writes_redacted_events_and_stats_summarises_them(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    result = flowagent(
        "run",
        str(APPOINTMENT),
        "--now",
        "2026-11-23T10:00",
        "--input",
        str(SCRIPT),
        "--log",
        str(log),
    )
    assert result.returncode == 0
    text = log.read_text()
    assert '"event": "conversation_end"' in text
    assert "Maria" not in text and "555" not in text
    stats = flowagent("stats", str(log))
    assert stats.returncode == 0
    assert "completion      100.0%" in stats.stdout
    as_json = json.loads(flowagent("stats", str(log), "--json").stdout)
    assert as_json["outcomes"] == {"complete": 1}


def test_input_ending_mid_call_says_what_the_flow_waits_for_and_exits_4() -> None:
    result = flowagent(
        "run", str(APPOINTMENT), "--now", "2026-11-23T10:00", stdin="this is Maria\n"
    )
    assert result.returncode == 4
    assert result.stdout.splitlines()[-1] == "-- not ended: waiting for date --"


def test_json_run_ending_mid_call_keeps_stdout_json_and_says_it_on_stderr() -> None:
    result = flowagent("run", str(APPOINTMENT), "--json", stdin="this is Maria\n")
    assert result.returncode == 4
    assert [json.loads(line)["expecting"] for line in result.stdout.splitlines()] == [None, "date"]
    assert result.stderr == "flowagent: -- not ended: waiting for date --\n"


def test_check_gives_the_same_detail_as_run_for_a_broken_flow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(APPOINTMENT.read_text().replace("    next: CONFIRM", "    nxet: CONFIRM"))
    ran = flowagent("run", str(bad)).stderr.strip().removeprefix("flowagent: ")
    checked = flowagent("check", str(bad)).stdout.splitlines()[0]
    assert (
        ran
        == f"{bad}:123:5: error: states.COLLECT_INFO.nxet: unknown key 'nxet' (hint: did you mean 'next'?)"
    )
    assert checked == ran.replace("error: ", "error: [load] ", 1)


def test_check_explains_termination_only_when_verbose() -> None:
    short = flowagent("check", str(APPOINTMENT)).stdout.splitlines()
    assert short == [
        "termination: every conversation ends within 40 caller turns"
        " (limits.max_turns; 4 cycles only it bounds: -v explains)",
        f"{APPOINTMENT}: ok — 0 error(s), 0 warning(s)",
    ]
    verbose = flowagent("check", "-v", str(APPOINTMENT)).stdout
    assert "without those cycles the counters alone bound it at" in verbose


def test_an_unknown_repl_command_says_it_is_unknown() -> None:
    result = flowagent("repl", str(APPOINTMENT), stdin=":slotz\n:quit\n")
    assert "unknown command ':slotz' (did you mean :slots?); :help lists the commands" in (
        result.stdout
    )
    assert ":history    show the dialogue so far" not in result.stdout  # not the help text


def test_ctrl_c_in_the_repl_ends_the_line_before_exiting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C at the prompt raises KeyboardInterrupt out of input(), as a terminal does.
    (In-process: a real SIGINT to a child is at the mercy of child reapers other tests in
    this process may leave running.)"""
    from flowagent.cli import main

    def ctrl_c(prompt: str) -> str:
        print(prompt, end="")
        raise KeyboardInterrupt

    monkeypatch.setattr("builtins.input", ctrl_c)
    assert main(["repl", str(APPOINTMENT)]) == 130
    assert capsys.readouterr().out.endswith("\nyou> \n")  # the shell prompt starts a new line

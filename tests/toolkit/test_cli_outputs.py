"""What the CLI writes and prints for an author and a CI system: a file it cannot write is one
line naming the file and why (never a traceback) and the summary still prints; counts must be
counts; JSON names the greeting and the coverage the way the text report does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import APPOINTMENT, ROOT

from flowagent.cli import EXIT_OK, EXIT_USAGE, main

FIRST_TEST = ROOT / "flows" / "tests"


def one_test(tmp_path: Path) -> Path:
    path = tmp_path / "one.flowtest.yaml"
    path.write_text(
        f"flow: {APPOINTMENT}\nnow: 2026-11-23T10:00\n"
        "cases:\n  - name: greets\n    turns:\n      - say: this is Maria\n"
        "        expect: {expecting: date}\n      - say: ''\n        expect: {expecting: date}\n",
        encoding="utf-8",
    )
    return path


def test_junit_to_a_missing_directory_is_one_line_and_the_summary_still_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "out.xml"
    assert main(["test", str(one_test(tmp_path)), "--junit", str(target)]) == EXIT_USAGE
    out, err = capsys.readouterr()
    assert out.splitlines()[-1] == "1 passed, 0 failed"
    assert err == (
        f"flowagent: cannot write JUnit XML to {target}: No such file or directory"
        " (the directory must exist)\n"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["graph", str(APPOINTMENT), "-o", "{missing}/g.md"],
        ["schema", "-o", "{missing}/s.json"],
        ["run", str(APPOINTMENT), "--input", "{script}", "--log", "{missing}/e.jsonl"],
    ],
    ids=["graph", "schema", "run-log"],
)
def test_every_file_the_cli_writes_fails_in_one_line(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "script.txt"
    script.write_text("hello\n")
    args = [a.format(missing=tmp_path / "missing", script=script) for a in argv]
    assert main(args) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("flowagent: cannot write ") and err.count("\n") == 1
    assert "Traceback" not in err


def test_simulate_that_cannot_save_still_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    code = main(["simulate", str(APPOINTMENT), "-n", "3", "--save", str(blocker / "runs")])
    out, err = capsys.readouterr()
    assert code == EXIT_USAGE
    assert out.startswith("conversations  3\n")
    assert err.startswith(f"flowagent: cannot write runs to {blocker / 'runs'}: ")


@pytest.mark.parametrize("count", ["-5", "0", "many"])
def test_simulate_refuses_a_count_below_one(count: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["simulate", str(APPOINTMENT), "-n", count])
    assert exit_.value.code == EXIT_USAGE
    assert "expected a whole number of 1 or more" in capsys.readouterr().err


def test_json_dialogue_has_no_caller_for_the_greeting_and_empty_text_for_silence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = one_test(tmp_path)
    path.write_text(path.read_text().replace("expecting: date}", "expecting: time}"))
    main(["test", str(path), "--json"])
    row = json.loads(capsys.readouterr().out.splitlines()[0])
    assert [d["caller"] for d in row["dialogue"]] == [None, "this is Maria"]
    path.write_text(path.read_text().replace("expecting: time}", "expecting: date}", 1))
    main(["test", str(path), "--json"])
    row = json.loads(capsys.readouterr().out.splitlines()[0])
    assert [d["caller"] for d in row["dialogue"]] == [None, "this is Maria", ""]


def test_json_coverage_names_the_flow_as_the_text_report_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    main(["test", str(one_test(tmp_path)), "--json", "--coverage"])
    last = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert list(last["coverage"]) == ["flows/appointment.yaml"]
    assert main(["test", str(one_test(tmp_path)), "--coverage"]) == EXIT_OK
    assert "coverage of flows/appointment.yaml:" in capsys.readouterr().out


def test_near_miss_test_file_names_are_listed_as_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = one_test(tmp_path)
    for name in ("x.flowtests.yaml", "x.FlowTest.yaml", "x_flowtest.yaml"):
        (tmp_path / name).write_text(good.read_text())
    assert main(["test", str(tmp_path)]) == EXIT_OK
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"note: skipped {tmp_path / 'x.FlowTest.yaml'}: not named *.flowtest.yaml"
        " (rename it x.flowtest.yaml)",
        f"note: skipped {tmp_path / 'x.flowtests.yaml'}: not named *.flowtest.yaml"
        " (rename it x.flowtest.yaml)",
        f"note: skipped {tmp_path / 'x_flowtest.yaml'}: not named *.flowtest.yaml"
        " (rename it x.flowtest.yaml)",
        "1 passed, 0 failed",
    ]


def test_a_yml_test_file_is_collected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one_test(tmp_path).rename(tmp_path / "one.flowtest.yml")
    assert main(["test", str(tmp_path)]) == EXIT_OK
    assert capsys.readouterr().out == "1 passed, 0 failed\n"


def test_only_near_misses_say_what_was_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one_test(tmp_path).rename(tmp_path / "one.flowtests.yaml")
    assert main(["test", str(tmp_path)]) == EXIT_USAGE
    assert capsys.readouterr().err == (
        f"flowagent: no *.flowtest.yaml files found under {tmp_path}\n"
        f"note: skipped {tmp_path / 'one.flowtests.yaml'}: not named *.flowtest.yaml"
        " (rename it one.flowtest.yaml)\n"
    )


def test_simulate_says_when_it_could_not_check_an_action(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "acts.py").write_text("from json import *\n")
    flow = tmp_path / "f.yaml"
    flow.write_text(
        "flow: f\nstart: RUN\nstates:\n  RUN: {kind: action, action: 'acts:book', next: DONE}\n"
        "  DONE: {kind: end}\n  FALLBACK: {kind: end, outcome: fallback}\n"
    )
    assert main(["simulate", str(flow), "-n", "2"]) == EXIT_OK
    assert capsys.readouterr().out.startswith(
        "note: action RUN: acts:book: could not check that 'book' exists: it imports * from json\n"
    )

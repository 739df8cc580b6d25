"""`flowagent test` and `flowagent simulate` as an author and a CI system see them: tests are
found like pytest finds them, results come as text, JSON Lines or JUnit XML, and the flow's
real actions never run (so the author's data is untouched) unless `--live-actions`."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from tests.conftest import ROOT

from flowagent.cli import EXIT_FLOW, EXIT_OK, EXIT_USAGE, main

RESTAURANT = ROOT / "examples" / "restaurant"
BOOK_A_TABLE = """\
flow: ../restaurant.yaml
now: 2026-11-23T10:00
cases:
  - name: books a table
    turns:
      - say: a table for two on Friday at 7pm
      - say: Kim
      - say: 415 555 0199
      - say: none
      - say: "yes"
        expect: {ended: true, outcome: complete}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the restaurant example (flow, actions, tests) as the current directory,
    with the example's bookings database inside it."""
    shutil.copytree(RESTAURANT, tmp_path / "restaurant", ignore=shutil.ignore_patterns("__py*"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLOWAGENT_EXAMPLES_DB", str(tmp_path / "bookings.db"))
    return tmp_path


def bookings(project: Path) -> int:
    if not (project / "bookings.db").exists():
        return 0
    with sqlite3.connect(project / "bookings.db") as conn:
        return int(conn.execute("SELECT count(*) FROM reservations").fetchone()[0])


def test_no_path_finds_the_tests_below_the_current_directory(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hidden = project / ".venv" / "lib" / "x.flowtest.yaml"
    hidden.parent.mkdir(parents=True)
    hidden.write_text("not: a test file")  # would be an error if it were collected
    assert main(["test"]) == EXIT_OK
    assert capsys.readouterr().out.splitlines()[-1] == "4 passed, 0 failed"


def test_coverage_with_no_path_covers_what_it_found(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["test", "--coverage"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "4 passed, 0 failed\ncoverage of restaurant/restaurant.yaml:" in out


def test_no_test_file_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["test"]) == EXIT_USAGE


def test_the_tests_leave_the_authors_data_alone(project: Path) -> None:
    (project / "restaurant" / "tests" / "book.flowtest.yaml").write_text(BOOK_A_TABLE)
    assert main(["test"]) == EXIT_OK
    assert bookings(project) == 0


def test_live_actions_call_the_real_action(project: Path) -> None:
    (project / "restaurant" / "tests" / "book.flowtest.yaml").write_text(BOOK_A_TABLE)
    assert main(["test", "--live-actions"]) == EXIT_OK
    assert bookings(project) == 1  # the undeclared action ran; the declared fakes did not


def test_an_undeclared_action_is_named_as_a_stand_in(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "restaurant" / "tests" / "book.flowtest.yaml").write_text(BOOK_A_TABLE)
    main(["test", "restaurant/tests/book.flowtest.yaml"])
    assert capsys.readouterr().out.splitlines()[0] == (
        "note: restaurant/tests/book.flowtest.yaml: SAVE (1 case) ran as a generated"
        " stand-in; declare what it returns under 'actions:' (or run with --live-actions)"
    )


def test_a_broken_file_is_reported_and_the_others_still_run(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "restaurant" / "tests" / "broken.flowtest.yaml").write_text(
        BOOK_A_TABLE.replace("expect:", "expcet:")
    )
    assert main(["test"]) == EXIT_FLOW
    out = capsys.readouterr().out
    assert "broken.flowtest.yaml:11:9: error: cases[0].turns[4].expcet: unknown key" in out
    assert out.splitlines()[-1] == "4 passed, 0 failed, 1 error"


def test_json_prints_one_object_per_case(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "restaurant" / "tests" / "bad.flowtest.yaml").write_text(
        BOOK_A_TABLE.replace("outcome: complete", "outcome: handoff")
    )
    assert main(["test", "--json"]) == EXIT_FLOW
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 5 and sum(r["passed"] for r in rows) == 4
    (failed,) = [r for r in rows if not r["passed"]]
    assert failed["case"] == "books a table" and failed["stand_ins"] == ["SAVE"]
    assert failed["failures"] == ["turn 5: outcome: expected 'handoff', got 'complete'"]
    assert failed["dialogue"][-1]["caller"] == "yes"


def test_json_reports_a_broken_file_with_its_problems(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = project / "restaurant" / "tests" / "broken.flowtest.yaml"
    broken.write_text(BOOK_A_TABLE.replace("- say: Kim", "- say: Kim\n        times: 0"))
    main(["test", "--json", str(broken)])
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["passed"] is False and row["case"] is None
    assert row["problems"][0]["line"] == 8 and row["problems"][0]["field"] == (
        "cases[0].turns[1].times"
    )


def test_junit_xml_lists_every_case_with_its_failure(project: Path) -> None:
    (project / "restaurant" / "tests" / "bad.flowtest.yaml").write_text(
        BOOK_A_TABLE.replace("outcome: complete", "outcome: handoff")
    )
    main(["test", "--junit", "results.xml"])
    root = ET.parse(project / "results.xml").getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "1", "0")
    (failure,) = root.iter("failure")
    assert failure.get("message") == "turn 5: outcome: expected 'handoff', got 'complete'"
    assert "caller: Kim" in (failure.text or "")
    assert {s.get("name") for s in root.iter("testsuite")} == {
        "restaurant/tests/bad.flowtest.yaml",
        "restaurant/tests/restaurant.flowtest.yaml",
    }


def test_simulate_leaves_the_authors_data_alone(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", "restaurant/restaurant.yaml", "-n", "100"]) == EXIT_OK
    assert bookings(project) == 0
    assert "actions        stand-ins: returned" in capsys.readouterr().out


def test_simulate_with_live_actions_calls_them(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", "restaurant/restaurant.yaml", "-n", "100", "--live-actions"]) == 0
    out = capsys.readouterr().out
    found = re.search(r"actions        real actions \(--live-actions\): returned (\d+)", out)
    assert found is not None and bookings(project) == int(found.group(1)) > 0


def test_simulated_stand_ins_fail_and_time_out_to_reach_the_error_path(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["simulate", "restaurant/restaurant.yaml", "-n", "300", "--seed", "7"])
    out = capsys.readouterr().out
    assert "failed" in out.split("actions ")[1].splitlines()[0]
    assert "timed out" in out.split("actions ")[1].splitlines()[0]
    assert "never: SAVE -error-> FALLBACK" not in out


def test_saved_simulated_runs_declare_what_their_actions_did(project: Path) -> None:
    main(["simulate", "restaurant/restaurant.yaml", "-n", "300", "--seed", "7", "--save", "runs"])
    saved = sorted((project / "runs").glob("*.flowtest.yaml"))
    failing = [p for p in saved if "raises: simulated failure" in p.read_text()]
    assert failing, "some saved run should have its booking fail"
    assert main(["test", "runs"]) == EXIT_OK  # each replays exactly, with its fakes


def test_schema_tests_prints_the_test_file_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--tests"]) == EXIT_OK
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "flowagent conversation test"
    assert set(schema["required"]) == {"flow", "cases"}


def test_a_case_that_checks_nothing_is_named(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    smoke = project / "restaurant" / "tests" / "smoke.flowtest.yaml"
    smoke.write_text(
        "flow: ../restaurant.yaml\nnow: 2026-11-23T10:00\n"
        "cases:\n  - name: smoke\n    turns: [{say: hi}]\n"
    )
    assert main(["test", str(smoke)]) == EXIT_OK
    assert capsys.readouterr().out == (
        f"note: {smoke} :: smoke checks nothing (no 'expect' in any turn)\n1 passed, 0 failed\n"
    )

"""`flowagent check` catches each kind of problem on a purpose-built broken flow, with the
file and line, and proves termination for sound flows."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import APPOINTMENT

from flowagent.toolkit.check import check_flow, format_report

FLOWS = Path(__file__).parent / "flows"


@pytest.mark.parametrize(
    ("file", "code", "severity", "line", "words"),
    [
        ("unreachable.yaml", "unreachable", "warning", 17, "ORPHAN"),
        ("trap.yaml", "trap", "error", 17, "no way to an end state"),
        ("unknown_state.yaml", "load", "error", 11, "unknown state 'DONNE'"),
        ("never_used.yaml", "never-used", "warning", 7, "'phone' is collected but never used"),
        ("never_collected.yaml", "never-collected", "warning", 7, "'phone' is used"),
        ("bad_placeholder.yaml", "load", "error", 14, "{{ nmae }}"),
        ("shared_synonym.yaml", "shared-synonym", "warning", 12, "'checkup' belongs to both"),
        ("no_limit.yaml", "no-limit", "error", 10, "no limit on silences"),
    ],
)
def test_each_problem_is_caught_with_its_line(
    file: str, code: str, severity: str, line: int, words: str
) -> None:
    report = check_flow(FLOWS / file)
    hits = [f for f in report.findings if f.code == code and words in f.message]
    assert hits, format_report(report)
    assert hits[0].severity == severity
    assert hits[0].line == line
    assert hits[0].file is not None and hits[0].file.endswith(file)


def test_the_reference_flow_is_clean_and_bounded() -> None:
    report = check_flow(APPOINTMENT)
    assert not report.errors and not report.warnings, format_report(report)
    assert report.termination is not None
    assert report.termination.bound == 40
    assert any("start over" in c for c in report.termination.unbounded_cycles)


def test_a_trap_means_no_termination_proof() -> None:
    report = check_flow(FLOWS / "trap.yaml")
    assert report.termination is not None and report.termination.bound is None
    assert "NOT proven" in format_report(report)


BLOCKING_FLOW = """\
flow: blocking
start: RUN
states:
  RUN:
    kind: action
    action: acts:book
    next: DONE
  DONE:
    kind: end
    outcome: complete
    say: Booked.
  FALLBACK:
    kind: end
    outcome: fallback
    say: Sorry.
"""


@pytest.mark.parametrize("import_actions", [False, True], ids=["source", "imported"])
def test_blocking_calls_in_an_async_action_are_a_warning_at_its_line(
    tmp_path: Path, import_actions: bool
) -> None:
    """`time.sleep` or `requests.post` in an `async def` holds the worker's event loop; a
    plain `def` doing the same runs in its own thread and is fine."""
    (tmp_path / "acts.py").write_text(
        "import time, requests\n"
        "async def book(slots):\n"
        "    time.sleep(1)\n"
        "    requests.post('https://calendar.example/book', json=slots)\n"
        "    return {'reference': 'A1'}\n"
        "def plain(slots):\n"
        "    time.sleep(1)\n"
        "    return {'reference': 'A1'}\n"
    )
    (tmp_path / "flow.yaml").write_text(BLOCKING_FLOW)
    if import_actions:
        pytest.importorskip("requests")
    report = check_flow(tmp_path / "flow.yaml", import_actions=import_actions)
    hits = [f for f in report.findings if f.code == "action-blocks-loop"]
    assert len(hits) == 1, format_report(report)
    assert hits[0].severity == "warning" and hits[0].line == 6  # the `action:` line
    assert "time.sleep, requests.post" in hits[0].message

    (tmp_path / "flow.yaml").write_text(BLOCKING_FLOW.replace("acts:book", "acts:plain"))
    report = check_flow(tmp_path / "flow.yaml", import_actions=import_actions)
    assert not [f for f in report.findings if f.code == "action-blocks-loop"]

"""The example flows are real: they check clean, their conversation tests pass (collected by
the pytest plugin from examples/), and 1,000 generated callers each never crash them or
leave a conversation unfinished."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from tests.conftest import APPOINTMENT, ROOT

import flowagent
from flowagent.check import check_flow, format_report
from flowagent.simulate import simulate

EXAMPLES = [
    ROOT / "examples" / "car_service" / "car_service.yaml",
    ROOT / "examples" / "restaurant" / "restaurant.yaml",
]


@pytest.mark.parametrize("path", [APPOINTMENT, *EXAMPLES], ids=lambda p: p.stem)
def test_flow_checks_clean(path: Path) -> None:
    report = check_flow(path)
    assert not report.errors, format_report(report)


@pytest.mark.parametrize("path", [APPOINTMENT, *EXAMPLES], ids=lambda p: p.stem)
def test_a_thousand_generated_callers_never_crash_or_hang(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLOWAGENT_EXAMPLES_DB", str(tmp_path / "bookings.db"))
    flow = flowagent.load_flow(path)
    report = simulate(flow, conversations=1000, seed=7)
    assert report.conversations == 1000
    assert report.crashes == []
    assert report.unended == []
    assert max(report.turns) <= flow.max_turns
    assert report.outcomes["complete"] > 0


def test_example_actions_write_bookings_to_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "bookings.db"
    monkeypatch.setenv("FLOWAGENT_EXAMPLES_DB", str(db))
    conv = flowagent.load_flow(EXAMPLES[1]).new_conversation()
    conv.start()
    for line in ["a table for two on Friday at 7pm", "Kim", "415 555 0199", "none", "yes"]:
        turn = conv.handle(line)
    assert turn.outcome == "complete", turn.text
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT details FROM reservations").fetchall()
    assert len(rows) == 1 and '"name": "Kim"' in rows[0][0]

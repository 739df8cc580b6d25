"""The example flows are real: they check clean, their conversation tests pass (collected by
the pytest plugin from examples/), and 1,000 generated callers each never crash them or
leave a conversation unfinished."""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import APPOINTMENT, ROOT

import flowagent
from flowagent.toolkit.check import check_flow, format_report
from flowagent.toolkit.simulate import Caller, simulate

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


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_hypothesis_driven_callers_never_crash_an_example(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hypothesis picks every line from what the simulated callers say to the question
    asked, and shrinks any sequence that crashes or outlasts the turn limit."""
    monkeypatch.setenv("FLOWAGENT_EXAMPLES_DB", str(tmp_path / "bookings.db"))
    flow = flowagent.load_flow(path)
    keys = (None, "confirmation", "change", *flow.compiled.collectable_slots)
    pools = {}
    for key in keys:
        caller = Caller(flow, random.Random(str(key)), cooperation=0.6)
        pools[key] = sorted({caller.say(key) for _ in range(40)} | {"", "yes", "no"})

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def converse(data: st.DataObject) -> None:
        conv = flow.new_conversation(now=datetime(2026, 11, 23, 10, 0))
        turn = conv.start()
        while not turn.ended:
            turn = conv.handle(data.draw(st.sampled_from(pools.get(turn.expecting, pools[None]))))
            assert conv.context.turns <= flow.max_turns

    converse()

"""The termination proof: it names every cycle a caller can keep going without a counter
moving, and its structural bound holds against hypothesis-driven callers who avoid them."""

from __future__ import annotations

import random
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import APPOINTMENT, ROOT

import flowagent
from flowagent.slots.corrections import is_correction
from flowagent.toolkit.check import check_flow
from flowagent.toolkit.simulate import Caller

FLOWS = Path(__file__).parent / "flows"
NO_LOOPING_COMMANDS = (
    "commands:\n  repeat: {enabled: false}\n  hold: {enabled: false}\n"
    "  start_over: {enabled: false}\n  help:\n    enabled: false\n"
)


def _bounded_variant(directory: Path, max_turns: int) -> Path:
    """The reference flow with the looping commands off and the given turn limit."""
    text = APPOINTMENT.read_text(encoding="utf-8")
    head, _, rest = text.partition("commands:\n")
    rest = rest.split("\nslots:\n", 1)[1]
    text = head.replace("max_turns: 40", f"max_turns: {max_turns}")
    path = directory / "appointment.yaml"
    path.write_text(text + NO_LOOPING_COMMANDS + "\nslots:\n" + rest, encoding="utf-8")
    shutil.copy(ROOT / "flows" / "appointment_actions.py", directory)
    return path


def test_the_reference_flow_names_each_cycle_only_max_turns_bounds() -> None:
    t = check_flow(APPOINTMENT).termination
    assert t is not None and t.bound == 40
    named = "\n".join(t.unbounded_cycles)
    assert "help, hold, repeat" in named
    assert "start over returns to 'GREETING'" in named
    assert "corrections while collecting (COLLECT_INFO)" in named


def test_without_looping_commands_only_the_correction_cycle_remains(tmp_path: Path) -> None:
    t = check_flow(_bounded_variant(tmp_path, 40)).termination
    assert t is not None and len(t.unbounded_cycles) == 1
    assert t.unbounded_cycles[0].startswith("corrections while collecting")
    # date, time, type (two choices) and contact (which area code?) can each ask a
    # clarification; 150 whole answers (49 of them deflected questions), in up to 4 pieces,
    # times 3 silences
    assert t.structural_bound == 1800


def test_a_single_question_flow_is_bounded_by_its_counters(tmp_path: Path) -> None:
    flow = tmp_path / "one.yaml"
    flow.write_text(
        (FLOWS / "unreachable.yaml").read_text(encoding="utf-8")
        + "commands:\n  repeat: {enabled: false}\n  hold: {enabled: false}\n"
        "  help: {enabled: false}\n  start_over: {enabled: false}\n",
        encoding="utf-8",
    )
    t = check_flow(flow).termination
    assert t is not None and t.unbounded_cycles == []
    # 7 whole answers (3 of them deflected questions), in up to 4 pieces, times 3 silences
    assert t.structural_bound == 84 and t.bound == 60  # max_turns is lower


def test_a_loop_of_states_that_never_wait_is_an_error_with_its_line() -> None:
    report = check_flow(FLOWS / "trap.yaml")
    hits = [f for f in report.findings if f.code == "transient-loop"]
    assert [(f.line, f.severity) for f in hits] == [(17, "error")]
    assert "LOOP → LOOP2 → LOOP" in hits[0].message


def test_a_menu_loop_through_a_waiting_state_is_named(tmp_path: Path) -> None:
    flow = tmp_path / "menu.yaml"
    flow.write_text(
        "flow: menu\nstart: MENU\nslots:\n  more:\n    type: yesno\n    prompt: Anything else?\n"
        "states:\n"
        "  MENU: {kind: say, say: Hello., wait: true, next: ASK}\n"
        "  ASK:\n    kind: collect\n    slots: [more]\n    next: BYE\n"
        "    transitions:\n      - {to: MENU, when: {equals: {more: true}}}\n"
        "  BYE: {kind: end, say: Bye.}\n  FALLBACK: {kind: end}\n",
        encoding="utf-8",
    )
    t = check_flow(flow).termination
    assert t is not None and t.bound == 60
    assert any("own transitions loop: ASK → MENU → ASK" in c for c in t.unbounded_cycles)


def _lines(flow: flowagent.Flow, key: str | None) -> list[str]:
    """What a caller may say when `key` is asked, minus mid-collection corrections."""
    caller = Caller(flow, random.Random(hash(key) % 1000), cooperation=0.5)
    lines = {caller.say(key) for _ in range(60)} | {"", "blorp", "yes", "no"}
    if key not in ("confirmation", "change"):
        lines = {line for line in lines if not is_correction(line)}
    return sorted(lines)


@pytest.fixture(scope="module")
def unlimited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bounded variant with a turn limit no conversation reaches."""
    return _bounded_variant(tmp_path_factory.mktemp("unlimited"), 100_000)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_caller_outlasts_the_structural_bound(unlimited: Path, data: st.DataObject) -> None:
    """With the looping commands off and no mid-collection corrections, no sequence of
    answers, failures, silences, rejections and clarifications outlasts the proof."""
    path = unlimited
    flow = flowagent.load_flow(path)
    t = check_flow(path).termination
    assert t is not None and t.structural_bound is not None
    pools = {
        key: _lines(flow, key)
        for key in (None, "confirmation", "change", *flow.compiled.collectable_slots)
    }
    conv = flow.new_conversation(now=datetime(2026, 11, 23, 10, 0))
    turn = conv.start()
    while not turn.ended:
        options = pools.get(turn.expecting, pools[None])
        turn = conv.handle(data.draw(st.sampled_from(options)))
        assert conv.context.turns <= t.structural_bound

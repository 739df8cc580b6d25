"""`flowagent simulate` callers talk like real ones: numbers in pieces, spelling, questions,
STT markers and fillers — so an author finds these problems in their own flow."""

from __future__ import annotations

import random

import flowagent
from flowagent.toolkit.simulate import Caller, simulate


def lines(flow: flowagent.Flow, expecting: str, n: int = 400) -> list[str]:
    caller = Caller(flow, random.Random(7), cooperation=0.95)
    return [caller.say(expecting) for _ in range(n)]


def test_simulated_callers_give_numbers_in_pieces_and_with_area_codes(
    reference: flowagent.Flow,
) -> None:
    said = lines(reference, "contact")
    assert any(s.isdigit() and len(s) == 3 for s in said)  # a group on its own
    assert any("area code" in s for s in said) and any("extension" in s for s in said)


def test_simulated_callers_spell(reference: flowagent.Flow) -> None:
    said = lines(reference, "contact") + lines(reference, "name")
    assert any(" as in " in s or "double " in s for s in said)


def test_simulated_callers_ask_questions_and_stt_writes_markers(
    reference: flowagent.Flow,
) -> None:
    said = lines(reference, "date")
    assert any(s.endswith("?") for s in said)
    assert any(s.startswith(("[", "(", "<", "♪")) for s in said)
    assert any(s.startswith(("um", "uh")) for s in said)


def test_simulated_callers_with_these_habits_never_crash_or_hang(
    plumbing: flowagent.Flow,
) -> None:
    report = simulate(plumbing, conversations=200, seed=3)
    assert report.crashes == [] and report.unended == []

"""Numbers from caller text are finite and within `MAX_NUMBER` (2**53 - 1, what every JSON
reader holds exactly), in every extractor: "9" * 309 + ".5" once put `inf` into a number
slot, after which no save of the call succeeded (issue #12, F10). A number out of range is no
value — a no-match — and never an extractor error."""

from __future__ import annotations

import json
import logging
import math
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import NOW, ROOT

import flowagent
from flowagent.slots.base import MAX_NUMBER, ExtractContext, Extraction, Extractor
from flowagent.slots.registry import get_extractor, known_types
from flowagent.store import open_store

sys.path.insert(0, str(ROOT / "benchmarks"))
from extractor_growth import CTX

HUGE = [
    "9" * 309 + ".5",  # float('inf')
    "9" * 400,
    "9" * 5000,  # int() refuses more than 4,300 digits
    "1" + "0" * 16,
    "-" + "9" * 400,
    "1,000,000,000,000,000,000",
    "there are " + "9" * 40 + " and a half of them",
]
QUANTITY = """\
flow: quantity
start: ASK
limits: {max_utterance_chars: 10000}
slots:
  quantity:
    type: number
    prompt: How many boxes would you like?
    rules:
      - {rule: range, min: 1}
states:
  ASK: {kind: collect, slots: [quantity], next: CONFIRM}
  CONFIRM: {kind: confirm, prompt: "{{ quantity }} boxes, is that right?", on_yes: DONE}
  DONE: {kind: end, say: "Ordered {{ quantity }} boxes."}
  FALLBACK: {kind: end, outcome: fallback}
"""


def numbers(found: list[Extraction]) -> list[int | float]:
    values = [e.value for e in found] + [c for e in found for c in e.candidates]
    return [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]


@pytest.mark.parametrize("slot_type", sorted(known_types()))
def test_no_extractor_yields_a_number_out_of_range_or_raises_on_huge_digits(
    slot_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="flowagent")
    extractor = get_extractor(slot_type)
    for text in HUGE:
        for value in numbers(extractor.extract_all(text, CTX)):
            assert math.isfinite(value) and abs(value) <= MAX_NUMBER, (text[:20], value)
    assert not caplog.records, [r.getMessage() for r in caplog.records]


def test_the_largest_exact_number_is_still_a_number() -> None:
    found = get_extractor("number").extract("9007199254740991", CTX)
    assert found is not None and found.value == MAX_NUMBER


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["9" * 20, "9" * 309, ".5", "1", ",", "000", " ", "and a half", "e999"]),
        max_size=12,
    ).map("".join)
)
def test_a_number_slot_only_ever_holds_a_finite_number_within_bounds(text: str) -> None:
    for value in numbers(get_extractor("number").extract_all(text, CTX)):
        assert math.isfinite(value) and abs(value) <= MAX_NUMBER


def test_a_custom_extractor_cannot_hand_out_infinity_or_nan() -> None:
    """The guard is in the extractor contract, so a host's own slot type is covered too."""

    class Broken(Extractor):
        type_name = "broken"

        def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
            return [
                Extraction(float("inf"), 0, 1),
                Extraction(float("nan"), 0, 1),
                Extraction(None, 0, 1, candidates=(10**30, 2)),
                Extraction(7, 0, 1),
            ]

    found = Broken().extract_all("x", CTX)
    assert [e.value for e in found] == [7]


def test_an_infinite_number_is_a_no_match_and_the_call_keeps_saving(tmp_path: Path) -> None:
    """The reported case: before, the slot held inf and every later save failed."""
    (tmp_path / "quantity.yaml").write_text(QUANTITY, encoding="utf-8")
    flow = flowagent.load_flow(tmp_path / "quantity.yaml")
    store = open_store(f"sqlite:///{tmp_path / 'calls.db'}")
    conv = flow.new_conversation(conversation_id="call-inf", store=store, now=NOW)
    conv.start()
    turn = conv.handle("9" * 309 + ".5")
    assert "quantity" not in conv.slots
    assert turn.saved and "inf" not in turn.text
    turn = conv.handle("twelve")
    assert conv.slots["quantity"] == 12 and turn.saved
    stored = store.load("call-inf")
    assert stored is not None and json.loads(json.dumps(stored))["context"]["turns"] == 2

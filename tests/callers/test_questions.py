"""Questions callers ask: answered from the flow's `answers:`, or deflected politely, and
never stored as a slot value."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.callers.conftest import say

import flowagent
from flowagent.errors import FlowCheckError
from flowagent.questions import INFO, PROPOSAL, REQUEST, TAG, YESNO, question_kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("How much does a checkup cost?", INFO),
        ("what time do you guys close on Saturdays", INFO),
        ("hi, where are you located?", INFO),
        ("I was wondering what your hours are", INFO),
        ("quick question, how long does a cleaning take", INFO),
        ("do you take Cigna?", YESNO),
        ("is there parking", YESNO),
        ("can I book a cleaning?", REQUEST),
        ("could you fit me in Friday?", REQUEST),
        ("would it be possible to come in at 3", REQUEST),
        ("what about Tuesday?", PROPOSAL),
        ("how about 3", PROPOSAL),
        ("Tuesday?", TAG),
        ("my water heater is leaking", None),
        ("I don't know what day", None),
    ],
)
def test_the_question_detector_reads_the_form(text: str, kind: str | None) -> None:
    assert question_kind(text) == kind


def test_a_price_question_at_the_greeting_is_answered_not_filled(
    reference: flowagent.Flow,
) -> None:
    conv, turn = say(reference, "How much does a checkup cost?")
    assert "$120" in turn.text
    assert turn.text.endswith("How can I help today?")
    assert conv.slots == {} and turn.event == "answer"


@pytest.mark.parametrize(
    ("asked", "answer"),
    [
        ("what time do you close on Saturdays?", "9 AM to 5 PM"),
        ("are you open on weekends?", "Monday to Saturday"),
        ("where's your office?", "Main Street"),
        ("is there somewhere to park?", "parking"),
        ("do you take Delta Dental?", "Delta Dental"),
        ("is my insurance accepted?", "dental plans"),
        ("how much is a cleaning without insurance?", "$120"),
        ("what do you charge for a follow up?", "$60"),
    ],
)
def test_the_reference_flow_answers_hours_location_insurance_pricing(
    reference: flowagent.Flow, asked: str, answer: str
) -> None:
    conv, turn = say(reference, "I need a checkup", asked)
    assert answer in turn.text
    assert turn.expecting == "name" and turn.text.endswith("May I have your name, please?")
    assert set(conv.slots) == {"type"}


def test_a_question_is_never_stored_as_free_text(plumbing: flowagent.Flow) -> None:
    conv, turn = say(
        plumbing, "my water heater's out", "Lee Chan", "how much do you charge for that?"
    )
    assert "address" not in conv.slots
    assert turn.event == "unanswered" and turn.expecting == "address"
    assert (
        turn.text
        == "Sorry, I can't answer that on this line. What's the address where you need us?"
    )


def test_unanswered_questions_have_their_own_counter(plumbing: flowagent.Flow) -> None:
    conv, turn = say(plumbing, "is the owner nice?")
    assert conv.context.counters.unanswered == 1 and conv.context.counters.total_no_match == 0
    conv, turn = say(plumbing, "is the owner nice?", "why is the sky blue?")
    assert "a real person" in turn.text  # the deflection escalates
    conv, turn = say(plumbing, "is the owner nice?", "why is the sky blue?", "who won the game?")
    assert turn.ended and turn.outcome == "fallback"


def test_an_answer_resets_the_unanswered_counter(plumbing: flowagent.Flow) -> None:
    conv, _ = say(plumbing, "is the owner nice?", "a leak")
    assert conv.context.counters.unanswered == 0


def test_a_yes_no_question_with_a_value_is_an_answer(reference: flowagent.Flow) -> None:
    conv, _ = say(reference, "This is Maria, a checkup", "do you have anything on Friday?")
    assert conv.slots["date"] == "2026-11-27"


def write(tmp_path: Path, answers: str) -> Path:
    path = tmp_path / "flow.yaml"
    path.write_text(
        f"""
flow: q
start: ASK
answers:
{answers}
slots:
  name: {{type: name, prompt: "Your name?"}}
states:
  ASK: {{kind: collect, slots: [name], next: DONE}}
  PRICES: {{kind: end, say: Goodbye.}}
  DONE: {{kind: end}}
  FALLBACK: {{kind: end}}
""",
        encoding="utf-8",
    )
    return path


def test_an_answer_with_to_goes_to_that_state(tmp_path: Path) -> None:
    flow = flowagent.load_flow(
        write(tmp_path, "  prices: {keywords: [price], say: Prices are online., to: PRICES}")
    )
    _, turn = say(flow, "what's the price?")
    assert turn.text == "Prices are online. Goodbye." and turn.state == "PRICES"


def test_an_answer_to_an_unknown_state_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(FlowCheckError, match=r"answers\.prices\.to: unknown state 'NOPE'"):
        flowagent.load_flow(write(tmp_path, "  prices: {keywords: [price], say: x, to: NOPE}"))


def test_an_answer_without_phrases_or_keywords_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(FlowCheckError, match="needs 'phrases' or 'keywords'"):
        flowagent.load_flow(write(tmp_path, "  prices: {say: x}"))


def test_what_is_said_besides_a_question_is_still_an_answer(reference: flowagent.Flow) -> None:
    conv, turn = say(reference, "Hi, I'd like a checkup on Friday, how much does it cost?")
    assert conv.slots == {"date": "2026-11-27", "type": "check_up"}
    assert "$120" in turn.text and turn.text.endswith("May I have your name, please?")


def test_a_question_matches_an_answer_by_its_topic_not_a_stop_word(
    reference: flowagent.Flow,
) -> None:
    _, turn = say(reference, "Hi, is there somebody there who can sort this out for me?")
    assert "answer:location" not in turn.marks


def test_a_phrase_of_only_common_words_matches_as_said(reference: flowagent.Flow) -> None:
    _, turn = say(reference, "sorry, where are you?")
    assert "answer:location" in turn.marks

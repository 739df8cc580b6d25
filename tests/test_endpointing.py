"""Slot-aware endpointing, engine side: is the caller's transcript so far a whole answer to
what the flow just asked? Plain text, no audio."""

from __future__ import annotations

from datetime import datetime

import pytest
from tests.conftest import APPOINTMENT

import flowagent
from flowagent.endpointing import AnswerStatus, delays

FLOW = flowagent.load_flow(APPOINTMENT)
NOW = datetime(2026, 11, 23, 10, 0)
COMPLETE, INCOMPLETE, NORMAL = AnswerStatus.COMPLETE, AnswerStatus.INCOMPLETE, AnswerStatus.NORMAL


def asked(expecting: str) -> flowagent.Conversation:
    """A conversation whose agent has just asked for `expecting`."""
    conv = FLOW.new_conversation(now=NOW)
    conv.start()
    conv.handle("this is Maria")  # COLLECT_INFO now asks the next open slot
    conv.context.expecting = expecting
    return conv


@pytest.mark.parametrize(
    "text",
    [
        "five five five, one two three, four five six seven",
        "it's 555 123 4567",
        "my number is two one two, five five five, oh one nine nine",
    ],
)
def test_a_full_phone_number_is_complete(text: str) -> None:
    assert asked("contact").answer_status(text) == COMPLETE


@pytest.mark.parametrize(
    "text",
    [
        "five five five, one two three",
        "it's 555 12",
        "my number is two one two, five five five, oh one",
    ],
)
def test_a_phone_number_with_digits_missing_is_incomplete(text: str) -> None:
    assert asked("contact").answer_status(text) == INCOMPLETE


@pytest.mark.parametrize(
    "text", ["my email is john dot", "it's maria at", "maria underscore", "my email is"]
)
def test_an_email_cut_off_mid_address_is_incomplete(text: str) -> None:
    assert asked("contact").answer_status(text) == INCOMPLETE


def test_a_whole_email_is_complete() -> None:
    assert asked("contact").answer_status("maria at gmail dot com") == COMPLETE


@pytest.mark.parametrize("text", ["on the", "next", "Friday at", "um"])
def test_a_date_question_answered_with_a_dangling_word_is_incomplete(text: str) -> None:
    assert asked("date").answer_status(text) == INCOMPLETE


@pytest.mark.parametrize(
    ("expecting", "text"),
    [
        ("date", "Friday of next week"),
        ("time", "two thirty in the afternoon"),
        ("type", "just a regular cleaning"),
        ("name", "it's Robert Jones"),
        ("confirmation", "yes that's right"),
    ],
)
def test_an_answer_to_the_question_asked_is_complete(expecting: str, text: str) -> None:
    assert asked(expecting).answer_status(text) == COMPLETE


@pytest.mark.parametrize(
    ("expecting", "text"),
    [
        ("date", "I was wondering whether you could help me"),
        ("date", "next Friday"),  # two readings: the caller may add "the 4th"
        ("time", "whenever suits you best"),
        ("confirmation", "no"),  # usually followed by the change
        ("change", "the time"),
    ],
)
def test_words_that_neither_answer_nor_dangle_are_normal(expecting: str, text: str) -> None:
    assert asked(expecting).answer_status(text) == NORMAL


def test_the_open_greeting_question_is_normal() -> None:
    conv = FLOW.new_conversation(now=NOW)
    conv.start()
    assert conv.answer_status("Hi, this is Maria, I need a checkup on Friday at 2pm") == NORMAL


def test_empty_text_is_normal_and_answer_status_changes_nothing() -> None:
    conv = asked("contact")
    before = conv.snapshot()
    assert conv.answer_status("") == NORMAL
    conv.answer_status("five five five")
    assert conv.snapshot() == before


def test_a_state_can_set_its_own_endpointing_delays() -> None:
    small = flowagent.load_flow_text(
        """
flow: ep
start: ASK
slots:
  phone: {type: phone, prompt: "Your number?"}
states:
  ASK:
    kind: collect
    slots: [phone]
    next: DONE
    voice: {endpointing: {min: 0.05, max: 3.0}}
  DONE: {kind: end, outcome: complete, say: Thanks.}
  FALLBACK: {kind: end}
"""
    )
    conv = small.new_conversation()
    conv.start()
    d = conv.endpointing_delays()
    assert (d.complete, d.incomplete) == (0.05, 3.0) and 0.05 <= d.normal <= 3.0


def test_delays_default_short_when_complete_and_long_when_incomplete() -> None:
    d = delays()
    assert d.complete < d.normal < d.incomplete


def test_a_negative_endpointing_delay_is_a_flow_error() -> None:
    with pytest.raises(flowagent.FlowDefinitionError, match="endpointing"):
        flowagent.load_flow_text(
            """
flow: bad
start: ASK
slots:
  phone: {type: phone, prompt: "Your number?"}
states:
  ASK:
    kind: collect
    slots: [phone]
    next: DONE
    voice: {endpointing: {min: -1}}
  DONE: {kind: end, outcome: complete}
  FALLBACK: {kind: end}
"""
        )

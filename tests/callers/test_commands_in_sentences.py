"""Commands said inside real sentences: a cancel or a hold leading a longer utterance (or
closing it) counts; one whose other clauses carry a value does not; interjections and
shape-only readings never replace a value as a "correction"."""

from __future__ import annotations

import pytest
from tests.callers.conftest import say

import flowagent

NAMED = ("a cleaning please", "Omar Haddad")  # the reference flow then asks for the day


@pytest.mark.parametrize(
    "said",
    [
        "Ah, never mind, my husband already booked it, sorry",
        "Okay you know what, forget it, I'll call back some other time",
        "The pain went away so never mind, thanks anyway",
    ],
)
def test_a_cancel_leading_or_closing_a_long_sentence_cancels(
    reference: flowagent.Flow, said: str
) -> None:
    conv, turn = say(reference, *NAMED, said)
    assert conv.outcome == "cancelled" and turn.ended


def test_a_cancelled_call_keeps_the_values_it_had(reference: flowagent.Flow) -> None:
    conv, _ = say(reference, *NAMED, "Ah, never mind, my husband already booked it, sorry")
    assert conv.slots["name"] == "Omar Haddad"


def test_an_interjection_before_a_comma_is_never_a_name(plumbing: flowagent.Flow) -> None:
    conv, _ = say(plumbing, "the kitchen drain is backed up", "Oh, hmm, let me think")
    assert "name" not in conv.slots


def test_an_opening_capital_never_corrects_a_name(reference: flowagent.Flow) -> None:
    conv, turn = say(reference, *NAMED, "Well, sorry, I'm not sure yet")
    assert conv.slots["name"] == "Omar Haddad"
    assert "instead" not in turn.text


def test_never_mind_that_before_a_value_corrects_it(reference: flowagent.Flow) -> None:
    conv, turn = say(reference, *NAMED, "never mind that, it's Omar Khalil")
    assert conv.slots["name"] == "Omar Khalil" and not turn.ended


def test_a_hold_leading_a_long_sentence_holds(reference: flowagent.Flow) -> None:
    _, turn = say(reference, *NAMED, "Give me a sec, my calendar is in the other room somewhere")
    assert turn.hold and turn.event == "hold"


def test_a_hold_between_two_values_is_a_correction(reference: flowagent.Flow) -> None:
    conv, turn = say(reference, *NAMED, "Thursday, no wait, hang on, Friday")
    assert not turn.hold and conv.slots["date"] == "2026-11-27"


def test_a_command_word_inside_a_request_is_not_the_command(reference: flowagent.Flow) -> None:
    conv, turn = say(reference, *NAMED, "Tuesday, and I'd like to start over with a new dentist")
    assert conv.slots["date"] == "2026-11-24" and turn.event != "start_over"

"""Requests a flow cannot serve: another language, and tasks on a booking the caller already
has, go to a person; a turn in another language is never a value."""

from __future__ import annotations

import pytest
from tests.callers.conftest import say

import flowagent
from flowagent.out_of_scope import TaskMatcher, foreign, language_request


@pytest.mark.parametrize(
    "said",
    [
        "En español, por favor",
        "¿Hablan español?",
        "do you have anyone who speaks Vietnamese",
        "Mandarin please",
    ],
)
def test_asking_for_another_language_hands_off(reference: flowagent.Flow, said: str) -> None:
    conv, turn = say(reference, said)
    assert conv.outcome == "handoff" and "name" not in conv.slots
    assert "out_of_scope:language" in turn.marks


@pytest.mark.parametrize(
    "said", ["My wife is French", "I need a Spanish tutor for my son", "Maria de la Cruz"]
)
def test_a_language_named_in_passing_is_no_request(said: str) -> None:
    assert not language_request(said)


@pytest.mark.parametrize(
    "said",
    ["Necesito una cita para el martes", "Bonjour, je voudrais un rendez-vous", "我想预约"],
)
def test_a_turn_in_another_language_is_a_no_match(reference: flowagent.Flow, said: str) -> None:
    conv, turn = say(reference, "a checkup", said)
    assert turn.event == "no_match" and "name" not in conv.slots


@pytest.mark.parametrize("said", ["Maria de la Cruz", "José Núñez", "it's Van der Berg"])
def test_names_with_particles_and_accents_are_english_turns(said: str) -> None:
    assert not foreign(said)


@pytest.mark.parametrize(
    "said",
    [
        "Yeah hi, I have to cancel my cleaning on Tuesday",
        "I'm calling to push back my appointment",
        "could I reschedule please",
        "I need to confirm the appointment I made last week",
    ],
)
def test_a_task_on_an_existing_booking_hands_off(reference: flowagent.Flow, said: str) -> None:
    conv, turn = say(reference, said)
    assert conv.outcome == "handoff"
    assert turn.text.startswith("I can't do that on this line")


def test_moving_a_day_mid_booking_is_a_correction(reference: flowagent.Flow) -> None:
    conv, turn = say(
        reference, "a cleaning", "Omar Haddad", "Friday", "2pm", "actually move it to Monday"
    )
    assert conv.slots["date"] == "2026-11-30" and not turn.ended


def test_an_existing_booking_said_mid_flow_still_hands_off(reference: flowagent.Flow) -> None:
    conv, _ = say(reference, "Omar Haddad", "I want to move my existing appointment")
    assert conv.outcome == "handoff"


def test_a_task_the_flow_describes_is_in_scope() -> None:
    tasks = TaskMatcher.for_flow("Reschedule or cancel dental appointments.", [])
    assert not tasks.match("I need to reschedule my appointment", collecting_started=False)


def test_a_task_a_choice_offers_is_in_scope() -> None:
    tasks = TaskMatcher.for_flow("Book a visit.", ["new visit", "reschedule a visit"])
    assert not tasks.match("I need to reschedule my visit", collecting_started=False)
    assert tasks.match("I need to cancel my visit", collecting_started=False)


def test_a_verb_used_as_a_noun_in_a_choice_does_not_widen_scope() -> None:
    tasks = TaskMatcher.for_flow("Book a car service.", ["oil change", "brakes"])
    assert tasks.match("I want to change my appointment", collecting_started=False)


def test_a_request_to_cancel_before_anything_is_booked_hands_off(
    reference: flowagent.Flow,
) -> None:
    conv, _ = say(reference, "Hello, yes, I'd like to cancel")
    assert conv.outcome == "handoff"


def test_a_request_to_cancel_mid_booking_cancels_this_call(reference: flowagent.Flow) -> None:
    conv, _ = say(reference, "a cleaning", "Omar Haddad", "I want to cancel")
    assert conv.outcome == "cancelled"

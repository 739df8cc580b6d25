"""The reference flow asks when a caller's words allow two dates, and reads the answer
(issue #10: wrong is worse than none)."""

from __future__ import annotations

import flowagent


def _at_date_question(conv: flowagent.Conversation) -> None:
    conv.handle("I'd like to book an appointment")
    turn = conv.handle("John Smith")
    assert turn.expecting == "date"


def test_the_weekend_is_asked_about_with_both_days_named(conv: flowagent.Conversation) -> None:
    _at_date_question(conv)
    turn = conv.handle("the weekend")
    assert turn.expecting == "date"
    assert "this Saturday, the 28th or this Sunday, the 29th" in turn.text
    assert "date" not in conv.slots


def test_a_weekday_that_does_not_match_the_day_is_asked_about(
    conv: flowagent.Conversation,
) -> None:
    _at_date_question(conv)
    turn = conv.handle("Friday the 3rd")
    assert "Thursday, December 3rd or next Friday, December 4th" in turn.text
    turn = conv.handle("the Thursday")
    assert conv.slots["date"] == "2026-12-03"
    assert turn.expecting == "time"


def test_a_past_date_said_as_past_is_refused_by_not_past(conv: flowagent.Conversation) -> None:
    _at_date_question(conv)
    turn = conv.handle("last Monday")
    assert "date" not in conv.slots
    assert "already passed" in turn.text


def test_a_clarification_left_unsettled_counts_as_a_failure(
    conv: flowagent.Conversation,
) -> None:
    """Date and time can both ask; an answer that raises the other question instead of
    settling the pending one is counted, so clarifications cannot alternate forever."""
    _at_date_question(conv)
    conv.handle("the weekend")
    turn = conv.handle("at 8")
    assert "no_match:time#1" in turn.marks


def test_two_days_offered_as_alternatives_are_asked_about(conv: flowagent.Conversation) -> None:
    _at_date_question(conv)
    turn = conv.handle("Wednesday or Thursday, either is fine")
    assert "date" not in conv.slots
    assert "Wednesday" in turn.text and "Thursday" in turn.text
    conv.handle("Thursday")
    assert conv.slots["date"] == "2026-11-26"


def test_two_times_offered_as_alternatives_are_asked_about(conv: flowagent.Conversation) -> None:
    _at_date_question(conv)
    conv.handle("Wednesday")
    turn = conv.handle("10 or 10:30")
    assert "time" not in conv.slots
    assert "10 AM or 10:30 AM" in turn.text
    conv.handle("10:30")
    assert conv.slots["time"] == "10:30"


def test_a_weekday_told_in_the_past_tense_is_refused_as_past(
    conv: flowagent.Conversation,
) -> None:
    _at_date_question(conv)
    turn = conv.handle("I came in on Saturday and the crown fell off")
    assert "date" not in conv.slots
    assert "already passed" in turn.text


def test_a_part_of_day_does_not_choose_between_two_dates() -> None:
    """'in the afternoon' answers AM or PM, never 'this Tuesday or next Tuesday'."""
    from flowagent.slots.temporal.clarify import pick

    assert pick("in the afternoon", ("2026-11-24", "2026-12-01")) is None
    assert pick("the second one", ("2026-11-24", "2026-12-01")) == "2026-12-01"
    assert pick("in the afternoon", ("02:00", "14:00")) == "14:00"
    assert pick("my last name is Lee", ("2026-11-24", "2026-12-01")) is None

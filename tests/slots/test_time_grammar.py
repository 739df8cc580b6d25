"""The time grammar, rule by rule: the phrases each rule exists for, and how AM/PM is settled
(a meridiem, a part of day in either order, a 24-hour form, noon, opening hours) (issue #10)."""

from __future__ import annotations

from datetime import datetime

import pytest

from flowagent import slots

MONDAY = datetime(2026, 11, 23, 10, 0)
HOURS = {"days": ["mon", "tue", "wed", "thu", "fri", "sat"], "open": "09:00", "close": "17:00"}

CASES = [
    # (rule, phrase, value)
    ("part-of-day", "afternoon 3", "15:00"),
    ("part-of-day", "evening 4:45", "16:45"),
    ("part-of-day", "morning 10:15", "10:15"),
    ("part-of-day", "12 o'clock in the afternoon", "12:00"),
    ("part-of-day", "this afternoon at 2", "14:00"),
    ("part-of-day", "tonight at 8", "20:00"),
    ("part-of-day", "Saturday morning at 9", "09:00"),
    ("part-of-day", "in the evening at eight", "20:00"),
    ("part-of-day", '5 o"clock in the evening', "17:00"),
    ("part-of-day", "8 in the night", "20:00"),
    ("part-of-day", "tomorrow afternoon at 5", "17:00"),
    ("hour-meridiem", "3pm", "15:00"),
    ("hour-meridiem", "at 3p", "15:00"),
    ("hour-meridiem", "3 in the AM", "03:00"),
    ("hour-meridiem", "3:30 p m", "15:30"),
    ("hour-meridiem", "330 p.m.", "15:30"),
    ("24-hour", "17:30", "17:30"),
    ("24-hour", "09:30", "09:30"),
    ("24-hour", "15h", "15:00"),
    ("minutes-past", "20 minutes past 3pm", "15:20"),
    ("minutes-past", "quarter past three pm", "15:15"),
    ("minutes-past", "twenty after 3pm", "15:20"),
    ("minutes-past", "15 minutes from 1pm", "13:15"),
    ("minutes-past", "half 2 pm", "14:30"),
    ("minutes-to", "a quarter to noon", "11:45"),
    ("minutes-to", "ten to five pm", "16:50"),
    ("part-of-day", "quarter to 1 in the afternoon", "12:45"),
    ("named-time", "noonish", "12:00"),
    ("named-time", "midnight", "00:00"),
    ("named-time", "12 noon", "12:00"),
    ("fuzzy-part", "mid-morning", "10:00"),
    ("fuzzy-part", "mid afternoon", "15:00"),
    ("in-duration", "in an hour", "11:00"),
    ("in-duration", "in 30 minutes", "10:30"),
    ("in-duration", "in a couple of hours", "12:00"),
    ("in-duration", "half an hour from now", "10:30"),
    ("opening-hours", "at 3", "15:00"),
    ("opening-hours", "ten thirty", "10:30"),
    ("opening-hours", "four-thirty", "16:30"),
    ("opening-hours", "quarter past three", "15:15"),
    ("opening-hours", "half two", "14:30"),
    ("opening-hours", "ten to five", "16:50"),
    ("noon", "12:30", "12:30"),
]


@pytest.mark.parametrize(("rule", "text", "value"), CASES, ids=[c[1] for c in CASES])
def test_each_rule_reads_the_phrases_it_exists_for(rule: str, text: str, value: str) -> None:
    found = slots.extract_span("time", text, now=MONDAY, hours=HOURS)
    assert found is not None
    assert (found.value, found.rule) == (value, rule)


def test_an_hour_outside_opening_hours_either_way_gives_both_readings() -> None:
    found = slots.extract_span("time", "at 8", now=MONDAY, hours=HOURS)
    assert found is not None and found.value is None
    assert found.candidates == ("08:00", "20:00")


@pytest.mark.parametrize(
    "text",
    [
        "table for 4 at 5 Bon Air Rd",
        "it's at 1722 First Street",
        "for two people",
        "a 3 star hotel",
    ],
)
def test_counts_and_addresses_are_not_times(text: str) -> None:
    assert slots.extract("time", text, now=MONDAY, hours=HOURS, expected=False) is None


def test_a_certain_time_outweighs_a_later_cued_number() -> None:
    text = "make it for 1 pm instead, I have something else at 2"
    assert slots.extract("time", text, now=MONDAY, hours=HOURS) == "13:00"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("9 tomorrow morning", "2026-11-24T09:00"),
        ("at 5 tomorrow afternoon", "2026-11-24T17:00"),
        ("at 7:30 PM on Fri, Dec 4", "2026-12-04T19:30"),
        ("today in one hour", "2026-11-23T11:00"),
        ("in 24 hours", "2026-11-24T10:00"),
        ("20 minutes to 2pm tomorrow", "2026-11-24T13:40"),
    ],
)
def test_datetime_joins_a_date_and_a_time_in_either_order(text: str, value: str) -> None:
    assert slots.extract("datetime", text, now=MONDAY) == value


def test_an_open_hour_with_an_open_day_multiplies_the_candidates() -> None:
    found = slots.extract_span("datetime", "the weekend at 8", now=MONDAY)
    assert found is not None and found.value is None
    assert len(found.candidates) == 4

"""Near the ends of Python's calendar (years 1 and 9999) a date or time whose arithmetic would
leave it reads as nothing: never an OverflowError, never an error in the log, and what can
still be read (a time of day, a date inside the calendar) still is."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest

from flowagent import slots

LAST_MINUTE = datetime(9999, 12, 31, 23, 59)
FIRST_MINUTE = datetime(1, 1, 1, 0, 0)
TEXTS = [
    "tomorrow",
    "yesterday",
    "the day after tomorrow",
    "next Friday",
    "last Monday",
    "in 3 days",
    "in 2 weeks",
    "in 2 hours",
    "2 days ago",
    "a week from Friday",
    "tomorrow or the day after",
    "not this Friday but the one after",
    "this weekend",
    "the 3rd of next month",
    "noon tomorrow",
]


@pytest.mark.parametrize("now", [LAST_MINUTE, FIRST_MINUTE], ids=["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("kind", ["date", "time", "datetime"])
def test_no_reading_near_the_ends_of_the_calendar_logs_an_error(
    now: datetime, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, "flowagent"):
        for text in TEXTS:
            slots.extract_span(kind, text, now=now)
    assert caplog.records == []


def test_a_day_past_the_last_one_is_no_date() -> None:
    assert slots.extract("date", "tomorrow", now=LAST_MINUTE) is None


def test_what_is_inside_the_calendar_is_still_read() -> None:
    assert slots.extract("time", "tomorrow at 10 am", now=LAST_MINUTE) == "10:00"
    assert slots.extract("date", "yesterday", now=LAST_MINUTE) == "9999-12-30"

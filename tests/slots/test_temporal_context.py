"""Date and time rules that read the rest of the sentence (issue #10, held-out follow-up):
alternatives and corrections between values, numbers that are not times or dates, a weekday
relative to an anchor or beside an explicit date, past tense, a week said at a distance,
"this <weekday>" on that weekday, and "the one after". At Monday 2026-11-23 10:00, open
Mon–Sat 08:00–20:00."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from flowagent import slots

MONDAY = datetime(2026, 11, 23, 10, 0)
HOURS = {"days": ["mon", "tue", "wed", "thu", "fri", "sat"], "open": "08:00", "close": "20:00"}


def _found(kind: str, text: str, expected: bool = True) -> slots.Extraction | None:
    return slots.extract_span(kind, text, now=MONDAY, hours=HOURS, expected=expected)


# 1. Offered alternatives are candidates (the flow asks), not the last value said.


@pytest.mark.parametrize(
    ("kind", "text", "candidates"),
    [
        ("date", "Tuesday or maybe Wednesday", ("2026-11-24", "2026-11-25")),
        ("date", "the 10th or the 11th", ("2026-12-10", "2026-12-11")),
        ("date", "tomorrow, or else the day after", ("2026-11-24", "2026-11-25")),
        (
            "date",
            "Monday, Tuesday or Wednesday, any of them",
            ("2026-11-24", "2026-11-25", "2026-11-30"),
        ),
        ("date", "can you do Thursday? if not, Friday", ("2026-11-26", "2026-11-27")),
        ("date", "Tuesday works, Friday too", ("2026-11-24", "2026-11-27")),
        ("time", "2 or 2:30, whichever", ("14:00", "14:30")),
        ("time", "around 11, 11:30", ("11:00", "11:30")),
        ("time", "9 or 10 in the morning", ("09:00", "10:00")),
        (
            "datetime",
            "Tuesday at 9 or Wednesday at 11",
            ("2026-11-24T09:00", "2026-11-25T11:00"),
        ),
        ("datetime", "Thursday or Friday at 2", ("2026-11-26T14:00", "2026-11-27T14:00")),
    ],
)
def test_values_offered_as_alternatives_are_candidates(
    kind: str, text: str, candidates: tuple[str, ...]
) -> None:
    found = _found(kind, text)
    assert found is not None and found.value is None
    assert found.candidates == candidates


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        ("December 10th or 11th", ("2026-12-10", "2026-12-11")),
        ("the 3rd or the 4th of March", ("2027-03-03", "2027-03-04")),
        ("next Tuesday or Wednesday", ("2026-12-01", "2026-12-02")),
        ("Thursday or Friday next week", ("2026-12-03", "2026-12-04")),
    ],
)
def test_alternatives_share_the_month_or_week_said_with_one_of_them(
    text: str, candidates: tuple[str, ...]
) -> None:
    found = _found("date", text)
    assert found is not None and found.candidates == candidates


def test_a_meridiem_said_after_alternatives_applies_to_them_all() -> None:
    found = _found("time", "5 or 6 pm")
    assert found is not None and found.candidates == ("17:00", "18:00")


def test_a_meridiem_does_not_turn_an_earlier_alternative_into_a_later_hour() -> None:
    found = _found("time", "10 or 1pm")
    assert found is not None and found.candidates == ("10:00", "13:00")


def test_the_same_time_offered_on_two_days_is_one_time() -> None:
    assert slots.extract("time", "today at 4 or tomorrow at 4", now=MONDAY, hours=HOURS) == "16:00"


def test_a_date_repeated_in_a_condition_does_not_replace_the_alternatives() -> None:
    found = _found("date", "Wednesday, or Thursday if Wednesday is booked")
    assert found is not None and found.candidates == ("2026-11-25", "2026-11-26")


def test_an_approximation_is_not_an_alternative() -> None:
    assert slots.extract("time", "at 3 or so", now=MONDAY, hours=HOURS) == "15:00"


# 2. A correction replaces what it corrects, a bare number included.


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("time", "at 2, sorry, 3", "15:00"),
        ("time", "at 4pm, I mean 5", "17:00"),
        ("time", "9 o'clock, no wait, 10", "10:00"),
        ("time", "let's say 1, or rather 2", "14:00"),
        ("datetime", "Thursday at 11 — oops, 12", "2026-11-26T12:00"),
        ("date", "Tuesday or rather Wednesday", "2026-11-25"),
        ("date", "the 3rd, sorry, the 4th", "2026-12-04"),
    ],
)
def test_a_correction_replaces_the_value_before_it(kind: str, text: str, value: str) -> None:
    found = _found(kind, text)
    assert found is not None and found.value == value
    assert found.rule is not None and "correction" in found.rule


def test_a_correction_after_alternatives_replaces_them_all() -> None:
    assert (
        slots.extract("date", "Tuesday or Wednesday, no wait, Friday", now=MONDAY) == "2026-11-27"
    )
    assert slots.extract("time", "2 or 3, sorry, 4", now=MONDAY, hours=HOURS) == "16:00"


def test_a_corrected_bare_number_keeps_the_meridiem_it_replaces() -> None:
    assert slots.extract("time", "at 8pm, sorry, 7", now=MONDAY) == "19:00"


# 3. Numbers that are not times or dates in context.


@pytest.mark.parametrize(
    "text",
    [
        "it's a 2012 toyota",
        "the 4Runner is making a noise",
        "they have a 2 for 1 deal",
        "the car has 120,000 miles",
        "I'm in suite 110",
        "my extension is 305",
        "my son is 10",
        "she's about 6",
        "a party of 6",
        "I've got 2 cavities",
        "my 5 o'clock shadow",
        "I saw it on the 6 o'clock news",
    ],
)
def test_numbers_that_name_something_else_are_not_times(text: str) -> None:
    assert _found("time", text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("at 5", "17:00"),
        ("5 works", "17:00"),
        ("can we do 4", "16:00"),
        ("10 is good for me", "10:00"),
        ("at 7 for 2 people", "19:00"),
        ("can I get the 5 o'clock slot", "17:00"),
    ],
)
def test_numbers_said_as_times_still_count(text: str, value: str) -> None:
    assert slots.extract("time", text, now=MONDAY, hours=HOURS) == value


@pytest.mark.parametrize(
    "text", ["the second house on the left", "the first available", "the second week of May"]
)
def test_an_ordinal_before_a_noun_is_not_a_day(text: str) -> None:
    assert _found("date", text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("the second", "2026-12-02"),
        ("make it the 2nd", "2026-12-02"),
        ("the 5th is fine", "2026-12-05"),
    ],
)
def test_an_ordinal_answering_the_date_question_is_a_day(text: str, value: str) -> None:
    assert slots.extract("date", text, now=MONDAY) == value


# 4. A weekday before or after an anchor date.


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("the Thursday before New Year's", "2026-12-31"),
        ("the Saturday after Christmas", "2026-12-26"),
        ("the Monday before the 10th", "2026-12-07"),
        ("the Tuesday after December 8th", "2026-12-15"),
        ("the Wednesday before the 4th of July", "2027-06-30"),
    ],
)
def test_a_weekday_before_or_after_a_date_counts_from_that_date(text: str, value: str) -> None:
    found = _found("date", text)
    assert found is not None and (found.value, found.rule) == (value, "weekday-anchored")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("the Monday following Labor Day", "2027-09-13"),
        ("the Thursday prior to the 10th", "2026-12-03"),
    ],
)
def test_following_and_prior_to_anchor_a_weekday_too(text: str, value: str) -> None:
    assert slots.extract("date", text, now=MONDAY) == value


def test_the_weekend_before_a_date_is_that_saturday_or_sunday() -> None:
    found = _found("date", "the weekend before Christmas")
    assert found is not None and found.candidates == ("2026-12-19", "2026-12-20")


def test_the_friday_after_next_is_still_a_week_later() -> None:
    assert slots.extract("date", "the Friday after next", now=MONDAY) == "2026-12-04"


# 5. A weekday said beside an explicit date.


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("the 4th, a Friday", "2026-12-04"),
        ("December 5th, is that a Saturday?", "2026-12-05"),
        ("the 9th, Wednesday", "2026-12-09"),
        ("January 2nd, if you're open that Saturday", "2027-01-02"),
    ],
)
def test_an_explicit_date_wins_when_the_weekday_beside_it_agrees(text: str, value: str) -> None:
    assert slots.extract("date", text, now=MONDAY) == value


def test_a_date_unless_it_falls_on_a_weekday_is_that_date_when_it_does_not() -> None:
    assert slots.extract("date", "the 10th, unless that's a Friday", now=MONDAY) == "2026-12-10"


def test_a_weekday_that_disagrees_with_the_date_beside_it_gives_both() -> None:
    found = _found("date", "the 10th, Friday")
    assert found is not None and found.value is None
    assert found.candidates == ("2026-12-10", "2026-12-11")


# 6. Past tense.


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("I was in Thursday and the filling fell out", "2026-11-19"),
        ("the tech was here on Tuesday", "2026-11-17"),
        ("it's been sore since Sunday", "2026-11-22"),
        ("my last visit was Friday", "2026-11-20"),
    ],
)
def test_a_weekday_said_in_the_past_tense_is_the_last_one(text: str, value: str) -> None:
    found = _found("date", text)
    assert found is not None and (found.value, found.rule) == (value, "past-weekday")


@pytest.mark.parametrize(
    ("text", "value"),
    [("I was in on the 10th", "2026-11-10"), ("my last visit was November 2nd", "2026-11-02")],
)
def test_a_day_of_the_month_said_in_the_past_tense_is_not_moved_forward(
    text: str, value: str
) -> None:
    found = _found("date", text)
    assert found is not None and (found.value, found.rule) == (value, "past-date")


@pytest.mark.parametrize(
    "text",
    [
        "I was hoping for Friday",
        "did you have anything Friday?",
        "I was told to come Friday",
        "I was actually thinking Friday",
        "is there a place called Nopa open Friday",
    ],
)
def test_words_about_days_to_come_are_not_past_tense(text: str) -> None:
    assert slots.extract("date", text, now=MONDAY) == "2026-11-27"


def test_a_day_wanted_outweighs_a_day_told_about() -> None:
    text = "can I book Thursday? my last visit was a Tuesday"
    assert slots.extract("date", text, now=MONDAY) == "2026-11-26"


def test_the_day_before_yesterday_is_two_days_ago() -> None:
    assert slots.extract("date", "he came out the day before yesterday", now=MONDAY) == "2026-11-21"


# 7. A week said before a weekday, words between or not.


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("next week, I guess Friday would be best", "2026-12-04"),
        ("any day next week except Tuesday, say Wednesday", "2026-12-02"),
        ("the week after next, on Thursday", "2026-12-10"),
        ("Monday of the week after next", "2026-12-07"),
    ],
)
def test_a_week_said_before_a_weekday_scopes_it(text: str, value: str) -> None:
    assert slots.extract("date", text, now=MONDAY) == value


def test_the_week_of_a_date_scopes_the_weekday_after_it() -> None:
    assert slots.extract("date", "the week of the 7th, maybe Wednesday", now=MONDAY) == "2026-12-09"


def test_the_week_of_a_date_alone_is_not_that_date() -> None:
    assert _found("date", "the week of December 14th") is None


def test_a_week_ruled_out_scopes_nothing() -> None:
    assert slots.extract("date", "I'm away next week, so Friday", now=MONDAY) == "2026-11-27"


# 8. "this <weekday>" said on that weekday; "the one after".


def test_this_weekday_said_on_that_weekday_gives_today_or_a_week_later() -> None:
    found = _found("date", "this Monday")
    assert found is not None and found.candidates == ("2026-11-23", "2026-11-30")


@pytest.mark.parametrize(
    "text",
    [
        "not this Friday but the one after",
        "not this Friday, the next one",
        "not this Friday, the following Friday",
        "not this Friday, next",
    ],
)
def test_the_one_after_a_weekday_is_a_week_later(text: str) -> None:
    found = _found("date", text)
    assert found is not None and (found.value, found.rule) == ("2026-12-04", "one-after")


def test_a_little_after_an_hour_is_that_hour() -> None:
    assert slots.extract("time", "a little after 1", now=MONDAY, hours=HOURS) == "13:00"


@pytest.mark.parametrize("unit", ["3 or ", "friday, ", "today at 3 or ", "3 or 4pm "])
@pytest.mark.parametrize("kind", ["date", "time", "datetime"])
def test_long_chains_of_alternatives_are_read_in_linear_time(kind: str, unit: str) -> None:
    """Alternatives join every reading to its neighbours; 60,000 characters of them must not
    cost quadratic time (bound as in tests/slots/test_linear.py)."""
    text = (unit * (60_000 // len(unit) + 1))[:60_000]
    started = time.process_time()
    _found(kind, text)
    assert time.process_time() - started < 2.0

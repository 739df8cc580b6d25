"""The date grammar, rule by rule: the phrases each composition rule exists for, resolved at
Monday 2026-11-23 10:00, with the rule name `Extraction.rule` reports (issue #10)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

import flowagent
from flowagent import slots

MONDAY = datetime(2026, 11, 23, 10, 0)

CASES = [
    # (rule, phrase, value)
    ("relative-day", "tomorrow", "2026-11-24"),
    ("relative-day", "later today", "2026-11-23"),
    ("relative-day", "tomorrow morning", "2026-11-24"),
    ("relative-day", "this afternoon", "2026-11-23"),
    ("day-after", "the day after tomorrow", "2026-11-25"),
    ("day-after", "the day after Thanksgiving", "2026-11-27"),
    ("day-before", "the day before Christmas Eve", "2026-12-23"),
    ("upcoming-weekday", "Friday", "2026-11-27"),
    ("upcoming-weekday", "this coming Friday", "2026-11-27"),
    ("upcoming-weekday", "Saturday morning", "2026-11-28"),
    ("next-week", "next Monday morning", "2026-11-30"),
    ("last-weekday", "last Monday", "2026-11-16"),
    ("last-weekday", "this past Friday", "2026-11-20"),
    ("weekday-after-next", "the friday after next", "2026-12-04"),
    ("weekday-after-next", "Tuesday after next", "2026-12-01"),
    ("weekday-of-week", "Wednesday of next week", "2026-12-02"),
    ("weekday-of-week", "next week, maybe Tuesday", "2026-12-01"),
    ("weekday-of-week", "thursday next week", "2026-12-03"),
    ("weekday-of-week", "sunday from last week", "2026-11-22"),
    ("weekday-of-week", "Saturday this week", "2026-11-28"),
    ("weekday-week", "Friday week", "2026-12-04"),
    ("weekday-date", "Wednesday the 2nd", "2026-12-02"),
    ("month-day", "Tuesday, December 1st", "2026-12-01"),
    ("month-day", "December 3rd", "2026-12-03"),
    ("month-day", "Dec. 24, 2026", "2026-12-24"),
    ("month-day", "december fifth", "2026-12-05"),
    ("day-of-month", "the 3rd of December", "2026-12-03"),
    ("day-of-month", "15th December", "2026-12-15"),
    ("day-of-month", "the third day of December", "2026-12-03"),
    ("day-of-relative-month", "8th of this month", "2026-11-08"),
    ("day-of-relative-month", "the 2nd of next month", "2026-12-02"),
    ("day-of-relative-month", "20th of the previous month", "2026-10-20"),
    ("ordinal-day", "on the 30th", "2026-11-30"),
    ("next-month", "the 4th", "2026-12-04"),
    ("next-year", "November 2nd", "2027-11-02"),
    ("next-year", "january fifth", "2027-01-05"),
    ("next-year", "15th January", "2027-01-15"),
    ("nth-weekday", "the first Friday of next month", "2026-12-04"),
    ("nth-weekday", "last friday of the month", "2026-11-27"),
    ("nth-weekday", "the second Tuesday in December", "2026-12-08"),
    ("nth-day-of-month", "the last day of the month", "2026-11-30"),
    ("nth-day-of-month", "the 5th last day of December", "2026-12-27"),
    ("closest-weekday", "the closest Monday to December 10th", "2026-12-07"),
    ("numeric-date", "12/9", "2026-12-09"),
    ("numeric-date", "2026-12-09", "2026-12-09"),
    ("counted-weekdays", "two Sundays from now", "2026-12-06"),
    ("counted-weekdays", "2 thursdays ago", "2026-11-12"),
    ("offset", "three weeks from tomorrow", "2026-12-15"),
    ("offset", "a week from Friday", "2026-12-04"),
    ("offset", "2 days after Christmas", "2026-12-27"),
    ("offset", "7 days ago", "2026-11-16"),
    ("offset", "a week today", "2026-11-30"),
    ("offset", "a fortnight hence", "2026-12-07"),
    ("in-duration", "in 3 days", "2026-11-26"),
    ("in-duration", "in a couple of weeks", "2026-12-07"),
    ("holiday", "Christmas Eve", "2026-12-24"),
    ("holiday", "New Year's Day", "2027-01-01"),
]


@pytest.mark.parametrize(("rule", "text", "value"), CASES, ids=[c[1] for c in CASES])
def test_each_rule_reads_the_phrases_it_exists_for(rule: str, text: str, value: str) -> None:
    found = slots.extract_span("date", text, now=MONDAY)
    assert found is not None
    assert (found.value, found.rule) == (value, rule)


@pytest.mark.parametrize(
    "text", ["last Monday", "8th of this month", "7 days ago", "yesterday", "2 thursdays back"]
)
def test_a_past_date_said_as_past_stays_past_for_not_past_to_answer(text: str) -> None:
    value = slots.extract("date", text, now=MONDAY)
    assert value is not None and value < "2026-11-23"


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        ("the weekend", ("2026-11-28", "2026-11-29")),
        ("this weekend", ("2026-11-28", "2026-11-29")),
        ("Friday the 3rd", ("2026-12-03", "2026-12-04")),
        ("Tuesday the 3rd", ("2026-12-01", "2026-12-03")),
        ("next Tuesday", ("2026-11-24", "2026-12-01")),
        ("can we do next Friday?", ("2026-11-27", "2026-12-04")),
    ],
)
def test_words_that_allow_two_dates_give_candidates_not_a_guess(
    text: str, candidates: tuple[str, ...]
) -> None:
    found = slots.extract_span("date", text, now=MONDAY)
    assert found is not None and found.value is None
    assert found.candidates == candidates


@pytest.mark.parametrize(
    ("answer", "value"),
    [("the second one", "2026-12-01"), ("next week", "2026-12-01"), ("this one", "2026-11-24")],
)
def test_a_clarifying_answer_points_at_a_date(answer: str, value: str) -> None:
    pending = ("2026-11-24", "2026-12-01")
    assert slots.extract("date", answer, now=MONDAY, clarify=pending) == value


@pytest.mark.parametrize(
    ("now", "text", "value"),
    [
        (datetime(2026, 11, 28, 10, 0), "next Tuesday", "2026-12-01"),  # Saturday: one reading
        (MONDAY, "next Monday", "2026-11-30"),  # the coming Monday is already next week's
        (datetime(2026, 11, 26, 10, 0), "next Friday the 4th", "2026-12-04"),
    ],
)
def test_next_weekday_stands_when_both_readings_are_one_day(
    now: datetime, text: str, value: str
) -> None:
    found = slots.extract_span("date", text, now=now)
    assert found is not None and found.value == value


def test_a_weekday_answer_picks_the_candidate_on_that_weekday() -> None:
    pending = ("2026-12-03", "2026-12-04")
    assert slots.extract("date", "the Thursday", now=MONDAY, clarify=pending) == "2026-12-03"


@pytest.mark.parametrize(
    "text",
    [
        "sometime next week",
        "on second thought, let me check",
        "for 3 people",
        "hold on, in a minute",
        "may I ask a question",
    ],
)
def test_words_that_name_no_day_give_no_date(text: str) -> None:
    assert slots.extract("date", text, now=MONDAY) is None


def test_a_stay_length_before_a_date_is_not_an_offset() -> None:
    assert slots.extract("date", "book it for 3 days from the 2nd", now=MONDAY) == "2026-12-02"


def test_a_number_word_before_a_month_is_a_count_not_a_day() -> None:
    assert slots.extract("date", "I need one in March 12th", now=MONDAY) == "2027-03-12"


def test_a_part_of_day_after_a_date_is_left_for_other_slots(tmp_path: Path) -> None:
    """'Saturday morning' at the date question fills the date and, in the same turn, a
    morning/afternoon window slot: the date's span stops before 'morning'."""
    path = tmp_path / "visit.yaml"
    path.write_text(
        """
flow: visit
start: ASK
slots:
  date: {type: date, prompt: "Which day?"}
  window:
    type: choice
    prompt: Morning or afternoon?
    choices:
      morning: [morning]
      afternoon: [afternoon]
states:
  ASK: {kind: collect, slots: [date, window], next: DONE}
  DONE: {kind: end, say: Done.}
  FALLBACK: {kind: end, say: Bye.}
""",
        encoding="utf-8",
    )
    conv = flowagent.load_flow(path).new_conversation(now=datetime(2026, 11, 23, 10))
    conv.start()
    conv.handle("Saturday morning, if you have it")
    assert conv.slots == {"date": "2026-11-28", "window": "morning"}

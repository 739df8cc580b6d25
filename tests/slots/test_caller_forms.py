"""Caller forms found by the hand-written caller corpus (benchmarks/data/callers.yaml), one
behaviour per test: what a first version missed and the extractors now understand."""

from __future__ import annotations

from datetime import datetime

import pytest

from flowagent import slots
from flowagent.slots import ExtractContext, get_extractor

MONDAY = datetime(2026, 11, 23, 10, 0)
HOURS = {"days": ["mon", "tue", "wed", "thu", "fri", "sat"], "open": "09:00", "close": "17:00"}


def test_this_coming_weekday_said_on_that_weekday_means_next_week() -> None:
    assert slots.extract("date", "this coming Monday", now=MONDAY) == "2026-11-30"


def test_this_weekday_said_on_that_weekday_asks_today_or_next_week() -> None:
    found = slots.extract_span("date", "this Monday", now=MONDAY)
    assert found is not None and found.value is None
    assert found.candidates == ("2026-11-23", "2026-11-30")


def test_a_week_from_a_weekday_counts_from_the_coming_one() -> None:
    assert slots.extract("date", "a week from Friday", now=MONDAY) == "2026-12-04"


def test_the_day_after_a_holiday() -> None:
    assert slots.extract("date", "the day after Thanksgiving", now=MONDAY) == "2026-11-27"


def test_the_nth_weekday_of_a_month() -> None:
    found = slots.extract_span("date", "the first Monday in January", now=MONDAY)
    assert found is not None and found.value == "2027-01-04"


def test_a_day_the_next_month_lacks_moves_to_the_next_month_that_has_it() -> None:
    found = slots.extract_span("date", "the 29th", now=datetime(2026, 1, 30, 11))
    assert found is not None and (found.value, found.rule) == ("2026-03-29", "next-month")


def test_a_bare_ordinal_answers_which_day() -> None:
    assert slots.extract("date", "Thirtieth.", now=MONDAY) == "2026-11-30"
    assert slots.extract("date", "Thirtieth.", now=MONDAY, expected=False) is None


def test_a_day_with_day_of_before_the_month() -> None:
    assert slots.extract("date", "the 3rd day of January", now=MONDAY) == "2027-01-03"


def test_a_month_needs_its_day_beside_it() -> None:
    assert slots.extract("date", "december yes 30 hi is past", now=MONDAY) is None


def test_a_lone_hour_answers_what_time() -> None:
    assert slots.extract("time", "can we do 2", now=MONDAY, hours=HOURS) == "14:00"
    assert slots.extract("time", "Uh, 11.", now=MONDAY, hours=HOURS) == "11:00"


def test_a_lone_hour_takes_a_day_part_said_elsewhere() -> None:
    assert slots.extract("time", "morning, like 10", now=MONDAY) == "10:00"


@pytest.mark.parametrize("text", ["2 people", "5 minutes late", "the earliest one you have"])
def test_a_count_is_not_a_lone_hour(text: str) -> None:
    assert slots.extract_span("time", text, now=MONDAY, hours=HOURS) is None


def test_a_lone_hour_needs_the_question() -> None:
    assert slots.extract_span("time", "can we do 2", now=MONDAY, expected=False) is None


def test_stt_hour_and_minutes_as_two_numbers() -> None:
    assert slots.extract("time", "At 10 30.", now=MONDAY, hours=HOURS) == "10:30"
    assert slots.extract("time", "four-thirty", now=MONDAY, hours=HOURS) == "16:30"


def test_a_cue_makes_a_packed_time() -> None:
    assert slots.extract("time", "around 1430", now=MONDAY) == "14:30"


def test_a_time_leaves_tonight_for_the_date_slot() -> None:
    text = "It's for two people at 7:30 tonight"
    found = slots.extract_span("time", text, now=MONDAY, expected=False)
    assert found is not None and found.value == "19:30"
    assert text[found.start : found.end] == "at 7:30"


def test_time_runs_before_date_so_shared_day_parts_reach_it() -> None:
    assert get_extractor("time").priority > get_extractor("date").priority
    assert get_extractor("datetime").priority > get_extractor("time").priority


def test_a_spoken_toll_free_prefix() -> None:
    text = "one eight hundred five five five oh one nine nine"
    assert slots.extract("phone", text) == "+18005550199"


def test_fillers_and_then_inside_a_spoken_phone_number() -> None:
    assert slots.extract("phone", "uh it's 773 uh 555 0142") == "+17735550142"
    text = "area code four one five, then five five five two six seven one"
    assert slots.extract("phone", text) == "+14155552671"


@pytest.mark.parametrize(
    "text",
    [
        "kevin at gmail com",
        "kevin at gmail. com",
        "kevin@gmail dot com",
        "kevin at the rate gmail dot com",
        "K-E-V-I-N at gmail dot com",
    ],
)
def test_email_survives_stt_dots_and_spelling(text: str) -> None:
    assert slots.extract("email", text) == "kevin@gmail.com"


def test_first_and_last_name_given_separately() -> None:
    assert slots.extract("name", "first name Maria, last name Lopez") == "Maria Lopez"


def test_a_title_before_a_name_is_dropped() -> None:
    assert slots.extract("name", "it's Dr. Alan Grant") == "Alan Grant"
    assert slots.extract("name", "Mrs. Johnson") == "Johnson"


@pytest.mark.parametrize(
    "text", ["I'm ok", "I'm here", "it's me again", "I'm sorry", "it's urgent"]
)
def test_a_cue_that_leads_to_no_name_is_not_a_bare_name(text: str) -> None:
    assert slots.extract("name", text) is None


def test_names_in_any_script() -> None:
    assert slots.extract("name", "José.") == "José"


def test_speaking_after_a_name_is_not_part_of_it() -> None:
    assert slots.extract("name", "this is Dana speaking") == "Dana"


def test_a_misspelled_inflected_choice() -> None:
    choices = {"check_up": ["cleaning"], "consultation": ["new patient"]}
    found = slots.extract_span("choice", "cleening", choices=choices)
    assert found is not None and found.value == "check_up"
    assert found.rule is not None and found.rule.startswith("fuzzy:")


@pytest.mark.parametrize("text", ["not sure", "I don't know", "maybe"])
def test_unsure_is_neither_yes_nor_no(text: str) -> None:
    assert slots.extract_span("yesno", text) is None


def test_that_is_fine_and_that_is_not_it() -> None:
    assert slots.extract("yesno", "that's fine") is True
    assert slots.extract("yesno", "that's not it") is False


def test_and_a_half_and_thousands_separators() -> None:
    assert slots.extract("number", "two and a half") == 2.5
    assert slots.extract("number", "1,200") == 1200


def test_an_over_informative_answer_fills_every_slot_it_names() -> None:
    text = "Hi, it's Kevin, I'm a new patient, could I come in Wednesday at 10?"
    ctx = ExtractContext(
        now=MONDAY,
        hours=slots.opening_hours(HOURS["days"], HOURS["open"], HOURS["close"]),
        expected=False,
        options={"choices": {"consultation": ["new patient"], "check_up": ["checkup"]}},
    )
    found = {}
    masked = text
    for kind in sorted(
        ["name", "choice", "date", "time", "phone", "yesno", "number"],
        key=lambda k: -get_extractor(k).priority,
    ):
        ex = get_extractor(kind).extract(masked, ctx)
        if ex is not None:
            found[kind] = ex.value
            masked = masked[: ex.start] + " " * (ex.end - ex.start) + masked[ex.end :]
    assert found == {
        "name": "Kevin",
        "choice": "consultation",
        "date": "2026-11-25",
        "time": "10:00",
    }


def test_someone_elses_name_is_not_the_callers() -> None:
    assert slots.extract_span("name", "yes I'm Maria's mom", expected=False) is None


def test_a_name_cue_does_not_reach_across_masked_words() -> None:
    # The engine masks what higher-priority extractors used with spaces: "it's [5] minutes".
    assert slots.extract_span("name", "it's   minutes away", expected=False) is None


def test_a_day_not_on_the_calendar_is_a_problem_not_silence() -> None:
    found = slots.extract_span("date", "February 30th", now=datetime(2026, 1, 30, 11))
    assert found is not None and (found.value, found.problem) == (None, "date_invalid")


@pytest.mark.parametrize(
    "text",
    [
        "Wednesday instead of Tuesday",
        "Wednesday rather than Tuesday",
        "actually Wednesday would be better than Tuesday",
    ],
)
def test_the_value_set_aside_is_denied(text: str) -> None:
    assert slots.extract("date", text, now=MONDAY) == "2026-11-25"


def test_an_international_number_with_a_00_prefix() -> None:
    assert slots.extract("phone", "0044 20 7946 0958") == "+442079460958"


def test_an_email_spelled_part_by_part() -> None:
    assert slots.extract("email", "S-A-M dot L-E-E at outlook dot com") == "sam.lee@outlook.com"


def test_a_name_said_again_in_full_wins() -> None:
    assert slots.extract("name", "it's Samantha, Samantha Lee") == "Samantha Lee"


def test_i_think_so_is_a_yes() -> None:
    assert slots.extract("yesno", "I think so") is True
    assert slots.extract("yesno", "I don't think so") is False


def test_a_corrected_day_of_month_counts_unasked() -> None:
    text = "No, I said the 5th, not the 3rd"
    assert slots.extract("date", text, now=MONDAY, expected=False) == "2026-12-05"


@pytest.mark.parametrize("text", ["After lunch, like 1-30.", "After lunch, like 130."])
def test_whisper_writes_one_thirty_as_one_number(text: str) -> None:
    assert slots.extract("time", text, now=MONDAY, hours=HOURS) == "13:30"

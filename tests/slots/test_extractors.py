"""What each extractor understands, one behaviour per test (the corpus covers the breadth)."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowagent import slots
from flowagent.slots import ExtractContext, Extraction, Extractor, get_extractor, register
from flowagent.slots.corrections import is_correction

NOW = datetime(2026, 11, 23, 10, 0)  # Monday
HOURS = {"days": ["mon", "tue", "wed", "thu", "fri", "sat"], "open": "09:00", "close": "17:00"}


def test_dates_are_found_inside_a_sentence_with_their_span() -> None:
    found = slots.extract_span("date", "I'd like Friday of next week at 2pm please", now=NOW)
    assert found is not None and found.value == "2026-12-04"
    text = "I'd like Friday of next week at 2pm please"
    assert text[found.start : found.end] == "Friday of next week"
    assert found.rule == "weekday-of-week"


def test_a_weekday_means_the_coming_one_and_says_so() -> None:
    found = slots.extract_span("date", "Friday", now=NOW)
    assert found is not None and (found.value, found.rule) == ("2026-11-27", "upcoming-weekday")


def test_a_past_month_day_rolls_to_next_year() -> None:
    found = slots.extract_span("date", "November 2nd", now=NOW)
    assert found is not None and (found.value, found.rule) == ("2027-11-02", "next-year")


def test_yesterday_stays_in_the_past_for_the_validator_to_refuse() -> None:
    assert slots.extract("date", "yesterday", now=NOW) == "2026-11-22"


def test_ambiguous_hour_uses_opening_hours() -> None:
    found = slots.extract_span("time", "at 3", now=NOW, hours=HOURS)
    assert found is not None and (found.value, found.rule) == ("15:00", "opening-hours")


def test_ambiguous_hour_without_hours_offers_both_readings() -> None:
    found = slots.extract_span("time", "at 2", now=NOW)
    assert found is not None and found.value is None
    assert found.candidates == ("02:00", "14:00")


def test_a_clarifying_answer_picks_a_candidate() -> None:
    assert slots.extract("time", "in the afternoon", now=NOW, clarify=("02:00", "14:00")) == "14:00"


def test_datetime_reads_both_orders() -> None:
    assert slots.extract("datetime", "2pm on Friday", now=NOW) == "2026-11-27T14:00"
    assert slots.extract("datetime", "Friday at 2pm", now=NOW) == "2026-11-27T14:00"


def test_spoken_phone_digits_with_oh_and_double() -> None:
    assert (
        slots.extract("phone", "double five five, one two three, oh one two three")
        == "+15551230123"
    )


def test_a_phone_with_missing_digits_is_a_problem_not_a_value() -> None:
    found = slots.extract_span("phone", "555 123 45")
    assert found is not None and found.value is None and found.problem == "phone_too_short"


def test_region_option_reads_national_numbers() -> None:
    assert slots.extract("phone", "020 7946 0958", region="GB") == "+442079460958"


def test_a_phone_in_a_sentence_does_not_swallow_a_time_before_it() -> None:
    assert slots.extract("phone", "Friday at 2, 555 123 4567", expected=False) == "+15551234567"


def test_spoken_email_with_symbols_and_numbers() -> None:
    assert (
        slots.extract("email", "maria underscore lopez eighty eight at yahoo dot com")
        == "maria_lopez88@yahoo.com"
    )


def test_names_need_a_cue_unless_they_answer_the_question() -> None:
    assert slots.extract("name", "Maria", expected=False) is None
    assert slots.extract("name", "Maria", expected=True) == "Maria"
    assert slots.extract("name", "Hi, this is Maria", expected=False) == "Maria"


@pytest.mark.parametrize(
    "text", ["I'm calling about my appointment", "this is for a checkup", "it's a follow-up"]
)
def test_names_are_not_fooled_by_cue_like_phrases(text: str) -> None:
    assert slots.extract("name", text, expected=False) is None


def test_spelled_names() -> None:
    assert slots.extract("name", "M A R I A") == "Maria"
    assert slots.extract("name", "P as in Peter, A as in apple, M as in Mary") == "Pam"


def test_choice_synonyms_inflections_and_misspellings() -> None:
    choices = {"check_up": ["checkup", "cleaning"], "consultation": ["new patient"]}
    assert slots.extract("choice", "two checkups", choices=choices) == "check_up"
    assert slots.extract("choice", "consultaion", choices=choices) == "consultation"
    found = slots.extract_span("choice", "consultaion", choices=choices)
    assert found is not None and found.rule is not None and found.rule.startswith("fuzzy:")


def test_choice_below_the_fuzzy_threshold_is_not_guessed() -> None:
    assert slots.extract("choice", "banana", choices={"check_up": ["checkup"]}) is None


def test_yes_and_no_in_many_words() -> None:
    assert slots.extract("yesno", "yeah that's right") is True
    assert slots.extract("yesno", "not quite") is False
    assert slots.extract("yesno", "no, 4pm") is False


def test_numbers_in_words_and_digits() -> None:
    assert slots.extract("number", "party of six") == 6
    assert slots.extract("number", "twenty five") == 25
    assert slots.extract("number", "4") == 4


def test_the_last_undenied_mention_wins() -> None:
    assert slots.extract("date", "not Tuesday, Wednesday", now=NOW) == "2026-11-25"
    assert slots.extract("time", "2pm, no wait, 3pm", now=NOW) == "15:00"


@pytest.mark.parametrize(
    "text",
    [
        "actually make that Thursday",
        "no, I said 4pm",
        "make it 3",
        "not Tuesday, Wednesday",
        "sorry, I meant Friday",
    ],
)
def test_correction_cues(text: str) -> None:
    assert is_correction(text)


def test_plain_answers_are_not_corrections() -> None:
    assert not is_correction("Friday at 2pm")


def test_users_register_their_own_slot_types() -> None:
    @register("member_id")
    class MemberId(Extractor):
        def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
            import re

            return [
                Extraction(m.group(0).upper(), m.start(), m.end())
                for m in re.finditer(r"\bm-\d{4}\b", text, re.I)
            ]

    assert slots.extract("member_id", "it's m-1234") == "M-1234"
    assert "member_id" in slots.known_types()


def test_overriding_a_built_in_needs_replace() -> None:
    from flowagent.errors import ExtensionError

    class Shouting(Extractor):
        def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
            return []

    with pytest.raises(ExtensionError, match="replace=True"):
        register("yesno")(Shouting)


def test_a_broken_user_extractor_never_raises() -> None:
    @register("explodes")
    class Explodes(Extractor):
        def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
            raise RuntimeError("bug")

    assert slots.extract("explodes", "anything") is None


ALL_TYPES = [
    "date",
    "time",
    "datetime",
    "phone",
    "email",
    "name",
    "choice",
    "yesno",
    "number",
    "text",
]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120), st.booleans())
def test_no_extractor_raises_on_any_text(text: str, expected: bool) -> None:
    ctx = slots.make_context(NOW, expected=expected, hours=HOURS, choices={"a": ["b c"]})
    for kind in ALL_TYPES:
        for found in get_extractor(kind).extract_all(text, ctx):
            assert 0 <= found.start <= found.end <= len(text)


@pytest.mark.parametrize("hedge", ["maybe", "perhaps", "probably", "um maybe"])
def test_hedges_are_not_names(hedge: str) -> None:
    assert slots.extract("name", hedge) is None

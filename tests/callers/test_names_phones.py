"""Names without a cue and never common words; phones as STT writes them."""

from __future__ import annotations

import pytest
from tests.callers.conftest import say

import flowagent
from flowagent import slots
from flowagent.render import say_phone


def test_a_name_then_here_in_an_opening_is_the_name(plumbing: flowagent.Flow) -> None:
    conv, turn = say(plumbing, "Hi, Mike Jones here, my toilet won't flush")
    assert conv.slots["name"] == "Mike Jones" and conv.slots["problem"] == "clog"
    assert turn.expecting == "address"


def test_a_word_after_under_is_not_a_name(plumbing: flowagent.Flow) -> None:
    conv, _ = say(plumbing, "this is Bob Ray, leak under sink")
    assert conv.slots["name"] == "Bob Ray"


def test_an_opening_name_before_a_comma_is_the_name(reference: flowagent.Flow) -> None:
    conv, _ = say(reference, "Kim Wu, checkup Tuesday at 10")
    assert conv.slots["name"] == "Kim Wu"


@pytest.mark.parametrize("word", ["sink", "maybe", "tub", "faucet", "leak", "music"])
def test_common_words_are_not_names(word: str) -> None:
    assert slots.extract("name", word) is None


@pytest.mark.parametrize("name", ["Ken Ito", "Amy Stone", "Priya Shah", "Whitfield", "Grace"])
def test_names_that_look_like_words_or_are_rare_are_names(name: str) -> None:
    assert slots.extract("name", name) == name


def test_a_capitalised_word_after_a_cue_is_a_name_though_common() -> None:
    assert slots.extract("name", "hi this is Dev Patel and my shower is clogged") == "Dev Patel"
    assert slots.extract("name", "hi this is Ocean and my shower is clogged") == "Ocean"
    assert slots.extract("name", "hi this is ocean and my shower is clogged") is None


@pytest.mark.parametrize(
    ("said", "number"),
    [
        ("4:15 555 0123", "+14155550123"),
        ("four fifteen, five five five, oh one two three", "+14155550123"),
        ("seven seventy three, five five five, oh one four two", "+17735550142"),
        ("two one two, five five five, nineteen eighty four", "+12125551984"),
        ("1(123)456-7890", "+11234567890"),
        ("555 0199, area code 630", "+16305550199"),
        ("area code 630, 555 0199", "+16305550199"),
        ("415 555 0123 extension 136", "+14155550123;ext=136"),
        ("312 555 0188 ext 42", "+13125550188;ext=42"),
        ("555 123 4567, and my extension is 22", "+15551234567;ext=22"),
    ],
)
def test_phones_as_stt_writes_them(said: str, number: str) -> None:
    assert slots.extract("phone", said) == number


def test_ten_digits_and_another_area_code_ask_which() -> None:
    found = slots.extract_span("phone", "555 123 4567, area code 212")
    assert found is not None and found.value is None
    assert set(found.candidates) == {"+12121234567", "+15551234567"}


def test_ten_digits_and_another_area_code_are_asked_about(reference: flowagent.Flow) -> None:
    _, turn = say(
        reference, "This is Maria, a checkup on Friday at 2pm", "555 123 4567, area code 212"
    )
    assert turn.text.startswith("Just to be sure — did you mean 2 1 2, 1 2 3, 4 5 6 7 or")


def test_an_extension_is_kept_and_read_back(reference: flowagent.Flow) -> None:
    conv, turn = say(
        reference, "This is Maria, a checkup on Friday at 2pm", "415 555 0123 extension 136"
    )
    assert conv.slots["contact"] == "+14155550123;ext=136"
    assert "4 1 5, 5 5 5, 0 1 2 3, extension 1 3 6" in turn.text
    assert say_phone("+14155550123;ext=136") == "4 1 5, 5 5 5, 0 1 2 3, extension 1 3 6"


def test_a_time_before_a_phone_is_still_a_time(reference: flowagent.Flow) -> None:
    conv, _ = say(reference, "This is Maria, a checkup on Friday at 2:30, 555 123 4567")
    assert conv.slots["time"] == "14:30" and conv.slots["contact"] == "+15551234567"


@pytest.mark.parametrize(
    ("said", "name"),
    [("it's under Kim", "Kim"), ("put it under Garcia", "Garcia"), ("under Lee", "Lee")],
)
def test_under_introduces_a_bookings_name(said: str, name: str) -> None:
    assert slots.extract("name", said) == name


def test_the_ack_names_the_caller_not_a_word_after_under(reference: flowagent.Flow) -> None:
    _, turn = say(reference, "this is Bob Ray, leak under sink")
    assert turn.text.startswith("Thanks, Bob Ray.")


@pytest.mark.parametrize(
    ("said", "year"),
    [
        ("twenty nineteen", 2019),
        ("nineteen ninety five", 1995),
        ("twenty oh five", 2005),
        ("twenty two", 22),
    ],
)
def test_years_read_in_pairs(said: str, year: int) -> None:
    assert slots.extract("number", said) == year

"""Names as callers give them: a first name and a surname in one breath with spellings
between, a surname on the next turn with its cue, a name after a pause or an
acknowledgement — and a spelled reading only where there is real spelling."""

from __future__ import annotations

import pytest
from tests.callers.conftest import say

import flowagent
from flowagent import slots


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("It's Rhys, last name Okafor, O K A F O R", "Rhys Okafor"),
        ("Mairead, M-A-I-R-E-A-D. Surname Quinn, Q as in queen, U-I-N-N", "Mairead Quinn"),
        ("Tadhg, T A D H G, Brennan", "Tadhg Brennan"),
        ("Call me Ines, I N E S, and the last name's Duarte", "Ines Duarte"),
    ],
)
def test_spelled_first_names_and_surnames_make_one_name(said: str, name: str) -> None:
    assert slots.extract("name", said) == name


def test_a_spelling_confirms_the_word_it_follows() -> None:
    assert slots.extract("name", "Jon Eriksen, that's E R I K S E N") == "Jon Eriksen"


def test_a_surname_with_its_cue_completes_the_name_next_turn(reference: flowagent.Flow) -> None:
    conv, turn = say(reference, "a cleaning", "Lena", "Sorry, my last name is Brandt, B-R-A-N-D-T")
    assert conv.slots["name"] == "Lena Brandt"
    assert "instead" not in turn.text


def test_a_surname_cue_corrects_only_the_surname(reference: flowagent.Flow) -> None:
    conv, _ = say(reference, "a cleaning", "Lena Brand", "Friday", "oh, the last name is Brandt")
    assert conv.slots["name"] == "Lena Brandt"


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("my name is, um, Tobias Crane", "Tobias Crane"),
        ("the booking's for my son but put it under my name, Wanda Pryce.", "Wanda Pryce"),
        ("Alright, great. Hugo Marsh.", "Hugo Marsh"),
    ],
)
def test_names_after_pauses_and_lead_ins(reference: flowagent.Flow, said: str, name: str) -> None:
    conv, _ = say(reference, "a cleaning", said)
    assert conv.slots["name"] == name


def test_ordinary_words_around_masked_values_are_not_a_spelling(
    reference: flowagent.Flow,
) -> None:
    conv, turn = say(
        reference,
        "Hey, Dalia Mendes calling. I'm a new patient and I'd like Thursday afternoon, say two?",
    )
    assert conv.slots["name"] == "Dalia Mendes"
    assert "D A L I A" not in turn.text  # not read back spelled


@pytest.mark.parametrize("said", ["I'm a new patient and I", "it's a big one and I think"])
def test_contractions_articles_and_pronouns_are_not_spelled_letters(said: str) -> None:
    from flowagent.slots.spelling import spell_runs

    assert spell_runs(said) == []


def test_a_bare_capitalised_street_after_a_number_is_not_a_name(
    reference: flowagent.Flow,
) -> None:
    assert slots.extract("name", "12 Oak Street", expected=False) is None

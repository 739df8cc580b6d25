"""Free-text answers keep the answer's words: no holes where other slots took words, no
prepositions left hanging, lead-ins trimmed; a name given as the answer fills no other slot."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.callers.conftest import say

import flowagent
from flowagent import slots


@pytest.fixture(scope="module")
def grooming(tmp_path_factory: pytest.TempPathFactory) -> flowagent.Flow:
    path = Path(tmp_path_factory.mktemp("flows")) / "grooming.yaml"
    path.write_text(
        """
flow: grooming
start: ASK
slots:
  pet_name:
    type: text
    prompt: "What's your pet's name?"
  species:
    type: choice
    prompt: "A dog or a cat?"
    choices: {dog: [dog, puppy], cat: [cat, kitten]}
  date: {type: date, prompt: "What day?"}
  time: {type: time, prompt: "What time?"}
  owner: {type: name, prompt: "And your name?"}
  handover:
    type: choice
    prompt: "Will you bring them, or shall we collect?"
    choices: {bring: [drop off, dropoff], collect: [collect, fetch]}
states:
  ASK: {kind: collect, slots: [pet_name, species, date, time, owner, handover], next: DONE}
  DONE: {kind: end, say: Done.}
  FALLBACK: {kind: end, say: Bye.}
""",
        encoding="utf-8",
    )
    return flowagent.load_flow(path)


@pytest.mark.parametrize(
    ("said", "pet"),
    [
        ("our kitten Mochi", "Mochi"),
        ("Biscuit for Saturday at noon", "Biscuit"),
        ("her name's Pepper", "Pepper"),
        ("it is Sir Barksalot", "Sir Barksalot"),
        ("Nala, and I'm Priya Shah", "Nala"),
    ],
)
def test_free_text_gets_the_answers_words(grooming: flowagent.Flow, said: str, pet: str) -> None:
    conv, _ = say(grooming, said)
    assert conv.slots["pet_name"] == pet


def test_a_name_as_the_answer_to_free_text_fills_no_other_slot(
    grooming: flowagent.Flow,
) -> None:
    conv, _ = say(grooming, "it's Clover")
    assert conv.slots["pet_name"] == "Clover" and "owner" not in conv.slots


def test_a_caller_naming_themselves_fills_the_name_beside_free_text(
    grooming: flowagent.Flow,
) -> None:
    conv, _ = say(grooming, "Nala, and I'm Priya Shah")
    assert conv.slots["owner"] == "Priya Shah"


def test_a_phrasal_synonym_takes_an_object_between_its_words(grooming: flowagent.Flow) -> None:
    conv, _ = say(grooming, "Nala", "dog", "Friday", "9am", "Priya Shah", "I'll drop her off")
    assert conv.slots["handover"] == "bring"


def test_a_one_word_synonym_is_also_said_split() -> None:
    assert slots.extract("choice", "we'll pick him up", choices={"pickup": ["pickup"]}) == "pickup"


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ("Great. It's 640 North Euclid, in Oak Park", "640 North Euclid, in Oak Park"),
        ("Okay, perfect! 12 Hawthorne Court", "12 Hawthorne Court"),
        ("Good Samaritan Hospital", "Good Samaritan Hospital"),
    ],
)
def test_an_acknowledgement_before_free_text_is_not_kept(said: str, kept: str) -> None:
    """'Great.' said as its own sentence is not part of the address; 'Good Samaritan' is."""
    from flowagent.slots.text import clean_free_text

    assert clean_free_text(said) == kept

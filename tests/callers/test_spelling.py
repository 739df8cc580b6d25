"""Spelling as an input mode: letters, "as in" words, NATO, "double", "capital", digits;
spelled values are read back spelled."""

from __future__ import annotations

import pytest
from tests.callers.conftest import say

import flowagent
from flowagent import slots
from flowagent.slots.spelling import spell_runs

BOOKED = "This is Maria, a checkup on Friday at 2pm"


@pytest.mark.parametrize(
    ("said", "letters"),
    [
        ("d a n a", "dana"),
        ("D-A-N-A", "dana"),
        ("J. O. E.", "joe"),
        ("r as in robert, o, s, a", "rosa"),
        ("P for Peter, A, M", "pam"),
        ("delta alpha november alpha", "dana"),
        ("P H I double L I P", "phillip"),
        ("capital D a n a", "Dana"),
        ("g w e n 2 4", "gwen24"),
        ("k i m double seven", "kim77"),
        ("b o n d double oh seven", "bond007"),
        ("t is for tom, o, m", "tom"),
        ("dee ay en", None),  # "ay" is no letter name: too little to be a spelling
    ],
)
def test_the_spelling_grammar_reads_each_form(said: str, letters: str | None) -> None:
    runs = spell_runs(said)
    assert (runs[0].text if runs else None) == letters


def test_ordinary_sentences_are_not_spellings() -> None:
    for text in ("I need a checkup", "Mike Jones here", "I am at a loss", "a b test"):
        assert all(r.letters < 3 or r.strong for r in spell_runs(text)) or not spell_runs(text)
    assert spell_runs("I need a checkup") == []


def test_a_spelled_email_is_stored_whole() -> None:
    value = slots.extract("email", "d a n a dot r e y e s at gmail dot com")
    assert value == "dana.reyes@gmail.com"


def test_a_doubled_digit_inside_a_spelled_email_is_kept() -> None:
    """'double seven' continues a spelling: the digit twice, not the word 'double'."""
    said = "capital S, then D E L A N E Y, double seven, at yahoo dot com"
    assert slots.extract("email", said) == "sdelaney77@yahoo.com"


def test_a_spelled_email_is_read_back_spelled(reference: flowagent.Flow) -> None:
    conv, turn = say(reference, BOOKED, "d a n a dot r e y e s at gmail dot com")
    assert conv.slots["contact"] == "dana.reyes@gmail.com"
    assert "D A N A dot R E Y E S at gmail dot com" in turn.text


def test_an_email_said_as_words_is_read_back_as_words(reference: flowagent.Flow) -> None:
    _, turn = say(reference, BOOKED, "dana dot reyes at gmail dot com")
    assert "dana dot reyes at gmail dot com" in turn.text


def test_spelling_again_gives_the_same_value(reference: flowagent.Flow) -> None:
    conv, _ = say(
        reference,
        BOOKED,
        "d a n a dot r e y e s at gmail dot com",
        "no, the email",
        "d a n a dot r e y e s at gmail dot com",
    )
    assert conv.slots["contact"] == "dana.reyes@gmail.com"


def test_a_spelled_name_after_the_spelling_reprompt_is_taken(reference: flowagent.Flow) -> None:
    conv, _ = say(reference, "hello", "blorp", "zzzz", "S I O B H A N")
    assert conv.slots["name"] == "Siobhan"


def test_the_spelling_wins_over_the_name_as_heard(reference: flowagent.Flow) -> None:
    conv, turn = say(reference, "hello", "my name is Shavon, S I O B H A N")
    assert conv.slots["name"] == "Siobhan"
    assert "S I O B H A N" in turn.text  # the ack spells it back


def test_a_spelled_surname_keeps_the_first_name_said() -> None:
    value = slots.extract("name", "Jon Mattsson, that's M A double T S S O N")
    assert value == "Jon Mattsson"


def test_confirm_spell_spells_a_value_that_was_said(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "f.yaml"
    path.write_text(
        """
flow: spell
start: ASK
slots:
  name: {type: name, prompt: "Your name?", confirm: spell}
states:
  ASK: {kind: collect, slots: [name], next: CONFIRM}
  CONFIRM: {kind: confirm, prompt: "That's {{ name }}, right?", on_yes: DONE}
  DONE: {kind: end}
  FALLBACK: {kind: end}
""",
        encoding="utf-8",
    )
    _conv, turn = say(flowagent.load_flow(path), "Dana Reyes")
    assert turn.text == "That's Dana Reyes, D A N A, R E Y E S, right?"

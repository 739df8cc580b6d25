"""Names of callers from every naming tradition, answers that only look like names, and the
names that are also everyday words (issue #11c)."""

from __future__ import annotations

import pytest

from flowagent import load_flow, slots
from flowagent.slots.name import common_words, name_words


def asked(text: str) -> slots.Extraction | None:
    """What the name extractor makes of `text` said when the name was asked."""
    return slots.extract_span("name", text)


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("Zhou.", "Zhou"),
        ("uh, Sharma", "Sharma"),
        ("sai", "Sai"),
        ("Yoon Ji-ho", "Yoon Ji-ho"),
        ("it's Gao Feng", "Gao Feng"),
        ("Pranav Bose, thanks", "Pranav Bose"),
    ],
)
def test_a_name_common_in_another_country_is_taken_bare(said: str, name: str) -> None:
    found = asked(said)
    assert found is not None and found.value == name


def test_a_surname_said_in_lower_case_after_a_cue_is_kept() -> None:
    assert slots.extract("name", "yeah my name is priya rao") == "Priya Rao"


def test_a_surname_first_answer_with_a_comma_keeps_the_order_said() -> None:
    assert slots.extract("name", "Park, Seo-yeon") == "Park Seo-yeon"


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("ana maria dos reis", "Ana Maria dos Reis"),
        ("This is Jan van der Linden.", "Jan van der Linden"),
        ("Aoife Ni Dhomhnaill here", "Aoife Ni Dhomhnaill"),
        ("my name is Yusuf bin Rahman", "Yusuf bin Rahman"),
        ("Tran Van Long", "Tran Van Long"),
        ("Anne-Sophie O'Connor", "Anne-Sophie O'Connor"),
    ],
)
def test_particles_hyphens_and_apostrophes_stay_inside_the_name(said: str, name: str) -> None:
    assert slots.extract("name", said) == name


def test_a_particle_at_the_end_is_a_surname() -> None:
    assert slots.extract("name", "rohan das") == "Rohan Das"


@pytest.mark.parametrize("said", ["Hope.", "faith", "Love"])
def test_an_everyday_word_that_is_a_name_said_alone_is_asked_about(said: str) -> None:
    found = asked(said)
    assert found is not None and found.value is None
    assert [c.lower() for c in found.candidates] == [said.strip(".").lower()]


@pytest.mark.parametrize(
    ("said", "name"),
    [("Hope Mwangi", "Hope Mwangi"), ("my name is Faith", "Faith"), ("He Ling", "He Ling")],
)
def test_an_everyday_word_with_another_name_or_a_cue_is_taken(said: str, name: str) -> None:
    assert slots.extract("name", said) == name


def test_a_common_first_name_that_is_a_word_is_taken_bare() -> None:
    assert slots.extract("name", "Grace") == "Grace"


@pytest.mark.parametrize("said", ["this is he", "He.", "I will"])
def test_a_function_word_alone_is_never_taken_as_a_name(said: str) -> None:
    assert slots.extract("name", said) is None


@pytest.mark.parametrize(
    "said",
    [
        "the leak",
        "My bill.",
        "toothache",
        "reschedule",
        "ok cool",
        "Bye.",
        "kitchen sink",
        "hold on",
        "maybe",
    ],
)
def test_an_answer_that_is_no_name_gives_nothing(said: str) -> None:
    found = asked(said)
    assert found is None or (found.value is None and not found.candidates)


def test_the_word_lists_keep_names_out_and_words_in() -> None:
    words = common_words()
    assert {"zhou", "sharma", "kwon", "xi", "dev", "rao"}.isdisjoint(words)
    assert {"sink", "maybe", "leak", "checkup"} <= words
    assert {"hope", "will", "he"} <= name_words()
    assert "mark" not in name_words()  # a common US first name: a name first


def _collect_name(*said: str) -> tuple[str, dict[str, object]]:
    flow = load_flow("flows/appointment.yaml")
    talk = flow.new_conversation()
    talk.start()
    talk.handle("I'd like to book an appointment")
    reply = ""
    for text in said:
        reply = talk.handle(text).text
    return reply, dict(talk.snapshot()["context"]["slots"])


def test_the_caller_confirms_an_everyday_word_name_with_yes() -> None:
    _, filled = _collect_name("Hope", "yes")
    assert filled.get("name") == "Hope"


def test_a_no_to_the_name_question_asks_for_the_name_again() -> None:
    reply, filled = _collect_name("Hope", "no")
    assert "name" not in filled and "name" in reply.lower()


def test_a_new_name_after_no_replaces_the_candidate() -> None:
    _, filled = _collect_name("Hope", "no", "Hopkins")
    assert filled.get("name") == "Hopkins"

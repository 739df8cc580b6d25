"""Clarification questions that callers do not answer directly: the answer still fills what
it can, the question comes back (bounded), and "any will do" picks a flow's "any" choice."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.callers.conftest import say

import flowagent

# At the plumbing flow's problem question, "water heater or leak?" is asked.
OPEN = ("hi there", "the water heater is leaking")


def test_an_answer_to_another_question_fills_it_and_asks_again(
    plumbing: flowagent.Flow,
) -> None:
    conv, turn = say(plumbing, *OPEN, "my number is 630 555 0142")
    assert conv.slots["phone"] == "+16305550142"
    assert "water heater or leak" in turn.text and turn.expecting == "problem"


def test_the_clarification_is_asked_again_at_most_three_times(plumbing: flowagent.Flow) -> None:
    conv, turn = say(plumbing, *OPEN, "it's Rosa Diaz", "my number is 630 555 0142", "Friday")
    assert "water heater or leak" not in turn.text
    assert conv.context.clarify is None and turn.expecting == "problem"


def test_yes_to_an_either_or_question_names_the_options_again(
    plumbing: flowagent.Flow,
) -> None:
    _, turn = say(plumbing, *OPEN, "yeah")
    assert turn.event == "no_match" and "water heater or leak" in turn.text


def test_the_clarification_is_settled_after_a_detour(plumbing: flowagent.Flow) -> None:
    conv, _ = say(plumbing, *OPEN, "it's Rosa Diaz", "the heater")
    assert conv.slots["problem"] == "water_heater"


@pytest.fixture(scope="module")
def windows(tmp_path_factory: pytest.TempPathFactory) -> flowagent.Flow:
    path = Path(tmp_path_factory.mktemp("flows")) / "windows.yaml"
    path.write_text(
        """
flow: windows
start: ASK
slots:
  window:
    type: choice
    prompt: Morning or afternoon?
    choices:
      morning: [morning, am]
      afternoon: [afternoon, pm]
      any: [no preference, anytime]
states:
  ASK: {kind: collect, slots: [window], next: DONE}
  DONE: {kind: end, say: Done.}
  FALLBACK: {kind: end, say: Bye.}
""",
        encoding="utf-8",
    )
    return flowagent.load_flow(path)


@pytest.mark.parametrize(
    "said", ["morning, afternoon, it really doesn't matter", "either one works", "I'm flexible"]
)
def test_any_will_do_picks_the_any_choice(windows: flowagent.Flow, said: str) -> None:
    conv, _ = say(windows, said)
    assert conv.slots["window"] == "any"


def test_any_will_do_without_an_any_choice_is_no_answer(plumbing: flowagent.Flow) -> None:
    conv, _ = say(plumbing, "whichever, doesn't matter")
    assert "problem" not in conv.slots


@pytest.mark.parametrize(
    "said", ["Last name Vaughan", "my first name is Bryn", "first thing in the morning"]
)
def test_an_ordinal_inside_other_words_does_not_point_at_an_option(
    plumbing: flowagent.Flow, said: str
) -> None:
    """'last name …' is not 'the last one': the clarification stays open, nothing is chosen."""
    conv, _ = say(plumbing, *OPEN, said)
    assert "problem" not in conv.slots


@pytest.mark.parametrize(
    ("said", "key"), [("the first one", "water_heater"), ("the second, please", "leak")]
)
def test_pointing_at_an_option_chooses_it(plumbing: flowagent.Flow, said: str, key: str) -> None:
    conv, _ = say(plumbing, *OPEN, said)
    assert conv.slots["problem"] == key

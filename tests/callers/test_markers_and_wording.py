"""Non-speech markers, free-text hygiene, and how replies are worded: corrections said back,
one apology at most, handoff and hold phrases, a question when two choices match."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.callers.conftest import say

import flowagent
from flowagent.nonspeech import Markers
from flowagent.slots.text import clean_free_text
from flowagent.wording import compose


@pytest.mark.parametrize("marker", ["[BLANK_AUDIO]", "[music]", "(silence)", "[ Silence ]", "♪"])
def test_a_silence_marker_is_a_silence(reference: flowagent.Flow, marker: str) -> None:
    conv, turn = say(reference, "hello", marker)
    assert turn.event == "no_input" and "name" not in conv.slots


@pytest.mark.parametrize("marker", ["[inaudible]", "(coughs)", "[crosstalk]", "*laughs*"])
def test_a_heard_but_wordless_marker_is_a_no_match(reference: flowagent.Flow, marker: str) -> None:
    conv, turn = say(reference, "hello", marker)
    assert turn.event == "no_match" and "name" not in conv.slots


def test_words_beside_an_inaudible_marker_are_not_used(reference: flowagent.Flow) -> None:
    conv, turn = say(reference, "I need a checkup", "[inaudible] Jones")
    assert "name" not in conv.slots and turn.event == "no_match"


def test_a_marker_beside_an_answer_is_removed(reference: flowagent.Flow) -> None:
    conv, _ = say(reference, "hello", "(coughs) my name is Lena Fox")
    assert conv.slots["name"] == "Lena Fox"


def test_a_markers_only_turn_never_fills_free_text(plumbing: flowagent.Flow) -> None:
    conv, _ = say(plumbing, "leaking pipe", "Amy Stone", "[Music]")
    assert "address" not in conv.context.to_dict()["slots"]
    assert conv.context.pending is None


def test_flow_markers_are_configurable() -> None:
    markers = Markers.from_spec({"<noise>": "silence", "[beep]": "no_match"}, defaults=False)
    assert markers.remove("<NOISE>") == ("", "silence")
    assert markers.remove("[beep]") == ("", "no_match")
    assert markers.remove("[music]") == ("[music]", None)  # defaults off


def test_dictated_parentheses_are_not_markers() -> None:
    assert Markers().remove("(415) 555 0123") == ("(415) 555 0123", None)
    assert Markers().remove("Call John (my brother)") == ("Call John (my brother)", None)


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ("um it's fourteen twenty three Oak Street", "fourteen twenty three Oak Street"),
        ("uh, so it's 517 Maple Avenue", "517 Maple Avenue"),
        ("yeah the address is 90 Hill Road", "90 Hill Road"),
        ("let me see, it's 77, uh, Harbor Drive", "77 Harbor Drive"),
        ("I live at 12 Elm Court, thanks", "12 Elm Court"),
        ("my kitchen sink is leaking", "my kitchen sink is leaking"),
    ],
)
def test_free_text_loses_fillers_and_lead_ins(said: str, kept: str) -> None:
    assert clean_free_text(said) == kept


def test_fillers_are_trimmed_from_a_stored_address(plumbing: flowagent.Flow) -> None:
    conv, _ = say(plumbing, "a leak", "Ann Cole", "um it's fourteen twenty three Oak Street", "")
    assert conv.slots["address"] == "fourteen twenty three Oak Street"


def test_a_correction_while_another_slot_is_asked_is_said_back(
    reference: flowagent.Flow,
) -> None:
    conv, turn = say(
        reference, "This is Maria, a checkup on Friday at 2pm", "actually make it Tuesday"
    )
    assert conv.slots["date"] == "2026-11-24"
    assert turn.text.startswith("Okay, Tuesday, November 24th instead.")
    assert turn.expecting == "contact"


def test_help_then_a_failure_never_stacks_apologies(reference: flowagent.Flow) -> None:
    _, turn = say(reference, "hello", "blorp", "help")
    assert "Sorry" not in turn.text and turn.text.endswith("May I have your name, please?")
    _, turn = say(reference, "hello", "blorp", "")
    assert turn.text.count("Sorry") <= 1


def test_compose_keeps_only_the_first_apology() -> None:
    parts = ["Sorry, I didn't hear anything.", "Sorry, which day works for you?"]
    assert compose(parts) == "Sorry, I didn't hear anything. Which day works for you?"


@pytest.mark.parametrize(
    "said",
    [
        "transfer me",
        "can I speak with someone",
        "agent",
        "can you put me through to a person",
        "let me talk to a dispatcher",
    ],
)
def test_wider_handoff_phrases_hand_off(plumbing: flowagent.Flow, said: str) -> None:
    _, turn = say(plumbing, said)
    assert turn.ended and turn.outcome == "handoff"


@pytest.mark.parametrize("said", ["wait a sec", "gimme a minute", "hang on a second", "one sec"])
def test_wider_hold_phrases_hold(plumbing: flowagent.Flow, said: str) -> None:
    _, turn = say(plumbing, said)
    assert turn.hold and turn.event == "hold"


def test_one_utterance_matching_two_choices_asks_which(plumbing: flowagent.Flow) -> None:
    conv, turn = say(plumbing, "My water heater is leaking")
    assert "problem" not in conv.slots
    assert turn.text == "Just to be sure — did you mean water heater or leak?"
    conv.handle("the water heater")
    assert conv.slots["problem"] == "water_heater"


def test_a_correction_between_two_choices_takes_the_last(reference: flowagent.Flow) -> None:
    conv, _ = say(reference, "a checkup, no actually, a consultation")
    assert conv.slots["type"] == "consultation"


def test_a_synonym_in_another_word_order_matches(plumbing: flowagent.Flow) -> None:
    conv, _ = say(plumbing, "the drain's slow")
    assert conv.slots["problem"] == "clog"


def test_the_issue_calls_work_through_flowagent_run(tmp_path: Path) -> None:
    """The reference flow from the command line, as the issue asks (`flowagent run`)."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    script = tmp_path / "call.txt"
    script.write_text(
        "How much does a checkup cost?\nMy name is Dana\nWhitfield\n[BLANK_AUDIO]\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "flowagent.cli",
            "run",
            str(root / "flows" / "appointment.yaml"),
            "--input",
            str(script),
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert "$120" in out and "Thanks, Dana Whitfield." in out and "didn't hear" in out


@pytest.mark.parametrize("said", ["um", "Uh...", "uh, um", "Hmm."])
def test_a_turn_of_only_hesitation_is_a_no_match_not_a_value(
    reference: flowagent.Flow, said: str
) -> None:
    conv, turn = say(reference, "hello", said)
    assert turn.event == "no_match" and "name" not in conv.slots


@pytest.mark.parametrize(("said", "outcome"), [("mhmm", "complete"), ("uh-huh", "complete")])
def test_deepgram_spellings_of_yes_confirm(
    reference: flowagent.Flow, said: str, outcome: str
) -> None:
    _, turn = say(reference, "This is Maria, a checkup on Friday at 2pm", "555 123 4567", said)
    assert turn.outcome == outcome


@pytest.mark.parametrize("said", ["uh-uh", "mm-mm", "nuh-uh"])
def test_deepgram_spellings_of_no_reject(reference: flowagent.Flow, said: str) -> None:
    _, turn = say(reference, "This is Maria, a checkup on Friday at 2pm", "555 123 4567", said)
    assert turn.expecting == "change"


@pytest.mark.parametrize("marker", ["[BLANK_AUDIO]", "[music]", "(silence)", "[inaudible]"])
def test_no_extractor_reads_a_marker_as_a_value(marker: str) -> None:
    from flowagent import slots

    for slot_type in ("name", "text", "email", "phone", "choice"):
        assert slots.extract(slot_type, marker, choices={"music": ["music"]}) is None

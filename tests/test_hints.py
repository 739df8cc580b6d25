"""Recognition hints, engine side: what the flow tells the speech recogniser to listen for
after each turn. Plain text, no audio."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import APPOINTMENT

import flowagent
from flowagent.hints import HINTED, MAX_PROMPT_CHARS, PROMPTS, hints_for

FLOW = flowagent.load_flow(APPOINTMENT)
NOW = datetime(2026, 11, 23, 10, 0)


def asked(expecting: str) -> flowagent.Conversation:
    conv = FLOW.new_conversation(now=NOW)
    conv.start()
    conv.handle("this is Maria")
    conv.context.expecting = expecting
    return conv


def test_a_choice_question_hints_its_labels_and_synonyms() -> None:
    hints = asked("type").recognition_hints()
    assert hints is not None and hints.types == ("choice",)
    assert {"consultation", "cleaning", "follow-up"} <= {p.lower() for p in hints.phrases}
    assert hints.whisper_prompt is not None and "cleaning" in hints.whisper_prompt


def test_a_phone_question_is_prompted_with_the_question_and_no_example_number() -> None:
    hints = hints_for(["phone"])
    assert hints.prompt == PROMPTS["phone"]
    assert not any(ch.isdigit() for ch in hints.prompt)  # Whisper would copy an example


def test_a_slot_with_an_unhinted_type_gets_no_prompt() -> None:
    hints = asked("contact").recognition_hints()  # phone or email; email is not hinted
    assert hints is not None and set(hints.types) == {"phone", "email"}
    assert hints.prompt == "" and hints.whisper_prompt is None


def test_a_confirmation_is_heard_as_a_yes_or_no() -> None:
    hints = asked("confirmation").recognition_hints()
    assert hints is not None and hints.types == ("yesno",)
    assert hints.whisper_prompt == PROMPTS["yesno"]


def test_nothing_expected_means_no_hints() -> None:
    conv = FLOW.new_conversation(now=NOW)
    conv.start()  # the greeting asks an open question
    assert conv.recognition_hints() is None


def test_a_type_left_out_of_the_hinted_set_gets_no_prompt() -> None:
    left_out = hints_for(["name"], hinted=HINTED - {"name"})
    assert left_out.prompt == "" and left_out.whisper_prompt is None


def test_a_long_choice_list_is_cut_at_a_phrase_boundary() -> None:
    options = {"choices": {f"option_{i}": [f"synonym number {i}"] for i in range(100)}}
    prompt = hints_for(["choice"], options).whisper_prompt
    assert prompt is not None and len(prompt) <= MAX_PROMPT_CHARS + 1
    assert prompt.endswith(".") and "synonym number 0" in prompt


def test_repeated_phrases_are_sent_once() -> None:
    options = {"choices": {"check_up": ["Checkup", "checkup", "cleaning"]}}
    hints = hints_for(["choice"], options, {"check_up": "checkup"})
    assert hints.phrases == ("checkup", "cleaning")

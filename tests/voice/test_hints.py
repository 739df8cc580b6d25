"""Recognition hints reach whatever STT the session runs, in the form it takes; a recogniser
that refuses them never ends the call. Fakes with the STTs' real method names, no audio."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("livekit.agents", reason="needs pip install 'flowagent[livekit]'")

from flowagent.hints import RecognitionHints, hints_for
from flowagent.livekit.hints import send_hints

PHONE = hints_for(["phone"])
CHOICE = RecognitionHints(types=("choice",), phrases=("cleaning", "check-up"))


class Caps:
    def __init__(self, keyterms: bool = False) -> None:
        self.streaming = False
        self.keyterms = keyterms


class OurWhisper:
    capabilities = Caps()

    def __init__(self) -> None:
        self.hints: RecognitionHints | None = None

    def set_hints(self, hints: RecognitionHints | None) -> None:
        self.hints = hints


class PromptSTT:  # the shape of livekit.plugins.openai.STT.update_options
    capabilities = Caps()

    def __init__(self) -> None:
        self.prompt: str | None = None

    def update_options(self, *, language: str | None = None, prompt: str | None = None) -> None:
        self.prompt = prompt


class KeytermSTT:
    capabilities = Caps(keyterms=True)


class Session:
    def __init__(self) -> None:
        self.options: dict[str, Any] = {}

    def update_options(self, **options: Any) -> None:
        self.options.update(options)


def test_flowagents_whisper_takes_the_whole_hints() -> None:
    stt = OurWhisper()
    assert send_hints(Session(), stt, PHONE) == "set_hints"
    assert stt.hints is PHONE


def test_a_prompt_stt_gets_the_whisper_prompt() -> None:
    stt = PromptSTT()
    assert send_hints(Session(), stt, PHONE) == "prompt"
    assert stt.prompt == PHONE.whisper_prompt


def test_a_keyterm_stt_gets_the_choice_phrases_through_the_session() -> None:
    session = Session()
    assert send_hints(session, KeytermSTT(), CHOICE) == "keyterms"
    assert session.options["keyterms"] == ["cleaning", "check-up"]


def test_clearing_the_hints_empties_the_prompt() -> None:
    stt = PromptSTT()
    send_hints(Session(), stt, PHONE)
    send_hints(Session(), stt, None)
    assert stt.prompt == ""


def test_an_stt_that_refuses_the_hints_does_not_end_the_call() -> None:
    class Refusing(PromptSTT):
        def update_options(self, *, language: str | None = None, prompt: str | None = None) -> None:
            raise ValueError("prompt too long")

    assert send_hints(Session(), Refusing(), PHONE) is None


def test_an_stt_with_no_way_to_take_hints_gets_none() -> None:
    class Plain:
        capabilities = Caps()

    assert send_hints(Session(), Plain(), PHONE) is None

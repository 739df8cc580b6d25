"""Recognition hints: what the flow expects next, for the speech recogniser.

A recogniser transcribes better when it knows what kind of answer is coming. Whisper reads
its `initial_prompt` as the text said before the audio and goes on in that style — digits
grouped like a phone number, an address written with "@" and dots (faster-whisper
`WhisperModel.transcribe(initial_prompt=...)`; OpenAI's transcription `prompt` works the same
way); keyword-boosting recognisers take a list of phrases (LiveKit's STT `keyterms`). After
each turn a voice adapter asks `Conversation.recognition_hints()` and hands the hints on
(`flowagent.livekit.hints`).

Which slot types get a prompt is measured, not assumed: `benchmarks/voice_check.py`
transcribes every utterance with and without its type's candidate prompt in the same run and
reports both per type (benchmarks/results/voice_check.md). A type whose prompt gave fewer
right or more wrong values is left out of `HINTED`, so a hint never makes a type worse on that
measure. A choice slot's labels and synonyms are always sent as phrases: they are the flow's
own words (measured: 75% → 100% of choices right).

Plain Python, no audio: the engine side of the hints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: A candidate prompt per slot type: the question a receptionist would have just asked. It
#: carries no answer: an example value ("415 555 2671", "2:30 p.m.") is copied by Whisper into
#: what it hears when the audio is unclear — a confident wrong value (measured: see
#: benchmarks/results/voice_check.md).
PROMPTS: dict[str, str] = {
    "phone": "What's the best phone number to reach you?",
    "email": "What's your email address?",
    "date": "What day works for you?",
    "time": "What time works for you?",
    "datetime": "What day and time works for you?",
    "name": "Can I get your name, please?",
    "yesno": "Is that right?",
}

#: The types whose prompt is sent: those it made no worse — no fewer right, no more wrong —
#: in benchmarks/voice_check.py (see the module docstring). Left out, measured worse: time,
#: datetime, email; number is not measured there.
HINTED: frozenset[str] = frozenset({"phone", "date", "name", "yesno"})

#: Whisper keeps at most 224 prompt tokens; a choice list longer than this many characters
#: is cut at a phrase boundary.
MAX_PROMPT_CHARS = 400


@dataclass(frozen=True, slots=True)
class RecognitionHints:
    """What the recogniser should listen for next.

    `types`: the expected slot types (or `("yesno",)` for a confirmation); `prompt`: an
    example answer in the expected style ("" when none is sent for these types); `phrases`:
    words the answer may contain — a choice slot's labels and synonyms."""

    types: tuple[str, ...]
    prompt: str = ""
    phrases: tuple[str, ...] = ()

    @property
    def whisper_prompt(self) -> str | None:
        """The text for Whisper's `initial_prompt` (or an OpenAI transcription `prompt`):
        the phrases as a list, then the example answer; None when there is nothing to say."""
        parts = []
        if self.phrases:
            listed = ""
            for phrase in self.phrases:
                if len(listed) + len(phrase) + 2 > MAX_PROMPT_CHARS:
                    break
                listed = f"{listed}, {phrase}" if listed else phrase
            parts.append(listed[:1].upper() + listed[1:] + ".")
        if self.prompt:
            parts.append(self.prompt)
        return " ".join(parts) or None


def hints_for(
    types: Iterable[str],
    options: Mapping[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
    *,
    hinted: Iterable[str] = HINTED,
) -> RecognitionHints:
    """The hints for a slot of these `types`: the first type's prompt when every type of
    the slot is hinted (a prompt that suits one type may hurt another's answer, so a phone-or-
    email slot gets none while email is not hinted), and for a choice the labels (`labels`,
    value → label) and synonyms (`options["choices"]`, value → list of phrases) in the flow's
    order, without repeats."""
    kinds = tuple(types)
    allowed = frozenset(hinted)
    prompted = [k for k in kinds if k != "choice"]
    prompt = (
        PROMPTS[prompted[0]]
        if prompted and all(k in allowed and k in PROMPTS for k in prompted)
        else ""
    )
    phrases: list[str] = []
    choices = (options or {}).get("choices") or {}
    if "choice" in kinds and isinstance(choices, Mapping):
        for value, synonyms in choices.items():
            label = (labels or {}).get(str(value)) or str(value).replace("_", " ")
            phrases.append(label)
            phrases.extend(str(s) for s in synonyms or ())
    unique = {p.lower(): p for p in reversed(phrases)}  # the first spelling of each
    return RecognitionHints(types=kinds, prompt=prompt, phrases=tuple(reversed(unique.values())))

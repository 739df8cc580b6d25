"""Slot-aware endpointing: is what the caller has said so far a whole answer?

A voice channel must decide when the caller has finished. A fixed silence threshold either
answers slowly or cuts callers off mid-number ("five five five, one two three…" — a pause —
"four five six seven"). The flow knows what it just asked, so it can tell a complete answer
from an incomplete one:

- `complete`: the words already answer the question — a yes/no, a full phone number, a date,
  a time, a choice, a name, an email — and do not end on a word that promises more;
- `incomplete`: clearly not finished — a phone number with too few digits, a dangling word
  ("on the", "my email is john dot", "at"), a cue with nothing after it ("my name is");
- `normal`: anything else (no question open, free text, an ambiguous value).

`delays(status, spec)` turns the status into the silence (seconds after the end of speech) a
voice adapter waits before taking the turn: short when complete, long when incomplete,
normal otherwise; a state's YAML `voice: {endpointing: {min: …, max: …}}` overrides the short
and the long delay. This module is plain Python: no audio, no LiveKit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from flowagent.slots.base import ExtractContext, Extraction
from flowagent.slots.spoken import DIGIT_WORDS

if TYPE_CHECKING:
    from flowagent.compiled import CompiledFlow, SlotInfo
    from flowagent.context import Context


class AnswerStatus(StrEnum):
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    NORMAL = "normal"


#: Default delays in seconds after the end of speech. Complete answers are taken at once
#: (the VAD's own silence threshold has already passed); a caller mid-number gets time to
#: breathe and look up the rest; anything else waits a short conversational beat.
COMPLETE_DELAY = 0.1
NORMAL_DELAY = 0.5
INCOMPLETE_DELAY = 2.0


@dataclass(frozen=True, slots=True)
class Delays:
    """Seconds to wait after the end of speech, per status."""

    complete: float = COMPLETE_DELAY
    normal: float = NORMAL_DELAY
    incomplete: float = INCOMPLETE_DELAY

    def for_status(self, status: AnswerStatus) -> float:
        return {
            AnswerStatus.COMPLETE: self.complete,
            AnswerStatus.INCOMPLETE: self.incomplete,
            AnswerStatus.NORMAL: self.normal,
        }[status]


def delays(min_delay: float | None = None, max_delay: float | None = None) -> Delays:
    """The delays with a state's overrides: `min_delay` for complete answers, `max_delay` for
    incomplete ones; the normal delay stays between the two."""
    low = COMPLETE_DELAY if min_delay is None else min_delay
    high = INCOMPLETE_DELAY if max_delay is None else max(max_delay, low)
    return Delays(complete=low, normal=min(max(NORMAL_DELAY, low), high), incomplete=high)


# Words after which a speaker is not done: articles, prepositions, conjunctions, cues that
# introduce a value, the spoken parts of an email, and hesitations.
_DANGLING = re.compile(
    r"\b(?:and|or|but|at|on|in|for|to|of|from|by|with|around|about|the|a|an|my|our|is|it'?s"
    r"|its|was|be|like|um+|uh+|er+m?|hmm+|so|then|dot|underscore|dash|hyphen|plus|area\s+code"
    r"|number|email|e-mail|address|name|called|maybe|probably|let'?s\s+see|let\s+me\s+see"
    r"|next|this|last|before|after|either)\s*[,.…-]*$",
    re.I,
)
_TRAILING_COMMA = re.compile(r"(?:,|\.\.\.|…|-)\s*$")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[a-z]+", re.I)
#: E.164 allows at most 15 digits; a North American number has 10 (11 with the leading 1).
_PHONE_DIGITS = 10


def _digit_count(text: str) -> int:
    count = len(_DIGIT.findall(text))
    words = [w.lower() for w in _WORD.findall(text)]
    for i, word in enumerate(words):
        if word in DIGIT_WORDS and (word not in ("oh", "o") or (i and words[i - 1] in DIGIT_WORDS)):
            count += 1
        elif word in {"double", "triple"}:
            count += 1 if word == "double" else 2
    return count


def _extract(info: SlotInfo, text: str, ctx: ExtractContext) -> Extraction | None:
    for extractor in info.extractors:
        found = extractor.extract(text, ctx)
        if found is not None and (found.ok or found.problem or found.candidates):
            return found
    return None


def answer_status(flow: CompiledFlow, ctx: Context, partial_text: str) -> AnswerStatus:
    """Whether `partial_text` (the caller's words so far, an STT transcript) completely
    answers what the conversation is expecting. Never raises on any text."""
    text = partial_text.strip()
    if not text or ctx.ended:
        return AnswerStatus.NORMAL
    if _DANGLING.search(text):
        return AnswerStatus.INCOMPLETE
    expecting = ctx.expecting
    if expecting == "confirmation":
        yes = _yes_no(flow, ctx, text)
        # "yes" ends it; "no" is usually followed by the change ("no, 4pm")
        return AnswerStatus.COMPLETE if yes is True else AnswerStatus.NORMAL
    info = flow.slots.get(expecting or "")
    if info is None:
        return AnswerStatus.NORMAL
    ex_ctx = ExtractContext(
        now=ctx.now, region=flow.region, hours=flow.hours, expected=True, options=info.options
    )
    found = _extract(info, text, ex_ctx)
    digits = _digit_count(text)
    too_short = 0 < digits < _PHONE_DIGITS or (
        found is not None and found.problem == "phone_too_short"
    )
    if "phone" in info.types and (found is None or not found.ok) and too_short:
        return AnswerStatus.INCOMPLETE
    if found is None or found.negated:
        return AnswerStatus.NORMAL
    if found.ok:
        if "phone" in info.types and _TRAILING_COMMA.search(text) and digits < 11:
            return AnswerStatus.NORMAL  # "…4567," — maybe an extension or a correction
        return AnswerStatus.COMPLETE
    return AnswerStatus.NORMAL  # ambiguous ("at 2") or refused: the engine will ask


def _yes_no(flow: CompiledFlow, ctx: Context, text: str) -> bool | None:
    from flowagent.slots import get_extractor

    found = get_extractor("yesno").extract(
        text, ExtractContext(now=ctx.now, region=flow.region, expected=True)
    )
    return found.value if found is not None and isinstance(found.value, bool) else None

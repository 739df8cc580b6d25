"""Corrections: the words callers use to change what they said — "actually…", "no, I
said…", "make that…", "change it to…", "I meant…", "not Tuesday, Wednesday", "sorry, …".
A correction lets a new value replace one already filled (see `slotfill`); the value after
the cue wins because extractors prefer the last mention that is not denied."""

from __future__ import annotations

import re

_CUES = re.compile(
    r"\b(?:actually|make\s+(?:that|it)|change\s+(?:that|it)\s+to|switch\s+(?:that|it)\s+to|"
    r"i\s+said|i\s+meant|i\s+mean|no\s+wait|wait\s+no|sorry|instead|rather|correction|"
    r"scratch\s+that|let'?s\s+(?:do|say|make\s+it)|never\s*mind\s+(?:that|what\s+i\s+said)|"
    r"forget\s+(?:that|what\s+i\s+said))\b|\bnot\s+\w+\s*,",
    re.I,
)
_LEADING_NO = re.compile(r"^\s*(?:no|nope|nah)\b[\s,.!-]+\S", re.I)


def is_correction(text: str) -> bool:
    """Whether the utterance corrects something said before."""
    return bool(_CUES.search(text) or _LEADING_NO.search(text))

"""Reading the answer to a clarification question about a date or a time.

The engine asked "did you mean Tuesday, November 24th or Tuesday, December 1st?" (or "2 AM
or 2 PM?") and passes the candidates back in `options["clarify"]`. The answer may name one
of them outright (then the grammar reads it as usual), or point at one: "the first one",
"the later one", "this one", "next week", "in the afternoon".
"""

from __future__ import annotations

import re
from datetime import date

from flowagent.slots.base import Extraction

# Pointing words stand alone ("the first one", "the second, please"), so "first thing" or
# "last name" never point. Parts of the day only choose between *times*: "in the afternoon"
# says nothing about which of two dates.
_POINT_END = r"(?:\s+(?:one|option))?(?=\s*(?:[,.!?;]|$|please\b|thanks?\b))"
_EARLIER = re.compile(
    rf"\b(?:(?:the\s+)?(?:first|earlier|earliest|former){_POINT_END}|sooner|soonest"
    r"|this\s+(?:one|week|coming))\b",
    re.I,
)
_LATER = re.compile(
    rf"\b(?:(?:the\s+)?(?:second|later|latest|last|latter|other){_POINT_END}"
    r"|next\s+(?:one|week)|after\s+that)\b",
    re.I,
)
_MORNING = re.compile(r"\b(?:morning|a\.?\s?m\.?|early)\b", re.I)
_AFTERNOON = re.compile(r"\b(?:p\.?\s?m\.?|afternoon|evening|night|tonight)\b", re.I)
_CLOCK = re.compile(r"^\d\d:\d\d$")


def pick(text: str, candidates: tuple[str, ...]) -> str | None:
    """The candidate an answer points at, or None when it points at neither or both."""
    if len(candidates) < 2:
        return None
    earlier, later = bool(_EARLIER.search(text)), bool(_LATER.search(text))
    if all(_CLOCK.match(str(c)) for c in candidates):
        earlier = earlier or bool(_MORNING.search(text))
        later = later or bool(_AFTERNOON.search(text))
    if earlier == later:
        return None
    ordered = sorted(candidates)
    return ordered[0] if earlier else ordered[-1]


def _same_weekday(value: str, candidates: tuple[str, ...]) -> str | None:
    """ "the Thursday" answering "Thursday, December 3rd or Friday, December 4th?" reads as
    this week's Thursday; the candidate on that weekday is the one meant."""
    try:
        wanted = date.fromisoformat(value[:10]).weekday()
        same = [c for c in candidates if date.fromisoformat(c[:10]).weekday() == wanted]
    except ValueError:
        return None
    return same[0] if len(same) == 1 else None


def resolve(found: list[Extraction], text: str, candidates: tuple[str, ...]) -> list[Extraction]:
    """Apply a pending clarification to what the grammar read from the answer."""
    out: list[Extraction] = []
    for ex in found:
        chosen: str | None = None
        if ex.value is None and ex.candidates:
            common = tuple(str(c) for c in ex.candidates if str(c) in candidates)
            chosen = common[0] if len(common) == 1 else pick(text, common)
        elif isinstance(ex.value, str) and ex.value not in candidates:
            chosen = _same_weekday(ex.value, candidates)
        out.append(ex if chosen is None else Extraction(chosen, ex.start, ex.end, rule="clarified"))
    if not out:
        chosen = pick(text, candidates)
        if chosen is not None:
            out.append(Extraction(chosen, 0, len(text), rule="clarified"))
    return out

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

_EARLIER = re.compile(
    r"\b(?:first|earlier|earliest|sooner|soonest|this\s+(?:one|week|coming)|the\s+(?:first|former)"
    r"|morning|a\.?\s?m\.?|early)\b",
    re.I,
)
_LATER = re.compile(
    r"\b(?:second|later|latest|last|next\s+(?:one|week)|the\s+(?:second|latter|other)"
    r"|p\.?\s?m\.?|afternoon|evening|night|after\s+that)\b",
    re.I,
)


def pick(text: str, candidates: tuple[str, ...]) -> str | None:
    """The candidate an answer points at, or None when it points at neither or both."""
    earlier, later = bool(_EARLIER.search(text)), bool(_LATER.search(text))
    if earlier == later or len(candidates) < 2:
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

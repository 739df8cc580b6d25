"""Spelled input: letter by letter ("M A R I A", "m-a-r-i-a", "J. O. E.") and spell-by-word
("P as in Peter", "P for Peter", "P like Peter")."""

from __future__ import annotations

import re

# "P as in Peter" / "P for Peter" / "P like Peter": a letter, a cue, a word starting with it.
_SPELL_BY_WORD = re.compile(r"\b([A-Za-z])\s+(?:as\s+in|for|like)\s+([A-Za-z]+)\b", re.I)
# Three or more single letters in a row, separated by spaces, dashes, dots or commas.
_LETTERS = re.compile(r"(?<![A-Za-z'])(?:[A-Za-z][\s.,-]+){2,}[A-Za-z](?![A-Za-z'])")


def spelled(text: str) -> tuple[str, int, int] | None:
    """The word spelled out in `text`, lower-case, with its span; None if nothing is spelled."""
    by_word = [
        m for m in _SPELL_BY_WORD.finditer(text) if m.group(2)[0].lower() == m.group(1).lower()
    ]
    if len(by_word) >= 2:
        letters = "".join(m.group(1).lower() for m in by_word)
        return letters, by_word[0].start(), by_word[-1].end()
    m = _LETTERS.search(text)
    if m:
        letters = re.sub(r"[^A-Za-z]", "", m.group(0)).lower()
        return letters, m.start(), m.end()
    return None

"""Invisible characters out of text, by Unicode category: what no one can hear or see never
reaches a slot, a log line or a reply.

- **Removed** (joined up, as if never typed): format characters (`Cf`: bidi overrides and
  isolates, the soft hyphen, zero-width joiners, invisible operators, tag characters,
  interlinear annotation marks), private-use characters (`Co`), lone surrogates (`Cs`, which
  UTF-8 cannot encode, so no store could save them), and the few *default-ignorable*
  characters that are not `Cf` (see `_IGNORABLE`).
- **Turned into a space**: control characters (`Cc`: tab, newline, NUL, ESC, C1 controls), line
  and paragraph separators (`Zl`, `Zp`), and two characters that stand for a blank:
  U+200B ZERO WIDTH SPACE (it marks a word boundary) and U+2800 BRAILLE PATTERN BLANK (a
  symbol that looks like a space).

Categories are read from Python's own `unicodedata`, so a character Unicode adds to `Cf` is
covered with the Python that knows it. The only code points listed are the exceptions above.
"""

from __future__ import annotations

import re
import unicodedata

#: Categories removed outright.
REMOVED_CATEGORIES = frozenset({"Cf", "Co", "Cs"})
#: Categories that become a space.
BLANK_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
#: Exceptions that become a space although their category says otherwise (U+200B is Cf).
BLANK_CHARACTERS = frozenset({"\u200b", "\u2800"})
#: Default_Ignorable_Code_Point characters (Unicode's DerivedCoreProperties.txt) whose
#: category is not `Cf`/`Cn`: invisible by design, shown by no font. (code point ranges)
_IGNORABLE = (
    (0x034F, 0x034F),  # COMBINING GRAPHEME JOINER (Mn)
    (0x115F, 0x1160),  # HANGUL CHOSEONG / JUNGSEONG FILLER (Lo)
    (0x17B4, 0x17B5),  # KHMER VOWEL INHERENT AQ / AA (Mn)
    (0x180B, 0x180D),  # MONGOLIAN FREE VARIATION SELECTOR ONE..THREE (Mn)
    (0x180F, 0x180F),  # MONGOLIAN FREE VARIATION SELECTOR FOUR (Mn)
    (0x3164, 0x3164),  # HANGUL FILLER (Lo)
    (0xFE00, 0xFE0F),  # VARIATION SELECTOR-1..16 (Mn)
    (0xFFA0, 0xFFA0),  # HALFWIDTH HANGUL FILLER (Lo)
    (0xE0100, 0xE01EF),  # VARIATION SELECTOR-17..256 (Mn)
)
# ASCII text can only hold control characters; the rest is looked at character by character.
_ASCII_CONTROL = re.compile("[\x00-\x1f\x7f]")
_NON_ASCII = re.compile("[^\x00-\x7f]+")


def is_ignorable(ch: str) -> bool:
    """True for a default-ignorable character outside `Cf` (see `_IGNORABLE`)."""
    cp = ord(ch)
    return any(low <= cp <= high for low, high in _IGNORABLE)


def _clean_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category in BLANK_CATEGORIES or ch in BLANK_CHARACTERS:
        return " "
    if category in REMOVED_CATEGORIES or is_ignorable(ch):
        return ""
    return ch


def _clean_run(m: re.Match[str]) -> str:
    return "".join(map(_clean_char, m.group(0)))


def strip_invisible(text: str) -> str:
    """`text` without invisible characters (see the module docstring); the length may change.
    Linear: ASCII is checked by one regular expression, other runs character by character."""
    text = _ASCII_CONTROL.sub(" ", text)
    if text.isascii():
        return text
    return _NON_ASCII.sub(_clean_run, text)

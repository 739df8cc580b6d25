"""Spoken-form normalisation shared by the extractors: number words, spoken digit strings,
ordinals. STT engines write what they hear — "five five five", "oh", "double five",
"twenty three", "thirty first" — and these helpers turn it into digits, keeping track of the
original character spans."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

UNITS = {
    "zero": 0,
    "oh": 0,
    "o": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
}
DIGIT_WORDS = {k: v for k, v in UNITS.items() if v < 10}
MULTIPLIERS = {"double": 2, "triple": 3}

TOKEN = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|\d+|[^\sA-Za-z\d]")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(text)]


def number_from_words(words: list[str]) -> int | None:
    """'twenty three' → 23, 'one hundred and five' → 105, 'a hundred' → 100; else None."""
    if not words:
        return None
    total = current = 0
    seen = False
    for i, w in enumerate(words):
        if w == "a" and i == 0 and len(words) > 1:
            current = 1  # "a hundred", "a thousand"
            continue
        if w == "and" and seen:
            continue
        if w in UNITS:
            current += UNITS[w]
        elif w in TENS:
            current += TENS[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def ordinal_from_words(words: list[str]) -> int | None:
    """'third' → 3, 'twenty first' → 21, 'thirtieth' → 30."""
    if not words:
        return None
    last = words[-1]
    if last not in ORDINALS:
        return None
    base = ORDINALS[last]
    if len(words) == 1:
        return base
    if len(words) == 2 and words[0] in TENS and base < 10:
        return TENS[words[0]] + base
    return None


@dataclass(frozen=True, slots=True)
class DigitRun:
    """A run of digits found in speech or text, with its span in the original text."""

    digits: str
    start: int
    end: int
    plus: bool = False  # an international "+" or "plus" came first
    groups: tuple[tuple[int, int, int], ...] = ()  # (digit offset, start, end) per token

    def suffixes(self, max_digits: int | None = None) -> list[DigitRun]:
        """The run without its leading groups: "at 2, 555 123 4567" → "5551234567"; only
        those of at most `max_digits` digits when it is given (found by bisection, so a run of
        thousands of groups costs no more than a short one)."""
        groups = self.groups[1:]
        if max_digits is not None:
            first = bisect.bisect_left(groups, len(self.digits) - max_digits, key=lambda g: g[0])
            groups = groups[first:]
        return [
            DigitRun(self.digits[offset:], start, self.end, False, ())
            for offset, start, _ in groups
        ]


_SEPARATORS = {"-", ".", ",", "(", ")", "/"}
# Words callers put between digit groups: "area code four one five, then five five five…",
# "773 uh 555 0142".
_CONNECTORS = {"then", "and", "uh", "um", "er", "erm"}


def _is_digit(tok: Token) -> bool:
    return tok.low in DIGIT_WORDS or tok.text.isdigit() or tok.low in _PAIR_WORDS


# Digits said in pairs, as people read numbers ("four fifteen" = 4 1 5, "seven seventy three"
# = 7 7 3, "twelve hundred" = 1 2 0 0): teens and tens, read inside a run of digits.
_TEENS = {k: v for k, v in UNITS.items() if 10 <= v <= 19}
_PAIR_WORDS = {**_TEENS, **TENS}


def _pair(tokens: list[Token], j: int) -> tuple[str, int] | None:
    """The digits of a two-digit word at `j` ("fifteen" → "15", "seventy three" → "73",
    "twenty" → "20") and how many tokens it used."""
    low = tokens[j].low
    if low in _TEENS:
        return str(_TEENS[low]), 1
    if low in TENS:
        nxt = tokens[j + 1].low if j + 1 < len(tokens) else ""
        if nxt in DIGIT_WORDS and DIGIT_WORDS[nxt] > 0 and nxt not in ("o", "oh"):
            return str(TENS[low] + DIGIT_WORDS[nxt]), 2
        return str(TENS[low]), 1
    return None


def digit_runs(text: str) -> list[DigitRun]:
    """Maximal runs of digits, spoken or written, in any grouping: "555-123-4567",
    "(555) 123 4567", "5.5.5.1.2", "five five five, one two three", "oh", "double five",
    "one eight hundred…". Colons never join (that's a time); a run may mix words and digits."""
    tokens = tokenize(text)
    runs: list[DigitRun] = []
    i = 0
    while i < len(tokens):
        digits = ""
        start = end = -1
        plus = False
        j = i
        pending_mult = 1
        groups: list[tuple[int, int, int]] = []
        while j < len(tokens):
            tok = tokens[j]
            low = tok.low
            before = len(digits)
            if tok.text.isdigit():
                digits += (
                    tok.text * pending_mult if pending_mult > 1 and len(tok.text) == 1 else tok.text
                )
                pending_mult = 1
            elif low in DIGIT_WORDS and (
                low not in ("o", "oh")
                or digits
                # a leading "oh" said straight into digits ("oh one two three") is a zero;
                # "oh, five five five" is a sigh
                or (
                    j + 1 < len(tokens)
                    and _is_digit(tokens[j + 1])
                    and tokens[j + 1].start == tok.end + 1
                )
            ):
                digits += str(DIGIT_WORDS[low]) * pending_mult
                pending_mult = 1
            elif low in _PAIR_WORDS and (
                digits or (j + 1 < len(tokens) and _is_digit(tokens[j + 1]))
            ):
                pair = _pair(tokens, j)
                assert pair is not None
                digits += pair[0]
                pending_mult = 1
                if pair[1] == 2:
                    j += 1
                    tok = Token(tok.text, tok.start, tokens[j].end)
            elif (
                low in MULTIPLIERS
                and j + 1 < len(tokens)
                and (
                    tokens[j + 1].low in DIGIT_WORDS
                    or (tokens[j + 1].text.isdigit() and len(tokens[j + 1].text) == 1)
                )
            ):
                pending_mult = MULTIPLIERS[low]
                if start < 0:
                    start = tok.start
                j += 1
                continue
            elif (tok.text == "+" or low == "plus") and not digits:
                plus = True
                start = tok.start
                j += 1
                continue
            elif (
                (tok.text in _SEPARATORS or low in _CONNECTORS)
                and digits
                and j + 1 < len(tokens)
                and (tok.text in _SEPARATORS or _is_digit(tokens[j + 1]))
            ):
                j += 1
                continue
            else:
                break
            if start < 0:
                start = tok.start
            groups.append((before, tok.start, tok.end))
            end = tok.end
            j += 1
            if (
                j < len(tokens)
                and tokens[j].low == "hundred"
                and len(digits) - before == 1
                and digits[-1] != "0"
            ):
                digits += "00"  # "one eight hundred…": a toll-free prefix said as a number
                end = tokens[j].end
                j += 1
        if digits:
            runs.append(DigitRun(digits, start, end, plus, tuple(groups)))
            i = j
        else:
            i += 1
    return runs

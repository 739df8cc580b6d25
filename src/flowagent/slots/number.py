"""Numbers in digits or words: "4", "party of six", "twenty five", "a hundred", "3.5",
"1,200", "two and a half", years in pairs ("twenty nineteen", "nineteen ninety five").
Options `min`/`max` are validation (rule `range`), not extraction."""

from __future__ import annotations

import re

from flowagent.slots.base import MAX_NUMBER, ExtractContext, Extraction, Extractor
from flowagent.slots.registry import register
from flowagent.slots.spoken import TENS, UNITS, number_from_words

_NUMBER_WORDS = {*UNITS, *TENS, "hundred", "thousand", "and", "a"} - {"o", "oh"}
_DIGITS = re.compile(
    r"(?<![\d.:/,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d:/]|,\d|\s*(?:am|pm|a\.m|p\.m)\b)",
    re.I,
)
_WORD = re.compile(r"[A-Za-z]+")
_AND_A_HALF = re.compile(r"\s+and\s+a\s+half\b", re.I)
_EXTRA = {"dozen": 12, "couple": 2, "pair": 2}
_MAX_RUN = 16
# Digits before the decimal point a number within MAX_NUMBER can have: longer runs are never
# converted (int() of thousands of digits is slow, and past 4,300 it raises).
_MAX_DIGITS = len(str(MAX_NUMBER))


def _year(words: list[str]) -> int | None:
    """A year read in pairs, as people say it: "nineteen ninety five" → 1995, "twenty
    nineteen" → 2019, "twenty twenty five" → 2025, "twenty oh five" → 2005 (not the sum
    `number_from_words` would give: 39, 45, 25)."""
    if len(words) < 2 or words[0] not in ("nineteen", "twenty"):
        return None
    head = 19 if words[0] == "nineteen" else 20
    rest = words[1:]
    if rest[0] in ("oh", "o") and len(rest) == 2 and rest[1] in UNITS and UNITS[rest[1]] < 10:
        return head * 100 + UNITS[rest[1]]
    if rest[0] not in TENS and not (rest[0] in UNITS and UNITS[rest[0]] >= 10):
        return None  # "twenty two" is 22
    tail = number_from_words(rest)
    return head * 100 + tail if tail is not None and 10 <= tail <= 99 else None


@register("number")
class NumberExtractor(Extractor):
    """Finds numbers; see the module docstring."""

    priority = 40

    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        out: list[Extraction] = []
        for m in _DIGITS.finditer(text):
            raw = m.group(0).replace(",", "")  # "1,200"
            if len(raw.partition(".")[0].lstrip("0")) > _MAX_DIGITS:
                continue  # "9" * 309 + ".5" is float('inf'): no number anyone says
            value: int | float = float(raw) if "." in raw else int(raw)
            half = _AND_A_HALF.match(text, m.end())
            out.append(Extraction(value + 0.5 if half else value, m.start(), (half or m).end()))
        words = list(_WORD.finditer(text))
        i = 0
        while i < len(words):
            low = words[i].group(0).lower()
            if low in _EXTRA and ctx.expected:
                out.append(Extraction(_EXTRA[low], words[i].start(), words[i].end()))
                i += 1
                continue
            j = i
            # A spoken number is a few words ("nine hundred and ninety nine thousand ...");
            # capping the run keeps a long run of "a a a …" linear, not quadratic.
            while (
                j < len(words)
                and j - i < _MAX_RUN
                and (
                    words[j].group(0).lower() in _NUMBER_WORDS
                    # "twenty oh five": the "oh" of a year read in pairs
                    or (
                        j == i + 1
                        and low in ("nineteen", "twenty")
                        and words[j].group(0).lower() == "oh"
                    )
                )
            ):
                j += 1
            run = [w.group(0).lower() for w in words[i:j]]
            while run and run[-1] in ("and", "a"):
                run.pop()
                j -= 1
            parsed = _year(run) if run else None
            if parsed is None and run:
                parsed = number_from_words(run)
            if parsed is not None and not (run == ["a"] or (run == ["one"] and not ctx.expected)):
                end = words[j - 1].end()
                value = parsed
                half = _AND_A_HALF.match(text, end)
                if half:  # "two and a half"
                    value, end = parsed + 0.5, half.end()
                    j += 3
                out.append(Extraction(value, words[i].start(), end))
                i = j
            else:
                i += 1
        return out

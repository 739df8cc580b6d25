"""Times of day as callers say them and STT writes them.

"2pm", "2:45 pm", "14:30", "noon", "two thirty in the afternoon", "quarter past three",
"half past four", "ten to five", "ten in the morning", "3 o'clock", "at 9", and STT forms
"2.30", "245pm", "2 p.m.", "At 10 30.", "like 130". As the answer to "what time?", a lone
hour counts too ("can we do 2", "morning, like 10"); unasked, a number needs a cue ("at 3").
An hour without AM/PM ("at 3") is read inside the opening hours
when exactly one reading fits (`rule="opening-hours"`); otherwise the extraction carries both
candidates and the engine asks. A clarifying answer ("in the afternoon") picks among the
candidates passed in `options["clarify"]`.
"""

from __future__ import annotations

import re
from datetime import time

from flowagent.slots.base import ExtractContext, Extraction, Extractor
from flowagent.slots.registry import register
from flowagent.slots.spoken import TENS, UNITS, number_from_words

_HOUR_WORDS = {k: v for k, v in UNITS.items() if 1 <= v <= 12}
_MINUTE_WORDS = {
    **{k: v for k, v in UNITS.items() if 1 <= v <= 19 and k not in ("o", "oh")},
    **TENS,
}
_H = r"(?P<h>\d{1,2}|" + "|".join(sorted(_HOUR_WORDS, key=len, reverse=True)) + ")"
_MW = "|".join(sorted((k for k in _MINUTE_WORDS), key=len, reverse=True))
_M_WORDS = (
    rf"(?P<mw>(?:oh\s+|o\s+)?(?:{_MW})"
    r"(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|hundred)"
)
_MERIDIEM = (
    r"(?P<mer>a\.?\s?m\.?|p\.?\s?m\.?|in\s+the\s+morning|in\s+the\s+afternoon|in\s+the\s+evening"
    r"|at\s+night|tonight|this\s+morning|this\s+afternoon|this\s+evening|morning|afternoon|evening)"
)
_REL = (
    r"(?P<rel>quarter|half|ten|five|twenty|twenty[\s-]five|\d{1,2})\s+"
    r"(?P<dir>past|after|to|till|before)\s+"
)

# Words that make the number after them a time even outside an answer about time.
_AT = r"(?P<at>(?:at|around|by|after|before|from|until|till)\s+|@\s*)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("named", re.compile(r"\b(?P<name>noon|midday|midnight|lunch\s*time)\b", re.I)),
    ("relative", re.compile(rf"\b{_REL}{_H}(?:\s*{_MERIDIEM})?\b", re.I)),
    (
        "hhmm",
        re.compile(
            rf"\b{_AT}?(?P<h>\d{{1,2}})\s*[:.]\s*(?P<m>\d{{2}})(?:\s*{_MERIDIEM})?(?!\s*[.:]?\d)",
            re.I,
        ),
    ),
    ("packed", re.compile(rf"\b(?P<at>at\s+)?(?P<hm>\d{{3,4}})\s*{_MERIDIEM}", re.I)),
    # "1430" / "930" alone as the answer to "what time?" (STT writes spoken times this way)
    ("military", re.compile(r"^\s*(?:at\s+)?(?P<hm>\d{3,4})\s*[.!?]?\s*$", re.I)),
    ("military", re.compile(rf"\b{_AT}(?P<hm>\d{{3,4}})\b(?!\s*[-.,]?\s*\d)", re.I)),
    (
        "spaced",
        re.compile(rf"\b(?P<at>at\s+)?(?P<h>\d{{1,2}})\s+(?P<m>[0-5]\d)\s*{_MERIDIEM}", re.I),
    ),
    # "At 10 30." / "2 30": STT writes a spoken "ten thirty" as two numbers. Not inside a
    # longer digit run (that is a phone number).
    (
        "spaced",
        re.compile(
            rf"(?<![\d,.-])(?<!\d\s)\b{_AT}?(?P<h>\d{{1,2}})\s+(?P<m>[0-5]\d)\b(?!\s*[-.,]?\s*\d)",
            re.I,
        ),
    ),
    (
        "words",
        re.compile(rf"\b{_AT}?{_H}[\s-]+{_M_WORDS}(?:\s+{_MERIDIEM})?\b", re.I),
    ),
    (
        "hour",
        re.compile(
            rf"\b(?P<at>(?:at|around|by|after|before|from|until|till|for)\s+)?{_H}(?P<oclock>\s*o'?\s?clock)?(?:\s*{_MERIDIEM})?(?![\d:/])\b",
            re.I,
        ),
    ),
]
_PM = re.compile(r"p|afternoon|evening|night|tonight", re.I)
_TODAY_PART = re.compile(r"this\s|tonight", re.I)
# A lone hour in an answer to "what time?" ("can we do 2", "Uh, 11.", "morning, like 10"),
# or hour and minutes as STT writes "one thirty" ("like 130", "1030", "1-30"); not a
# count of something ("2 people", "in 5 minutes") nor part of a number or a date.
_BARE_HOUR = re.compile(
    r"(?<![\w:./$-])(?:(?P<hm>\d{3,4}|\d{1,2}-[0-5]\d)|(?P<h>\d{1,2}|one|two|three|four|five|six|seven|eight|nine"
    r"|ten|eleven|twelve))"
    r"(?:\s*-?\s*ish)?(?![\w:/%$-]|[.,]\d|\s+(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?"
    r"|years?|people|persons?|of\s+(?:us|them)|dollars?|bucks|percent|kids|children|adults|guests"
    r"|st|nd|rd|th)\b)",
    re.I,
)
_DAYPART = re.compile(
    r"\b(?:in\s+the\s+)?(?P<mer>morning|afternoon|evening|tonight|a\.?\s?m\.?|p\.?\s?m\.?)(?!\w)",
    re.I,
)


def _hour(text: str) -> int | None:
    low = text.lower()
    if low.isdigit():
        return int(low)
    return _HOUR_WORDS.get(low)


def _minutes(words: str) -> int | None:
    low = re.sub(r"^(?:oh|o)\s+", "", words.lower().replace("-", " ")).split()
    if low == ["hundred"]:
        return 0
    total = number_from_words(low)
    return total if total is not None and total < 60 else None


def _clock(h: int, m: int) -> str:
    return f"{h:02d}:{m:02d}"


@register("time")
class TimeExtractor(Extractor):
    """Finds times of day; see the module docstring."""

    # Above date (70): a time reads day parts that also name a date ("7:30 tonight",
    # "10 this morning") before the date extractor's span masks them; it leaves those words
    # unmasked (see `_settle`), so the date still finds them.
    priority = 72

    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        out: list[Extraction] = []
        taken = bytearray(len(text))  # characters an earlier pattern's match used
        for kind, pattern in _PATTERNS:
            for m in pattern.finditer(text):
                if any(taken[m.start() : m.end()]):
                    continue
                found = self._read(kind, m, ctx)
                if found is not None:
                    taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
                    out.append(found)
        if not out and ctx.expected:
            out.extend(self._bare_hour(text, ctx))
        clarify = ctx.options.get("clarify")
        if clarify:
            out = [self._clarified(e, tuple(str(c) for c in clarify)) for e in out]
            if not out:
                picked = self._pick(text, tuple(str(c) for c in clarify))
                if picked is not None:
                    out.append(Extraction(picked, 0, len(text), rule="clarified"))
        return out

    def _read(self, kind: str, m: re.Match[str], ctx: ExtractContext) -> Extraction | None:
        g = m.groupdict()
        mer = (g.get("mer") or "").lower()
        if kind == "named":
            name = g["name"].lower()
            return Extraction("00:00" if name == "midnight" else "12:00", m.start(), m.end())
        if kind == "relative":
            h = _hour(g["h"])
            if h is None or h > 12:
                return None
            rel = re.sub(r"\s+", " ", g["rel"].lower().replace("-", " "))
            named = {
                "quarter": 15,
                "half": 30,
                "ten": 10,
                "five": 5,
                "twenty": 20,
                "twenty five": 25,
            }
            minutes = int(rel) if rel.isdigit() else named[rel]
            if not 0 < minutes < 60:
                return None
            if g["dir"].lower() in ("to", "till", "before"):
                h, minute = (h - 1) % 12 or 12, 60 - minutes
            else:
                minute = minutes
            return self._settle(h, minute, mer, m, ctx, strong=True)
        if kind in ("packed", "military"):
            if kind == "military" and not (ctx.expected or mer):
                return None
            hm = g["hm"]
            h, minute = int(hm[:-2]), int(hm[-2:])
            if minute >= 60 or h > 23:
                return None
            return self._settle(h, minute, mer, m, ctx, strong=True)
        if kind in ("hhmm", "spaced"):
            h, minute = int(g["h"]), int(g["m"])
            if minute >= 60 or h > 23:
                return None
            if not (":" in m.group(0) or mer or g.get("at") or ctx.expected):
                return None  # "2.30" or "2 30" outside an answer about time: a price, a count
            return self._settle(h, minute, mer, m, ctx, strong=True)
        if kind == "words":
            hr, mins = _hour(g["h"]), _minutes(g["mw"])
            if hr is None or mins is None or hr > 23:
                return None
            if not (mer or g.get("at") or ctx.expected or not g["h"].isdigit()):
                return None
            return self._settle(
                hr, mins, mer, m, ctx, strong=bool(mer or g.get("at") or ctx.expected)
            )
        if kind == "hour":
            h = _hour(g["h"])
            if h is None or h > 23:
                return None
            cue = bool(
                mer
                or g.get("oclock")
                or (g.get("at") and g["at"].strip().lower() in ("at", "around", "by"))
            )
            if not cue and not (
                ctx.expected and g["h"].isdigit() and len(m.group(0).strip()) == len(g["h"])
            ):
                return None  # a bare number is a time only as a direct answer
            if not cue and ctx.expected and m.string.strip() != m.group(0).strip():
                return None
            return self._settle(h, 0, mer, m, ctx, strong=True)
        return None

    def _bare_hour(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        """The single lone hour of an answer to "what time?", with any day part said
        elsewhere in it ("morning, like 10"). Two numbers are too unclear to guess from."""
        hours = list(_BARE_HOUR.finditer(text))
        if len(hours) != 1:
            return []
        m = hours[0]
        minute = 0
        if m.group("hm"):
            digits = m.group("hm").replace("-", "")
            h, minute = int(digits[:-2]), int(digits[-2:])
            if minute >= 60 or h > 23:
                return []
        elif m.group("h").lower() == "one" and text.strip(" .,!?").lower() != "one":
            return []  # "the earlier one": a pronoun, not 1 o'clock
        else:
            h = _hour(m.group("h")) or 0
            if not 1 <= h <= 12:
                return []
        part = _DAYPART.search(text)
        mer = part.group("mer").lower() if part else ""
        found = self._settle(h, minute, mer, m, ctx, strong=True)
        return [found] if found is not None else []

    def _settle(
        self, h: int, minute: int, mer: str, m: re.Match[str], ctx: ExtractContext, strong: bool
    ) -> Extraction | None:
        if not strong:
            return None
        end = m.end()
        if mer and _TODAY_PART.match(mer) and "mer" in m.re.groupindex and m.start("mer") >= 0:
            # "7:30 tonight": the day part also names the date; leave it for the date slot.
            end = len(m.string[: m.start("mer")].rstrip())
        if mer:
            if h > 12:
                return Extraction(_clock(h, minute), m.start(), end) if h < 24 else None
            pm = bool(_PM.search(mer))
            if mer.startswith(("morning", "in the morning", "this morning")) or re.match(r"a", mer):
                pm = False
            hour = (h % 12) + (12 if pm else 0)
            return Extraction(_clock(hour, minute), m.start(), end)
        if h == 0 or h >= 13:
            return Extraction(_clock(h % 24, minute), m.start(), end)
        if h == 12:
            return Extraction(_clock(12, minute), m.start(), end, rule="noon")
        am, pm_ = _clock(h, minute), _clock(h + 12, minute)
        hours = ctx.hours
        if hours is not None:
            fits = [c for c in (am, pm_) if hours.contains(time.fromisoformat(c))]
            if len(fits) == 1:
                return Extraction(fits[0], m.start(), end, rule="opening-hours")
        return Extraction(None, m.start(), end, candidates=(am, pm_))

    def _clarified(self, found: Extraction, candidates: tuple[str, ...]) -> Extraction:
        if found.value is None and found.candidates:
            common = [c for c in found.candidates if c in candidates]
            if len(common) == 1:
                return Extraction(common[0], found.start, found.end, rule="clarified")
        return found

    def _pick(self, text: str, candidates: tuple[str, ...]) -> str | None:
        low = text.lower()
        pm = bool(re.search(r"\b(?:p\.?\s?m|afternoon|evening|night|later)\b", low))
        am = bool(re.search(r"\b(?:a\.?\s?m|morning|early)\b", low))
        if pm == am:
            return None
        ordered = sorted(candidates)
        return ordered[-1] if pm else ordered[0]

"""Dates as callers say them, resolved against `now` and preferring the future.

Understands absolute dates ("December 3rd", "the 3rd of December", "12/9", "2026-12-09",
"the 30th"), relative ones ("today", "tomorrow", "the day after tomorrow", "this Friday",
"next Tuesday", "next week on Tuesday", "a week from today", "in 3 days"), and weekday plus
day ("Wednesday the 2nd"). Each value says which rule settled what the words left open
(`Extraction.rule`): `upcoming-weekday`, `next-week`, `next-year`, `next-month`,
`weekday-date`. dateparser is only consulted for month-name forms these rules do not cover.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from flowagent.slots.base import ExtractContext, Extraction, Extractor
from flowagent.slots.registry import register
from flowagent.slots.spoken import ORDINALS, TENS, UNITS

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WD = (
    r"(?P<wd>mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)"
)
MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# A day of the month: digits with an optional suffix, or an ordinal word ("third", "twenty first").
_ORD_WORDS = "|".join(sorted(ORDINALS, key=len, reverse=True))
_TENS_WORDS = "|".join(TENS)
_UNIT_WORDS = "|".join(k for k in UNITS if k not in ("o", "oh", "zero"))
_DAY = (
    rf"(?P<day>\d{{1,2}}(?:st|nd|rd|th)?|(?:(?:twenty|thirty)[\s-])?(?:{_ORD_WORDS})"
    rf"|(?:{_TENS_WORDS})(?:[\s-](?:{_UNIT_WORDS}))?|{_UNIT_WORDS})"
)
_YEAR = r"(?:,?\s+(?P<year>20\d\d))?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<y>20\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")),
    ("numeric", re.compile(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{2}|\d{4}))?\b")),
    ("month_day", re.compile(rf"\b{_MONTH}\s+(?:the\s+)?{_DAY}{_YEAR}\b", re.I)),
    ("day_of_month", re.compile(rf"\b(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}\b", re.I)),
    (
        "weekday_the_day",
        re.compile(rf"\b{_WD}\s+(?:the\s+)?{_DAY}\b(?!\s*(?:am|pm|a\.m|p\.m|o'?clock|:))", re.I),
    ),
    (
        "week_from",
        re.compile(
            r"\b(?P<n>a|one|two|three|four|five|six|seven|ten|\d{1,2})\s+(?P<unit>days?|weeks?)"
            r"\s+from\s+(?P<base>today|now|tomorrow)\b",
            re.I,
        ),
    ),
    (
        "holiday",
        re.compile(
            r"\b(?P<hol>thanksgiving|christmas\s+eve|christmas(?:\s+day)?|new\s+year'?s\s+eve"
            r"|new\s+year'?s(?:\s+day)?|halloween|valentine'?s(?:\s+day)?|independence\s+day"
            r"|the\s+fourth\s+of\s+july|july\s+4th)\b",
            re.I,
        ),
    ),
    ("numeric_dash", re.compile(r"(?<![\d-])(?P<a>\d{1,2})-(?P<b>\d{1,2})(?![\d-])")),
    (
        "in_days",
        re.compile(
            r"\bin\s+(?P<n>\d{1,2}|a|one|two|three|four|five|six|seven|ten|fourteen)\s+(?P<unit>days?|weeks?)\b",
            re.I,
        ),
    ),
    (
        "relative_days",
        re.compile(
            r"\b(?P<rel>the\s+day\s+after\s+tomorrow|day\s+after\s+tomorrow|today|tonight|tomorrow|tmrw|yesterday)\b",
            re.I,
        ),
    ),
    ("next_week_on", re.compile(rf"\bnext\s+week\s+(?:on\s+)?{_WD}\b", re.I)),
    (
        "weekday",
        re.compile(rf"\b(?P<mod>this\s+(?:coming\s+)?|next\s+|coming\s+|on\s+)?{_WD}\b", re.I),
    ),
    (
        "the_day",
        re.compile(
            rf"\b(?P<on>on\s+)?the\s+{_DAY}\b(?!\s+(?:of\s+)?{_MONTH})(?!\s*(?:am|pm|a\.m|p\.m|o'?clock|:|\d))",
            re.I,
        ),
    ),
]


def _holiday(name: str, today: date) -> date | None:
    """The next occurrence (today included) of a US holiday callers name."""

    def on(year: int) -> date | None:
        if name.startswith("thanksgiving"):
            first = date(year, 11, 1)
            return first + timedelta(days=(3 - first.weekday()) % 7 + 21)  # 4th Thursday
        fixed = {
            "christmas eve": (12, 24),
            "christmas": (12, 25),
            "halloween": (10, 31),
            "independence": (7, 4),
            "the fourth of july": (7, 4),
            "july 4th": (7, 4),
            "valentine": (2, 14),
            "new year's eve": (12, 31),
            "new years eve": (12, 31),
            "new year": (1, 1),
        }
        for key, (m, d) in fixed.items():
            if name.startswith(key):
                return date(year, m, d)
        return None

    found = on(today.year)
    if found is not None and found < today:
        found = on(today.year + 1)
    return found


_SMALL = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "ten": 10,
    "fourteen": 14,
}


def _weekday(word: str) -> int:
    return next(i for i, name in enumerate(WEEKDAYS) if name.startswith(word.lower()[:3]))


def _day_number(text: str) -> int | None:
    t = text.lower().replace("-", " ").strip()
    m = re.match(r"(\d{1,2})", t)
    if m:
        return int(m.group(1))
    words = t.split()
    if words[-1] in ORDINALS:
        base = ORDINALS[words[-1]]
        return base + (TENS[words[0]] if len(words) == 2 and words[0] in TENS else 0)
    total = 0
    for w in words:
        if w in TENS:
            total += TENS[w]
        elif w in UNITS:
            total += UNITS[w]
        else:
            return None
    return total or None


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_day(
    today: date, month: int, day: int, year: int | None
) -> tuple[date | None, str | None]:
    if year is not None:
        return _safe(year, month, day), None
    found = _safe(today.year, month, day)
    if found is not None and found < today:
        return _safe(today.year + 1, month, day), "next-year"
    return found, None


@register("date")
class DateExtractor(Extractor):
    """Finds dates; see the module docstring for what it understands."""

    priority = 70

    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        today = ctx.now.date()
        out: list[Extraction] = []
        taken: list[tuple[int, int]] = []

        def free(a: int, b: int) -> bool:
            return all(b <= s or a >= e for s, e in taken)

        for kind, pattern in _PATTERNS:
            for m in pattern.finditer(text):
                if not free(m.start(), m.end()):
                    continue
                found, rule = self._resolve(kind, m, today, ctx)
                if found is None:
                    continue
                taken.append((m.start(), m.end()))
                out.append(Extraction(found.isoformat(), m.start(), m.end(), rule=rule))
        if not out and ctx.expected and re.search(_MONTH, text, re.I):
            out.extend(self._dateparser(text, ctx))
        return out

    def _resolve(
        self, kind: str, m: re.Match[str], today: date, ctx: ExtractContext
    ) -> tuple[date | None, str | None]:
        g = m.groupdict()
        if kind == "iso":
            return _safe(int(g["y"]), int(g["m"]), int(g["d"])), None
        if kind == "numeric":
            a, b = int(g["a"]), int(g["b"])
            month, day = (a, b) if ctx.region.upper() in ("US", "CA", "PH") else (b, a)
            year = g.get("y")
            if year is not None:
                return _safe(int(year) + (2000 if len(year) == 2 else 0), month, day), None
            return _month_day(today, month, day, None)
        if kind in ("month_day", "day_of_month"):
            dom = _day_number(g["day"])
            if dom is None:
                return None, None
            year = int(g["year"]) if g.get("year") else None
            return _month_day(today, MONTHS[g["mon"].lower().rstrip(".")], dom, year)
        if kind == "weekday_the_day":
            dom = _day_number(g["day"])
            if dom is None or dom > 31:
                return None, None
            wanted = _weekday(g["wd"])
            probe = today.replace(day=1)
            for _ in range(14):  # the next month (of 14) in which that day is that weekday
                found = _safe(probe.year, probe.month, dom)
                if found is not None and found >= today and found.weekday() == wanted:
                    return found, "weekday-date"
                probe = (probe + timedelta(days=32)).replace(day=1)
            return None, None
        if kind == "relative_days":
            rel = re.sub(r"\s+", " ", g["rel"].lower())
            offset = {"today": 0, "tonight": 0, "tomorrow": 1, "tmrw": 1, "yesterday": -1}.get(
                rel, 2
            )
            return today + timedelta(days=offset), None
        if kind == "week_from":
            n = _SMALL.get(g["n"].lower()) or int(g["n"])
            base = today + timedelta(days=1 if g["base"].lower() == "tomorrow" else 0)
            unit = timedelta(weeks=1) if g["unit"].lower().startswith("week") else timedelta(days=1)
            return base + n * unit, None
        if kind == "holiday":
            return _holiday(g["hol"].lower(), today), "holiday"
        if kind == "numeric_dash":
            if not ctx.expected:
                return None, None  # "12-9" outside a date answer could be a score or a range
            a, b = int(g["a"]), int(g["b"])
            month, day = (a, b) if ctx.region.upper() in ("US", "CA", "PH") else (b, a)
            return _month_day(today, month, day, None)
        if kind == "in_days":
            n = _SMALL.get(g["n"].lower()) or int(g["n"])
            return today + (
                timedelta(weeks=n) if g["unit"].lower().startswith("week") else timedelta(days=n)
            ), None
        if kind == "next_week_on":
            monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
            return monday + timedelta(days=_weekday(g["wd"])), "next-week"
        if kind == "weekday":
            wanted = _weekday(g["wd"])
            mod = (g.get("mod") or "").strip().lower()
            if g["wd"].lower() in (
                "sat",
                "sun",
                "wed",
                "mon",
                "tue",
                "thu",
                "fri",
                "thur",
                "thurs",
                "tues",
            ) and not (mod or ctx.expected):
                return None, None  # a bare abbreviation is too weak a cue outside an answer
            if mod.startswith("next"):
                monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
                return monday + timedelta(days=wanted), "next-week"
            delta = (wanted - today.weekday()) % 7
            if delta == 0 and not mod.startswith("this"):
                delta = 7  # "Monday" said on a Monday means next Monday
            return today + timedelta(days=delta), "upcoming-weekday"
        if kind == "the_day":
            if not (ctx.expected or g.get("on")):
                return None, None
            dom = _day_number(g["day"])
            if dom is None or not 1 <= dom <= 31:
                return None, None
            found = _safe(today.year, today.month, dom)
            if found is not None and found >= today:
                return found, None
            nxt = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
            return _safe(nxt.year, nxt.month, dom), "next-month"
        return None, None

    def _dateparser(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        """The slow path, for month-name forms the rules above do not cover."""
        from dateparser.search import search_dates

        base = ctx.now.replace(tzinfo=None)
        settings = {
            "RELATIVE_BASE": base,
            "PREFER_DATES_FROM": "future",
            "REQUIRE_PARTS": ["day", "month"],
        }
        found = search_dates(text, languages=["en"], settings=settings)
        out = []
        for phrase, when in found or []:
            start = text.find(phrase)
            if start >= 0:
                out.append(
                    Extraction(
                        when.date().isoformat(), start, start + len(phrase), rule="dateparser"
                    )
                )
        return out

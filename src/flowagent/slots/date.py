"""Dates as callers say them, resolved against `now` and preferring the future.

Understands absolute dates ("December 3rd", "the 3rd of December", "12/9", "2026-12-09",
"the 30th", "Thirtieth."), relative ones ("today", "tomorrow", "the day after tomorrow",
"this Friday", "next Tuesday", "next week on Tuesday", "a week from Friday", "in a couple of
days"), weekday plus day ("Wednesday the 2nd"), "the first Monday in January", and holidays
("the day after Thanksgiving"). Each value says which rule settled what the words left open
(`Extraction.rule`): `upcoming-weekday`, `next-week`, `next-year`, `next-month`,
`weekday-date`, `holiday`, `dateparser`. A month and day that do not exist ("February 30th")
are reported as `problem="date_invalid"` when a date was asked for. dateparser is consulted
only for the few words around a month name these rules could not read (see `_MAYBE_DATE`).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from flowagent.slots.base import ExtractContext, Extraction, Extractor
from flowagent.slots.calendar_rules import (
    MONTHS,
    holiday,
    month_day,
    nth_weekday,
    safe_date,
    upcoming,
    weekday_index,
)
from flowagent.slots.registry import register
from flowagent.slots.spoken import ORDINALS, TENS, UNITS, number_from_words

_WD = (
    r"(?P<wd>mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)"
)
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

_FULL_WD = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_COUNT = (
    r"a\s+couple(?:\s+of)?|couple(?:\s+of)?|a|one|two|three|four|five|six|seven|ten|fourteen"
    r"|\d{1,2}"
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "nth_weekday",
        re.compile(
            rf"\b(?:the\s+)?(?P<nth>first|second|third|fourth|last|1st|2nd|3rd|4th)\s+{_WD}"
            rf"\s+(?:in|of)\s+{_MONTH}",
            re.I,
        ),
    ),
    ("iso", re.compile(r"\b(?P<y>20\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")),
    ("numeric", re.compile(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{2}|\d{4}))?\b")),
    ("month_day", re.compile(rf"\b{_MONTH},?\s+(?:the\s+)?{_DAY}{_YEAR}\b", re.I)),
    (
        "day_of_month",
        re.compile(rf"\b(?:the\s+)?{_DAY}\s+(?:day\s+)?(?:of\s+)?{_MONTH}{_YEAR}\b", re.I),
    ),
    (
        "weekday_the_day",
        re.compile(rf"\b{_WD}\s+(?:the\s+)?{_DAY}\b(?!\s*(?:am|pm|a\.m|p\.m|o'?clock|:))", re.I),
    ),
    (
        "week_from",
        re.compile(
            rf"\b(?P<n>{_COUNT})\s+(?P<unit>days?|weeks?)"
            rf"\s+from\s+(?P<base>today|now|tomorrow|{_FULL_WD})\b",
            re.I,
        ),
    ),
    (
        "holiday",
        re.compile(
            r"\b(?P<shift>(?:the\s+)?day\s+(?:after|before)\s+)?(?P<hol>thanksgiving|christmas\s+eve|christmas(?:\s+day)?|new\s+year'?s\s+eve"
            r"|new\s+year'?s(?:\s+day)?|halloween|valentine'?s(?:\s+day)?|independence\s+day"
            r"|the\s+fourth\s+of\s+july|july\s+4th|st\.?\s+patrick'?s(?:\s+day)?"
            r"|saint\s+patrick'?s(?:\s+day)?|memorial\s+day|labor\s+day"
            r"|veterans'?\s+day)\b",
            re.I,
        ),
    ),
    ("numeric_dash", re.compile(r"(?<![\d-])(?P<a>\d{1,2})-(?P<b>\d{1,2})(?![\d-])")),
    (
        "in_days",
        re.compile(
            rf"\bin\s+(?P<n>{_COUNT})\s+(?P<unit>days?|weeks?)\b",
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
            rf"\b(?P<on>(?:on|for|to|by|until|said|meant|make\s+it|make\s+that)\s+)?the\s+{_DAY}\b(?!\s+(?:day\s+)?(?:of\s+)?{_MONTH})"
            r"(?!\s*(?:am|pm|a\.m|p\.m|o'?clock|:|\d))"
            r"(?!\s+(?:time|floor|one|person|place|option|street|st|avenue|ave|grade|row)\b)",
            re.I,
        ),
    ),
    # "Thirtieth." as the whole answer to "which day?": an ordinal alone, no "the".
    (
        "bare_ordinal",
        re.compile(
            rf"^\W*(?:(?:uh|um|er)\W+)?(?P<day>\d{{1,2}}(?:st|nd|rd|th)"
            rf"|(?:(?:twenty|thirty)[\s-])?(?:{_ORD_WORDS}))\W*$",
            re.I,
        ),
    ),
]


# The slow dateparser path runs only for an answer that names a month (as a whole word, not
# "maybe" or "doctor") within three words of a day number or ordinal: nothing else can be a
# date these rules missed and dateparser finds, and each call costs ~35 ms.
_MONTH_IN = re.compile(_MONTH.replace("(?P<mon>", "(?:"), re.I)
_NEAR = r"(?:\W+\w+){0,2}\W+"
_DAYISH = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORD_WORDS})"
_MAYBE_DATE = re.compile(
    rf"\b{_MONTH}(?!\w){_NEAR}{_DAYISH}\b|\b{_DAYISH}{_NEAR}{_MONTH}(?!\w)".replace(
        "(?P<mon>", "(?:"
    ),
    re.I,
)


_SMALL = {
    "a couple of": 2,
    "a couple": 2,
    "couple of": 2,
    "couple": 2,
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


def _count(word: str) -> int:
    low = re.sub(r"\s+", " ", word.lower())
    return _SMALL[low] if low in _SMALL else int(low)


def _day_number(text: str) -> int | None:
    t = text.lower().replace("-", " ").strip()
    m = re.match(r"(\d{1,2})", t)
    if m:
        return int(m.group(1))
    words = t.split()
    if words[-1] in ORDINALS:
        base = ORDINALS[words[-1]]
        return base + (TENS[words[0]] if len(words) == 2 and words[0] in TENS else 0)
    return number_from_words(words) or None


@register("date")
class DateExtractor(Extractor):
    """Finds dates; see the module docstring for what it understands."""

    priority = 70

    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        today = ctx.now.date()
        out: list[Extraction] = []
        taken = bytearray(len(text))  # characters an earlier pattern's match used

        def free(a: int, b: int) -> bool:
            return not any(taken[a:b])

        no_such_day: re.Match[str] | None = None  # "February 30th": a month and day that aren't
        for kind, pattern in _PATTERNS:
            for m in pattern.finditer(text):
                if not free(m.start(), m.end()):
                    continue
                found, rule = self._resolve(kind, m, today, ctx)
                if found is None:
                    if kind in ("month_day", "day_of_month") and no_such_day is None:
                        no_such_day = m
                    continue
                taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
                out.append(Extraction(found.isoformat(), m.start(), m.end(), rule=rule))
        if out or not ctx.expected:
            return out
        if no_such_day is not None:
            # Recognisably a date, but not on the calendar: say so rather than ignore it.
            start, end = no_such_day.span()
            return [Extraction(None, start, end, problem="date_invalid")]
        if _MAYBE_DATE.search(text):
            out.extend(self._dateparser(text, ctx))
        return out

    def _resolve(
        self, kind: str, m: re.Match[str], today: date, ctx: ExtractContext
    ) -> tuple[date | None, str | None]:
        g = m.groupdict()
        if kind == "iso":
            return safe_date(int(g["y"]), int(g["m"]), int(g["d"])), None
        if kind == "numeric":
            a, b = int(g["a"]), int(g["b"])
            month, day = (a, b) if ctx.region.upper() in ("US", "CA", "PH") else (b, a)
            year = g.get("y")
            if year is not None:
                return safe_date(int(year) + (2000 if len(year) == 2 else 0), month, day), None
            return month_day(today, month, day, None)
        if kind in ("month_day", "day_of_month"):
            dom = _day_number(g["day"])
            if dom is None:
                return None, None
            year = int(g["year"]) if g.get("year") else None
            return month_day(today, MONTHS[g["mon"].lower().rstrip(".")], dom, year)
        if kind == "weekday_the_day":
            dom = _day_number(g["day"])
            if dom is None or dom > 31:
                return None, None
            wanted = weekday_index(g["wd"])
            probe = today.replace(day=1)
            for _ in range(14):  # the next month (of 14) in which that day is that weekday
                found = safe_date(probe.year, probe.month, dom)
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
            n = _count(g["n"])
            anchor = g["base"].lower()
            if anchor in ("today", "now", "tomorrow"):
                base = today + timedelta(days=1 if anchor == "tomorrow" else 0)
            else:  # "a week from Friday": from the coming Friday
                base = upcoming(today, weekday_index(anchor))
            unit = timedelta(weeks=1) if g["unit"].lower().startswith("week") else timedelta(days=1)
            return base + n * unit, None
        if kind == "holiday":
            found = holiday(re.sub(r"\s+", " ", g["hol"].lower()), today)
            shift = (g.get("shift") or "").lower()
            if found is not None and shift:
                found += timedelta(days=1 if "after" in shift else -1)
            return found, "holiday"
        if kind == "numeric_dash":
            if not ctx.expected:
                return None, None  # "12-9" outside a date answer could be a score or a range
            a, b = int(g["a"]), int(g["b"])
            month, day = (a, b) if ctx.region.upper() in ("US", "CA", "PH") else (b, a)
            return month_day(today, month, day, None)
        if kind == "in_days":
            n = _count(g["n"])
            return today + (
                timedelta(weeks=n) if g["unit"].lower().startswith("week") else timedelta(days=n)
            ), None
        if kind == "next_week_on":
            monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
            return monday + timedelta(days=weekday_index(g["wd"])), "next-week"
        if kind == "weekday":
            wanted = weekday_index(g["wd"])
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
            if delta == 0 and not (mod.startswith("this") and "coming" not in mod):
                delta = 7  # "Monday" (or "this coming Monday") said on a Monday: next week's
            return today + timedelta(days=delta), "upcoming-weekday"
        if kind in ("the_day", "bare_ordinal"):
            if not (ctx.expected or g.get("on")):
                return None, None
            dom = _day_number(g["day"])
            if dom is None or not 1 <= dom <= 31:
                return None, None
            found = safe_date(today.year, today.month, dom)
            if found is not None and found >= today:
                return found, None
            # The next month that has that day ("the 29th" said on January 30th: March 29th).
            probe = today.replace(day=1)
            for _ in range(3):
                probe = (probe + timedelta(days=32)).replace(day=1)
                found = safe_date(probe.year, probe.month, dom)
                if found is not None:
                    return found, "next-month"
            return None, None
        if kind == "nth_weekday":
            nth = (g["nth"] or "").lower()
            month = MONTHS[(g["mon"] or "").lower().rstrip(".")]
            return nth_weekday(weekday_index(g["wd"] or ""), month, nth, today)
        return None, None

    def _dateparser(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        """The slow path, for month-name forms the rules above do not cover. dateparser only
        sees the few words around the month, and its answer counts only in that month:
        `search_dates` on a whole sentence reads numbers from anywhere ("December yes 30 hi
        is past" became December 3rd)."""
        import dateparser

        settings = {
            "RELATIVE_BASE": ctx.now.replace(tzinfo=None),
            "PREFER_DATES_FROM": "future",
            "REQUIRE_PARTS": ["day", "month"],
        }
        out = []
        for m in _MAYBE_DATE.finditer(text):
            month = _MONTH_IN.search(m.group(0))
            when = dateparser.parse(m.group(0), languages=["en"], settings=settings)
            if month and when and when.month == MONTHS[month.group(0).lower().rstrip(".")]:
                value = when.date().isoformat()
                out.append(Extraction(value, m.start(), m.end(), rule="dateparser"))
        return out

"""The grammar's driver: text → tokens → dates and times, with AM/PM settled.

One left-to-right pass tries the date rules and the time rules at each token and keeps the
longest reading (a date on a tie unless the time is certain). A second pass joins each time
to a part of day said next to it — alone ("afternoon 3", "at 8 in the evening") or with a
date ("tomorrow evening at 5", "Saturday morning at 9", "9 tomorrow morning") — decides
whether a bare number is a time at all, and settles AM/PM (`times.settle`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flowagent.slots.base import ExtractContext
from flowagent.slots.temporal.ampm import settle
from flowagent.slots.temporal.dates import STARTERS as DATE_STARTERS
from flowagent.slots.temporal.dates import Cal, DateMatch, match_date
from flowagent.slots.temporal.times import (
    _SOFT_CUES,
    _STRONG_CUES,
    TimeMatch,
    match_time,
)
from flowagent.slots.temporal.times import STARTERS as TIME_STARTERS
from flowagent.slots.temporal.tokens import Tok, tokenize


@dataclass(slots=True)
class DateReading:
    """A date in the text: `value` (a date), or `candidates`, or a `problem`; char span."""

    match: DateMatch
    start: int
    end: int


@dataclass(slots=True)
class TimeReading:
    """A time in the text: `value` ("HH:MM") or `candidates`; char span; `moment` is set for
    a time relative to now ("in an hour"), whose date may differ from today."""

    value: str | None
    candidates: tuple[str, ...]
    rule: str
    start: int
    end: int
    moment: datetime | None = None


@dataclass(slots=True)
class Analysis:
    dates: list[DateReading]
    times: list[TimeReading]


_FILLER = frozenset(
    {
        "at",
        "@",
        "around",
        "about",
        "on",
        "for",
        "the",
        "in",
        "early",
        "late",
        "by",
        "say",
        "like",
        "maybe",
        "um",
        "uh",
        "of",
        "approximately",
        "then",
        "sometime",
        "this",
    }
)
_MONTH_FIRST = ("US", "CA", "PH")
#: Plain words a date or time rule can start at ("the", "next", "quarter", "in", ...).
STARTERS = DATE_STARTERS | TIME_STARTERS


def analyse(text: str, ctx: ExtractContext, want: str) -> Analysis:
    """Every date and time in `text`. `want` is the slot type asked for ("date", "time" or
    "datetime"): a bare number counts as an hour only in an answer about time, a dash date
    ("12-9") only in an answer about dates."""
    toks = tokenize(text)
    if not toks:
        return Analysis([], [])
    cal = Cal(
        ctx.now.date(), ctx.expected and want != "time", text, ctx.region.upper() in _MONTH_FIRST
    )
    time_expected = ctx.expected and want != "date"
    dates: list[DateMatch] = []
    times: list[TimeMatch] = []
    parts: dict[int, str] = {}
    n = len(toks)
    i = 0
    while i < n:
        tok = toks[i]
        if (tok.kind == "w" and tok.val not in STARTERS) or tok.kind == "p":
            i += 1  # most words start nothing: skip them without trying any rule
            continue
        d = match_date(toks, i, cal)
        tm = match_time(toks, i)
        if d is not None and (tm is None or d.end > tm.end or (d.end == tm.end and not tm.strong)):
            dates.append(d)
            i = d.end
        elif tm is not None:
            times.append(tm)
            i = tm.end
        else:
            if toks[i].kind == "part":
                parts[i] = str(toks[i].val)
            i += 1
    date_parts = {d.end - 1: d.part for d in dates if d.part} | {
        d.start: d.part for d in dates if d.part
    }
    readings: list[TimeReading] = []
    weak: list[tuple[TimeMatch, str | None]] = []
    cued: list[int] = []
    for tm in times:
        if tm.delta is not None:
            moment = ctx.now.replace(second=0, microsecond=0) + tm.delta
            readings.append(
                TimeReading(
                    moment.strftime("%H:%M"),
                    (),
                    tm.rule,
                    toks[tm.start].start,
                    toks[tm.end - 1].end,
                    moment,
                )
            )
            continue
        part = None
        if tm.mer is None and tm.part is None and not tm.fixed:
            part = _part_near(toks, tm, parts, date_parts)
        if not tm.strong:
            if _count_or_address(toks, tm):
                continue
            if part is None and not _cued(toks, tm, time_expected):
                if time_expected:
                    weak.append((tm, part))
                continue
            if part is None:
                cued.append(len(readings))
        readings.append(_reading(toks, tm, part, ctx))
    if cued and len(cued) < len(readings):
        # "5:30 pm ... I have something else at 2": a certain time outweighs a cued number
        readings = [r for k, r in enumerate(readings) if k not in cued]
    if not readings and len(weak) == 1:
        tm, _ = weak[0]
        tok = toks[tm.start]
        if not (tok.low == "one" and text.strip(" .,!?").lower() != "one") and (
            tm.h <= 12 or tm.fixed
        ):
            part = next(iter(parts.values()), None) or next((d.part for d in dates if d.part), None)
            readings.append(_reading(toks, tm, part, ctx))
    return Analysis(
        [DateReading(d, toks[d.start].start, toks[d.end - 1].end) for d in dates], readings
    )


def _reading(toks: list[Tok], tm: TimeMatch, part: str | None, ctx: ExtractContext) -> TimeReading:
    value, candidates, rule = settle(tm, part, ctx.hours)
    first = tm.start
    if first > 0 and toks[first - 1].val in _SPAN_CUES:
        first -= 1  # "at 7:30": the cue goes with the time when its words are masked
    return TimeReading(value, candidates, rule, toks[first].start, toks[tm.end - 1].end)


_SPAN_CUES = frozenset({"at", "@", "around", "by"})


_PLACE_WORDS = frozenset(
    {
        "street",
        "st",
        "avenue",
        "ave",
        "road",
        "rd",
        "boulevard",
        "blvd",
        "drive",
        "dr",
        "lane",
        "ln",
        "court",
        "ct",
        "way",
        "place",
        "pl",
        "plaza",
        "center",
        "centre",
        "suite",
        "highway",
        "hwy",
        "parkway",
        "pkwy",
        "square",
        "terrace",
        "circle",
        "floor",
        "main",
        "broadway",
    }
)


def _count_or_address(toks: list[Tok], tm: TimeMatch) -> bool:
    """A bare number that counts people ("for 4") or starts an address ("at 5 Bon Air Rd",
    "at 1722 First Street") is not a time."""
    before = toks[tm.start - 1] if tm.start > 0 else None
    if before is not None and before.kind == "w" and before.val in ("for", "party", "of"):
        return True
    for tok in toks[tm.end : tm.end + 4]:
        if tok.kind == "p":
            return False
        if tok.low in _PLACE_WORDS:
            return True
    nxt = toks[tm.end] if tm.end < len(toks) else None
    return (
        nxt is not None and nxt.kind in ("w", "ord") and nxt.text[:1].isupper() and nxt.text != "I"
    )


def _cued(toks: list[Tok], tm: TimeMatch, expected: bool) -> bool:
    """A word before a bare number that makes it a time: "at 3", "around 4", "by 5"."""
    j = tm.start - 1
    if j >= 0 and toks[j].kind == "w" and toks[j].val in ("about", "approximately") and j > 0:
        j -= 1
    if j < 0:
        return False
    before = toks[j]
    if before.kind == "p" and before.val == "@":
        return True
    if before.kind != "w":
        return False
    return before.val in _STRONG_CUES or (expected and before.val in _SOFT_CUES)


def _part_near(
    toks: list[Tok], tm: TimeMatch, parts: dict[int, str], date_parts: Mapping[int, str | None]
) -> str | None:
    """A part of day said next to a time, with only filler words between, either side."""
    j = tm.start - 1
    while j >= 0 and j >= tm.start - 4:
        if j in parts:
            return parts[j]
        if j in date_parts:
            return date_parts[j]
        tok = toks[j]
        if not (
            (tok.kind == "w" and str(tok.val) in _FILLER)
            or (tok.kind == "p" and str(tok.val) in ",@")
        ):
            break
        j -= 1
    j = tm.end
    while j < len(toks) and j <= tm.end + 3:
        if j in parts:
            return parts[j]
        if j in date_parts:
            return date_parts[j]
        tok = toks[j]
        if not (
            (tok.kind == "w" and str(tok.val) in _FILLER)
            or (tok.kind == "p" and tok.val == ",")
            or tok.kind in ("rel", "wd")
        ):
            break
        j += 1
    return None

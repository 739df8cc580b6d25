"""The grammar's driver: text → tokens → dates and times, with AM/PM settled.

One left-to-right pass tries the date rules and the time rules at each token and keeps the
longest reading (a date on a tie unless the time is certain); each date read is the
antecedent of the next rule ("tomorrow or the day after", "not this Friday but the one
after"). Then the sentence-level rules run: a weekday said in the past tense, a week said
before a weekday, a weekday beside an explicit date (`discourse.py`), dates and times offered
as alternatives or corrected (`joins.py`), and which bare numbers are times, with AM/PM
settled (`time_readings.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flowagent.slots.base import ExtractContext
from flowagent.slots.calendar_rules import upcoming
from flowagent.slots.temporal.dates import STARTERS as DATE_STARTERS
from flowagent.slots.temporal.dates import Cal, DateMatch, match_date
from flowagent.slots.temporal.discourse import past_tense, week_scope, weekday_beside_date
from flowagent.slots.temporal.joins import group_dates
from flowagent.slots.temporal.time_readings import TimeReading, moment_readings, time_readings
from flowagent.slots.temporal.times import STARTERS as TIME_STARTERS
from flowagent.slots.temporal.times import TimeMatch, match_time
from flowagent.slots.temporal.tokens import tokenize

__all__ = ["Analysis", "DateReading", "TimeReading", "analyse"]


@dataclass(slots=True)
class DateReading:
    """A date in the text: `value` (a date), or `candidates`, or a `problem`; char span.
    `members`: the readings of offered alternatives, in the order said."""

    match: DateMatch
    start: int
    end: int
    members: tuple[DateReading, ...] = ()


@dataclass(slots=True)
class Analysis:
    dates: list[DateReading]
    times: list[TimeReading]


_MONTH_FIRST = ("US", "CA", "PH")
#: Plain words a date or time rule can start at ("the", "next", "quarter", "in", ...).
STARTERS = DATE_STARTERS | TIME_STARTERS


def analyse(text: str, ctx: ExtractContext, want: str) -> Analysis:
    """Every date and time in `text` that a `want` slot ("date", "time" or "datetime") needs:
    a bare number counts as an hour only in an answer about time, a dash date ("12-9") only in
    an answer about dates. A "time" analysis has no dates; a "date" one has only the times
    relative to now ("in 2 hours", which can fall tomorrow).

    Near the ends of the calendar (years 1 and 9999) a reading whose arithmetic leaves it
    reads nothing: a rule that would is skipped, and if a sentence-level pass would, the
    text has no date or time — never an OverflowError."""
    try:
        return _analyse(text, ctx, want)
    except OverflowError:
        return Analysis([], [])


def _analyse(text: str, ctx: ExtractContext, want: str) -> Analysis:
    toks = tokenize(text)
    if not toks:
        return Analysis([], [])
    cal = Cal(
        ctx.now.date(),
        ctx.expected and want != "time",
        text,
        ctx.region.upper() in _MONTH_FIRST,
        read_date=match_date,
    )
    time_expected = ctx.expected and want != "date"
    dates: list[DateMatch] = []
    times: list[TimeMatch] = []
    parts: dict[int, str] = {}
    weeks: list[int] = []  # "next week", "the week after next": a week said outside a date
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
            cal.last = d
            i = d.end
        elif tm is not None:
            times.append(tm)
            i = tm.end
        else:
            if tok.kind == "part":
                parts[i] = str(tok.val)
            elif tok.kind == "unit" and tok.val == "week":
                weeks.append(i)
            i += 1
    if want == "time":
        return Analysis([], time_readings(toks, times, parts, dates, ctx, time_expected, text))
    if dates:
        past_tense(toks, dates, cal)
        dates = week_scope(toks, dates, cal, weeks)
        dates = weekday_beside_date(toks, dates, cal)
        if any(d.past for d in dates) and not all(d.past for d in dates):
            dates = [d for d in dates if not d.past]  # "can I book Friday? I was in Tuesday"
    if want == "date":  # only a moment ("in 2 hours") can give a date
        readings = moment_readings(toks, times, ctx)
    else:
        readings = time_readings(toks, times, parts, dates, ctx, time_expected, text)
    time_spans = {tm.start: tm.end for tm in times}
    date_readings: list[DateReading] = []
    for grouped, members in group_dates(toks, dates, time_spans, cal):
        alone = grouped.rule == "next-week" and not members
        match = next_weekday(grouped, cal) if alone else grouped
        span = toks[match.start].start, toks[match.end - 1].end
        parts_of = tuple(DateReading(m, toks[m.start].start, toks[m.end - 1].end) for m in members)
        date_readings.append(DateReading(match, *span, parts_of))
    return Analysis(date_readings, readings)


def next_weekday(match: DateMatch, cal: Cal) -> DateMatch:
    """ "next Friday" said alone, when the coming Friday is still in this week: callers mean
    either one (on Monday the 23rd, "next Friday" is the 27th to some and December 4th to
    others; Duckling and Recognizers read the later one), so both are candidates and the flow
    asks (rule `next-weekday`). When the coming Friday is already in next week, both readings
    are that day and it stands (rule `next-week`). Inside a larger phrase ("next Tuesday or
    Wednesday", "a week from next Friday") the next-week reading composes as before."""
    assert match.value is not None
    coming = upcoming(cal.today, match.value.weekday())
    if coming == match.value or coming + timedelta(weeks=1) != match.value:
        return match
    return DateMatch(
        match.end,
        None,
        "next-weekday",
        candidates=(coming, match.value),
        part=match.part,
        start=match.start,
    )

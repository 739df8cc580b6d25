"""Date rules: small named compositions of typed tokens, each resolved against today.

A rule is a function `(tokens, i, cal) -> DateMatch | None` that reads the tokens from `i`.
The driver (`analysis.py`) tries the rules for the kind of token at `i` and keeps the longest
match. Rules compose: "the day after <date>", "<N> weeks from <date>" and "the closest
<weekday> to <date>" read their anchor with `match_date` itself (`Cal.date_at`, which the
driver sets to it), so "three weeks from tomorrow" and "the day after Thanksgiving" need no
rule of their own.

Rule names (reported in `Extraction.rule`): relative-day, day-after, day-before,
upcoming-weekday, next-week, last-weekday, weekday-after-next, weekday-of-week, weekday-week,
weekday-date, weekend, month-day, day-of-month, day-of-relative-month, ordinal-day,
next-month, next-year, nth-weekday, nth-day-of-month, closest-weekday, numeric-date,
counted-weekdays, offset, in-duration, holiday, weekday-anchored, one-after, this-weekday;
after the whole sentence is read (`discourse.py`, `joins.py`): past-weekday, weekday-of-week
at a distance, weekday-date beside an explicit date, alternatives, correction.
"""

from __future__ import annotations

from flowagent.slots.temporal.month_rules import day_of_month, month_day, numeric_date
from flowagent.slots.temporal.readers import Cal, DateMatch
from flowagent.slots.temporal.relative_rules import (
    day_after,
    holiday_name,
    in_duration,
    offset,
    relative_day,
)
from flowagent.slots.temporal.tokens import Tok
from flowagent.slots.temporal.weekday_rules import (
    closest_weekday,
    modified,
    nth_weekday,
    one_after,
    the_weekend,
    weekday,
)

__all__ = ["STARTERS", "Cal", "DateMatch", "match_date"]


_BY_KIND = {
    "rel": (relative_day,),
    "wd": (weekday,),
    "month": (month_day,),
    "ord": (day_of_month, nth_weekday, closest_weekday),
    "num": (numeric_date, day_of_month, offset),
    "holiday": (holiday_name,),
    "unit": (day_after, offset),
}

_BY_WORD = {
    "the": (day_of_month, nth_weekday, day_after, closest_weekday, the_weekend, one_after),
    "this": (relative_day, modified),
    "next": (modified, one_after),
    "last": (modified, nth_weekday),
    "past": (modified,),
    "previous": (modified,),
    "coming": (modified,),
    "in": (in_duration,),
    "a": (offset,),
    "an": (offset,),
    "one": (offset,),
    "couple": (offset,),
    "few": (offset,),
    "closest": (closest_weekday,),
    "nearest": (closest_weekday,),
}


def match_date(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """The longest date any rule reads from token `i`, or None. A rule whose date would fall
    outside the calendar (`date` runs from year 1 to 9999: "tomorrow" said on 9999-12-31)
    reads nothing."""
    if i >= len(t):
        return None
    tok = t[i]
    rules = _BY_WORD.get(str(tok.val), ()) if tok.kind == "w" else _BY_KIND.get(tok.kind, ())
    best: DateMatch | None = None
    for rule in rules:
        try:
            found = rule(t, i, cal)
        except OverflowError:  # the date it reads is past year 9999 or before year 1
            found = None
        if found is not None and (best is None or found.end > best.end):
            best = found
    if best is not None:
        best.start = i
    return best


#: The plain words a date rule can start at.
STARTERS = frozenset(_BY_WORD)

"""Settling AM/PM: the 24-hour time of what was said, or both readings when nothing settles it.

In order: a meridiem said with the time ("3pm"); a part of day ("afternoon 3", "8 tonight":
morning is before noon, afternoon and evening after it, night from 5 pm to 4 am); a 24-hour form
("15:30", "09:30", "15h"); 12 is noon (rule `noon`); else the opening hours, when exactly one
reading falls inside them (rule `opening-hours`); else both readings as candidates, and the
engine asks "2 AM or 2 PM?".
"""

from __future__ import annotations

from datetime import time

from flowagent.slots.base import OpeningHours
from flowagent.slots.temporal.times import TimeMatch


def apply_part(h: int, part: str) -> int | None:
    """The 24-hour hour of a 12-hour `h` said with a part of day."""
    if h >= 13:
        return h
    if part == "morning":
        return h % 12
    if part == "afternoon":
        return h if h == 12 else h + 12
    if part == "evening":
        return 0 if h == 12 else h + 12
    if part == "night":
        if h == 12:
            return 0
        return h if h <= 4 else h + 12
    return None


def settle(
    tm: TimeMatch, part: str | None, hours: OpeningHours | None
) -> tuple[str | None, tuple[str, ...], str]:
    """(value, candidates, rule) of a time match: AM/PM from the words, a part of day, a
    24-hour form, noon, or the opening hours; both readings when nothing settles it."""
    h, m = tm.h, tm.m
    if tm.fixed:
        return f"{h % 24:02d}:{m:02d}", (), tm.rule if tm.rule != "clock" else "24-hour"
    if tm.mer is not None:
        if h > 12:
            return (f"{h:02d}:{m:02d}", (), tm.rule) if h < 24 else (None, (), tm.rule)
        hh = h % 12 + (12 if tm.mer == "pm" else 0)
        return f"{hh:02d}:{m:02d}", (), tm.rule if tm.rule != "clock" else "hour-meridiem"
    said_part = tm.part or part
    if said_part is not None:
        with_part = apply_part(h, said_part)
        if with_part is not None:
            return f"{with_part:02d}:{m:02d}", (), "part-of-day"
    if h == 0 or h >= 13:
        return (f"{h % 24:02d}:{m:02d}", (), "24-hour") if h < 24 else (None, (), tm.rule)
    if h == 12:
        return f"12:{m:02d}", (), "noon"
    am, pm = f"{h:02d}:{m:02d}", f"{h + 12:02d}:{m:02d}"
    if hours is not None:
        fits = [c for c in (am, pm) if hours.contains(time.fromisoformat(c))]
        if len(fits) == 1:
            return fits[0], (), "opening-hours"
    return None, (am, pm), tm.rule

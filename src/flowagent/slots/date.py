"""Dates as callers say them, read by the date grammar (`flowagent.slots.temporal`).

Absolute ("December 3rd", "the 3rd of December", "12/9", "2026-12-09", "Monday, Feb 18"),
relative ("tomorrow", "the day after tomorrow", "three weeks from tomorrow", "in 3 days",
"7 days ago"), weekdays with their modifiers ("this Friday", "next Tuesday", "last Monday",
"Wednesday of next week", "the Friday after next", "next week, maybe Tuesday"), days of a month
("the 30th", "8th of this month", "20th of the previous month"), "the first Friday of next
month", "the last day of the month", holidays. `Extraction.rule` names the composition rule
and how it was resolved (see docs/slots/date.md). A past date said as past stays in the past,
so the `not_past` validator can answer it; a month and day that has passed this year means
next year (rule `next-year`). Where the words allow two dates ("the weekend", "Tuesday the
3rd" when the 3rd is a Thursday) the extraction carries `candidates` and the engine asks.
A month and day that do not exist ("February 30th") give `problem="date_invalid"`.
"""

from __future__ import annotations

from datetime import timedelta

from flowagent.slots.base import ExtractContext, Extraction, Extractor
from flowagent.slots.registry import register
from flowagent.slots.temporal import analyse
from flowagent.slots.temporal.clarify import resolve

_HOUR = timedelta(hours=1)


def date_extractions(text: str, ctx: ExtractContext, want: str = "date") -> list[Extraction]:
    """Every date in `text` as extractions (values, candidates, or a problem)."""
    found = analyse(text, ctx, want)
    out: list[Extraction] = []
    problems: list[Extraction] = []
    for r in found.dates:
        m = r.match
        if m.value is not None:
            out.append(Extraction(m.value.isoformat(), r.start, r.end, rule=m.rule))
        elif m.candidates:
            cands = tuple(d.isoformat() for d in m.candidates)
            out.append(Extraction(None, r.start, r.end, rule=m.rule, candidates=cands))
        elif m.problem and ctx.expected:
            problems.append(Extraction(None, r.start, r.end, rule=m.rule, problem=m.problem))
    if not out:
        for t in found.times:
            if t.moment is not None and t.moment - ctx.now >= _HOUR:  # "in 2 hours": today
                out.append(Extraction(t.moment.date().isoformat(), t.start, t.end, rule=t.rule))
    return out or problems


@register("date")
class DateExtractor(Extractor):
    """Finds dates; see the module docstring for what it understands."""

    priority = 70

    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        out = date_extractions(text, ctx)
        clarify = ctx.options.get("clarify")
        if clarify:
            out = resolve(out, text, tuple(str(c) for c in clarify))
        return out

"""A date and a time in one utterance, either order ("Friday at 2pm", "2pm on Friday",
"tomorrow morning at ten", "9 tomorrow morning", "at 7:30 PM on Fri, Sep 20") or a moment
relative to now ("in an hour", "today in one hour", "in 24 hours"): `YYYY-MM-DDTHH:MM`. One
pass of the grammar reads both parts, with the date and time rules (future dates, parts of day,
opening hours); open readings of either part become date-time candidates. Offered alternatives
pair up as said: "today at 3 or tomorrow at 4" gives those two date-times, not four;
"Wednesday or Thursday at 3" gives both days at 3."""

from __future__ import annotations

from bisect import bisect_left
from datetime import date

from flowagent.slots.base import ExtractContext, Extraction, Extractor
from flowagent.slots.registry import register
from flowagent.slots.temporal import analyse
from flowagent.slots.temporal.analysis import DateReading
from flowagent.slots.temporal.clarify import resolve
from flowagent.slots.temporal.time_readings import TimeReading


def _days(r: DateReading) -> tuple[date, ...]:
    m = r.match
    return (m.value,) if m.value is not None else m.candidates


def _clocks(t: TimeReading) -> tuple[str, ...]:
    return (t.value,) if t.value is not None else t.candidates


def _pairs(r: DateReading, t: TimeReading) -> tuple[str, ...]:
    """Date-times of a date reading and the time said with it. Alternatives said as pairs
    ("today at 3 or tomorrow at 4": date, time, date, time) pair up in order; otherwise
    every day goes with every time."""
    if not r.members and r.match.value is not None and t.value is not None:
        return (f"{r.match.value.isoformat()}T{t.value}",)
    if len(r.members) == len(t.members) > 1:
        said = sorted(
            [(m.start, "d", i) for i, m in enumerate(r.members)]
            + [(m.start, "t", i) for i, m in enumerate(t.members)]
        )
        kinds = "".join(k for _, k, _ in said)
        if kinds in ("dt" * len(r.members), "td" * len(r.members)):
            values: list[str] = []
            for dm, tm in zip(r.members, t.members, strict=True):
                for d in _days(dm):
                    for c in _clocks(tm):
                        if f"{d.isoformat()}T{c}" not in values:
                            values.append(f"{d.isoformat()}T{c}")
            return tuple(values)
    return tuple(f"{d.isoformat()}T{c}" for d in _days(r) for c in _clocks(t))


def _nearest(plain: list[TimeReading], starts: list[int], r: DateReading) -> TimeReading:
    """The time said nearest the date (times in order; the one just before or after it)."""
    k = bisect_left(starts, r.start)
    near = plain[max(0, k - 1) : k + 1]
    return min(near, key=lambda t: min(abs(t.start - r.end), abs(r.start - t.end)))


@register("datetime")
class DateTimeExtractor(Extractor):
    """Pairs each date with the nearest time; see the module docstring."""

    priority = 75

    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        found = analyse(text, ctx, "datetime")
        times = [t for t in found.times if t.value is not None or t.candidates]
        out: list[Extraction] = []
        for t in times:
            if t.moment is not None:
                out.append(
                    Extraction(t.moment.strftime("%Y-%m-%dT%H:%M"), t.start, t.end, rule=t.rule)
                )
        plain = [t for t in times if t.moment is None]
        starts = [t.start for t in plain]
        for r in found.dates:
            if not _days(r) or not plain:
                continue
            t = _nearest(plain, starts, r)
            start, end = min(r.start, t.start), max(r.end, t.end)
            rule = f"{r.match.rule},{t.rule}"
            values = _pairs(r, t)
            if len(values) == 1:
                out.append(Extraction(values[0], start, end, rule=rule))
            else:
                out.append(
                    Extraction(None, start, end, rule=rule, candidates=tuple(sorted(values)))
                )
        clarify = ctx.options.get("clarify")
        if clarify:
            out = resolve(out, text, tuple(str(c) for c in clarify))
        return out

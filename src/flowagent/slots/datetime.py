"""A date and a time in one utterance, either order ("Friday at 2pm", "2pm on Friday",
"tomorrow morning at ten", "9 tomorrow morning", "at 7:30 PM on Fri, Sep 20") or a moment
relative to now ("in an hour", "today in one hour", "in 24 hours"): `YYYY-MM-DDTHH:MM`. One
pass of the grammar reads both parts, with the date and time rules (future dates, parts of day,
opening hours); open readings of either part become date-time candidates."""

from __future__ import annotations

from flowagent.slots.base import ExtractContext, Extraction, Extractor
from flowagent.slots.registry import register
from flowagent.slots.temporal import analyse
from flowagent.slots.temporal.clarify import resolve


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
        for r in found.dates:
            m = r.match
            days = (m.value,) if m.value is not None else m.candidates
            if not days or not plain:
                continue
            t = min(plain, key=lambda t: min(abs(t.start - r.end), abs(r.start - t.end)))
            start, end = min(r.start, t.start), max(r.end, t.end)
            rule = f"{m.rule},{t.rule}"
            clocks = (t.value,) if t.value is not None else t.candidates
            values = tuple(f"{d.isoformat()}T{c}" for d in days for c in clocks)
            if len(values) == 1:
                out.append(Extraction(values[0], start, end, rule=rule))
            else:
                out.append(Extraction(None, start, end, rule=rule, candidates=values))
        clarify = ctx.options.get("clarify")
        if clarify:
            out = resolve(out, text, tuple(str(c) for c in clarify))
        return out

"""A date and a time in one utterance, either order ("Friday at 2pm", "2pm on Friday",
"tomorrow morning at ten"): `YYYY-MM-DDTHH:MM`. Both parts are read by the date and time
extractors, with their rules (future dates, opening hours)."""

from __future__ import annotations

from flowagent.slots.base import ExtractContext, Extraction, Extractor
from flowagent.slots.date import DateExtractor
from flowagent.slots.registry import register
from flowagent.slots.time import TimeExtractor

_DATE = DateExtractor()
_TIME = TimeExtractor()


@register("datetime")
class DateTimeExtractor(Extractor):
    """Pairs each date with the nearest time; see the module docstring."""

    priority = 75

    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        dates = _DATE.extract_all(text, ctx)
        times = [t for t in _TIME.extract_all(text, ctx) if t.value is not None or t.candidates]
        out: list[Extraction] = []
        for d in dates:
            if not times:
                break
            t = min(times, key=lambda t: min(abs(t.start - d.end), abs(d.start - t.end)))
            start, end = min(d.start, t.start), max(d.end, t.end)
            rule = ",".join(r for r in (d.rule, t.rule) if r) or None
            if t.value is None:
                candidates = tuple(f"{d.value}T{c}" for c in t.candidates)
                out.append(Extraction(None, start, end, rule=rule, candidates=candidates))
            else:
                out.append(Extraction(f"{d.value}T{t.value}", start, end, rule=rule))
        return out

"""Times of day as callers say them and STT writes them, read by the time grammar
(`flowagent.slots.temporal`).

"2pm", "2:45 pm", "14:30", "15h", "noon", "noonish", "two thirty in the afternoon",
"afternoon 3", "evening 4:45", "quarter past three", "20 minutes past 3pm", "a quarter to
noon", "ten in the morning", "12 o'clock in the afternoon", "this afternoon at 2", "tonight at
8", "in an hour", "in 30 minutes", "mid-morning", and STT forms ("2.30", "245pm", "2 p m",
`5 o"clock`, "At 10 30.", "like 130", "1-30"). As the answer to "what time?", a lone hour counts
too ("can we do 2"); unasked, a number needs a cue ("at 3"). An hour without AM/PM is read
inside the opening hours when exactly one reading fits (rule `opening-hours`); otherwise the
extraction carries both candidates and the engine asks. A clarifying answer ("in the
afternoon") picks among the candidates passed in `options["clarify"]`.
"""

from __future__ import annotations

from flowagent.slots.base import ExtractContext, Extraction, Extractor
from flowagent.slots.registry import register
from flowagent.slots.temporal import analyse
from flowagent.slots.temporal.clarify import resolve


@register("time")
class TimeExtractor(Extractor):
    """Finds times of day; see the module docstring."""

    # Above date (70): a time reads day parts that also name a date ("7:30 tonight",
    # "10 this morning") before the date extractor's span masks them; it leaves those words
    # unmasked, so the date still finds them.
    priority = 72

    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        out = [
            Extraction(t.value, t.start, t.end, rule=t.rule, candidates=t.candidates)
            for t in analyse(text, ctx, "time").times
        ]
        clarify = ctx.options.get("clarify")
        if clarify:
            out = resolve(out, text, tuple(str(c) for c in clarify))
        return out

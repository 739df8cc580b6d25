"""Free text: the whole answer, when it is the answer to this slot's question."""

from __future__ import annotations

from flowagent.slots.base import ExtractContext, Extraction, Extractor
from flowagent.slots.registry import register


@register("text")
class TextExtractor(Extractor):
    """The stripped utterance — only as a direct answer (`expected`), never volunteered."""

    priority = 0

    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        if not ctx.expected:
            return []
        stripped = text.strip()
        start = text.find(stripped)
        # Words other slots took are blanked out of `text`: close the gaps they leave.
        value = " ".join(stripped.split())
        return [Extraction(value, start, start + len(stripped))] if value else []

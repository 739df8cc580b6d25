"""Free text: the answer to this slot's question, as said — without what people say around
an answer: fillers ("um", "uh", "so", "well"), lead-ins ("it's", "that would be", "my address
is", "I live at", "the model is") and closings ("thanks", "please").

    >>> clean_free_text("um, it's fourteen twenty three Oak Street, thanks")
    'fourteen twenty three Oak Street'
    >>> clean_free_text("yeah the address is 90 Hill Road")
    '90 Hill Road'

A lead-in "my/the/our … is" is trimmed only when the words in between name the slot ("my
address is", "the model's"): in "my kitchen sink is leaking" they are the answer. Fillers
inside the answer ("14, uh, 23 Oak Street") are removed too. Never volunteered: free text is
only the answer to its own question (`expected`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flowagent.slots.base import ExtractContext, Extraction, Extractor
from flowagent.slots.registry import register

_FILLER = (
    r"(?:um+|uh+|er+|erm|hmm+|mm+|ah+|so|well|okay|ok|oh|yeah|yes|yep|right|alright|like|sure|"
    r"hi|hello|hey|let'?s\s+see|let\s+me\s+see|let\s+me\s+think)"
)
_LEAD = re.compile(rf"^(?:\s*{_FILLER}\b[\s,.!-]*)+", re.I)
_IT_IS = re.compile(
    r"^(?:it'?s|it\s+is|that'?s|that\s+is|it'?d\s+be|it\s+would\s+be|it\s+will\s+be|"
    r"that'?d\s+be|that\s+would\s+be|i\s+(?:live|am|'m)\s+(?:at|on)|i'?m\s+(?:at|on)|"
    r"we\s+(?:live|are|'re)\s+(?:at|on)|we'?re\s+(?:at|on)|i\s+think\s+(?:it'?s)?)\b[\s,:]*",
    re.I,
)
_SLOT_WORDS = (
    "address|street address|home address|name|full name|email|email address|number|"
    "phone number|zip code|zip|postcode|problem|issue|model|make|reason|request|requests"
)
_MY_X_IS = (
    r"^(?:my|the|our|his|her|their)\s+(?:{words})(?:\s+is|'s|\s+would\s+be|\s+will\s+be)?\b[\s,:]*"
)
# A false start: an article left hanging before a pause ("it's a, uh, Camry").
_HANGING = re.compile(r"^(?:a|an|the)\s*(?:,\s*|\s+(?=(?:um+|uh+|er+|erm)\b))", re.I)
# (Each pattern starts with a word, never with a run of spaces: linear on any input.)
_INNER = re.compile(r"(?<![\w'])(?:um+|uh+|er+|erm|hmm+)(?![\w'])[\s,]*", re.I)
_COMMA_INNER = re.compile(r",\s*(?:um+|uh+|er+|erm|hmm+)(?![\w'])[\s,]*", re.I)  # "77, uh, Harbor"
_DOUBLED_COMMA = re.compile(r",[\s,]*,")
_TRAIL = re.compile(r"\b(?:thanks|thank\s+you|please|thanks\s+so\s+much)\b[\s.!]*$", re.I)


def clean_free_text(text: str, slot_words: Iterable[str] = ()) -> str:
    """`text` without leading fillers and lead-ins, inner fillers and a closing thanks."""
    words = "|".join([re.escape(w) for w in slot_words if w] + [_SLOT_WORDS])
    my_x_is = re.compile(_MY_X_IS.format(words=words), re.I)
    out = text.strip()
    for _ in range(3):  # "um, so, it's, uh, my address is …": a few layers at most
        before = out
        out = _LEAD.sub("", out)
        out = _IT_IS.sub("", out)
        out = my_x_is.sub("", out)
        out = _HANGING.sub("", out)
        if out == before:
            break
    out = _DOUBLED_COMMA.sub(",", _INNER.sub(" ", _COMMA_INNER.sub(" ", out)))
    out = " ".join(out.split()).replace(" ,", ",")
    tail = _TRAIL.search(out[-40:])
    if tail is not None:
        out = out[: len(out) - 40 + tail.start()] if len(out) > 40 else out[: tail.start()]
        out = out.rstrip(" ,.")
    return " ".join(out.split()).strip(" ,.;:-")


@register("text")
class TextExtractor(Extractor):
    """The answer without fillers — only as a direct answer (`expected`), never volunteered."""

    priority = 0

    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        if not ctx.expected:
            return []
        stripped = text.strip()
        if not stripped:
            return []
        value = clean_free_text(stripped, ctx.options.get("_slot_words", ()))
        if not value:
            return []  # only fillers: "um", "uh, well"
        start = text.find(stripped)
        return [Extraction(value, start, start + len(stripped))]

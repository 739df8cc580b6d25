"""Free text: the answer to this slot's question, as said — without what people say around
an answer: fillers ("um", "uh", "so", "well"), lead-ins ("it's", "that would be", "my address
is", "I live at", "the model is") and closings ("thanks", "please").

    >>> clean_free_text("um, it's fourteen twenty three Oak Street, thanks")
    'fourteen twenty three Oak Street'
    >>> clean_free_text("yeah the address is 90 Hill Road")
    '90 Hill Road'
    >>> clean_free_text("Great. It's 640 North Euclid, in Oak Park")
    '640 North Euclid, in Oak Park'

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
# An acknowledgement said as its own sentence before the answer ("Great. It's 640 North
# Euclid"); only with its pause, so "Good Samaritan Hospital" keeps its first word.
_ACK = re.compile(
    r"^(?:great|good|perfect|cool|fine|awesome|wonderful|excellent|thanks|thank\s+you"
    r"|sounds\s+good|got\s+it|all\s+right|no\s+problem)\s*[.,!;]+\s*",
    re.I,
)
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
# An article before a capitalised name as the whole answer ("the Malibu"), not "the side door".
_PROPER = re.compile(r"^(?:the|a|an)\s+(?=[A-Z][\w'-]*(?:\s+[A-Z0-9][\w'-]*)*$)")
_TRAIL = re.compile(r"\b(?:thanks|thank\s+you|please|thanks\s+so\s+much)\b[\s.!]*$", re.I)


def clean_free_text(text: str, slot_words: Iterable[str] = ()) -> str:
    """`text` without leading fillers and lead-ins, inner fillers and a closing thanks."""
    words = "|".join([re.escape(w) for w in slot_words if w] + [_SLOT_WORDS])
    my_x_is = re.compile(_MY_X_IS.format(words=words), re.I)
    out = text.strip()
    for _ in range(3):  # "um, so, it's, uh, my address is …": a few layers at most
        before = out
        out = _LEAD.sub("", out)
        out = _ACK.sub("", out)
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
    out = " ".join(out.split()).strip(" ,.;:-")
    if _PROPER.match(out):
        out = _PROPER.sub("", out, count=1)  # "the Malibu", "a Camry": the name alone
    return out


# Words other slots took are masked with spaces by the engine ("my [dog] Rex", "Luna on
# [Friday at 10am]", "Bella, and I'm [Sam Hill]"). Beside such a hole, words that only
# linked the answer to what was taken are left over: they go with it.
_HOLE = re.compile(r"\s{3,}")
_LINKING = frozenset(
    """
    a an the my our his her their its your this that these those and or but so then also
    on at in for to by with of from about around near next until till before after
    is are was am be i i'm im it's its it is name name's called call me under
    """.split()  # noqa: SIM905
)
_EDGE_WORD = re.compile(r"[\w']+|[^\w\s]+")


def _without_holes(text: str) -> str:
    """`text` with the words other slots took, and the words linking to them, left out."""
    if "   " not in text:
        return text
    pieces = [p.strip() for p in _HOLE.split(text)]
    kept: list[str] = []
    for i, piece in enumerate(pieces):
        words = _EDGE_WORD.findall(piece)
        if i < len(pieces) - 1:  # before a hole: "Luna on", "Bella, and I'm"
            while words and (words[-1].lower() in _LINKING or not words[-1][0].isalnum()):
                words.pop()
        if i > 0:  # after a hole: "at the side door" stays, "and" goes
            while words and (
                words[0].lower() in {"and", "or", "but", "so", "then"} or not words[0][0].isalnum()
            ):
                words.pop(0)
        if words and not all(w.lower() in _LINKING for w in words):
            kept.append(re.sub(r"\s+([,.;:!?])", r"\1", " ".join(words)))
    return " ".join(kept)


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
        value = clean_free_text(_without_holes(text), ctx.options.get("_slot_words", ()))
        if not value:
            return []  # only fillers: "um", "uh, well"
        start = text.find(stripped)
        return [Extraction(value, start, start + len(stripped))]

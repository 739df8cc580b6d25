"""Yes or no, as people say it: "yes", "yeah that's right", "correct", "sounds good",
"go ahead", "nope", "not quite", "that's wrong", "no, …". The value is a bool. When both
appear, the first decides ("no, yes I mean…" is rare; "yes, no problem" is a yes). "Not sure",
"maybe" and "I don't know" are neither, so the engine asks again."""

from __future__ import annotations

import re

from flowagent.slots.base import ExtractContext, Extraction, Extractor
from flowagent.slots.registry import register

_NO = (
    r"not\s+(?:quite|really|exactly|right|correct|true|yet)|"
    r"that'?s\s+(?:not\s+(?:right|it|correct|what\s+i\s+said)|wrong|incorrect)|"
    r"is\s+(?:not\s+right|wrong)|isn'?t\s+right|no+pe|nah|no+|negative|incorrect|wrong|not\s+at\s+all|"
    r"i\s+don'?t\s+think\s+so|absolutely\s+not|definitely\s+not|"
    # Deepgram's spellings of a spoken no (its filler-word forms): "uh-uh", "mm-mm", "nuh-uh"
    r"uh[\s-]uh|mm[\s-]mm|nuh[\s-]uh|"
    # "please don't" is a no; "I don't know / remember / mind" is not an answer at all.
    r"don'?t(?!\s+(?:know|remember|recall|understand|mind|care|have|get))"
)
_YES = (
    r"ye+s+|yeah|yea|yep|yup|ya|sure|correct|right|that'?s\s+right|exactly|absolutely|affirmative|"
    r"definitely|of\s+course|ok(?:ay)?|sounds\s+(?:good|great|right)|perfect|that\s+works|"
    r"fine|that'?s\s+fine|i\s+(?:think|believe|guess)\s+so|you\s+got\s+it|works\s+for\s+me|"
    r"go\s+ahead|please\s+do|confirm(?:ed)?|uh[\s-]?huh|m+[\s-]?hmm+|yes\s+please|all\s+good|"
    r"looks\s+good|great|good"
)
# Not an answer either way; matched first so that its "sure" / "no" is not read as one.
_UNSURE = r"(?:i'?m\s+)?not\s+(?:sure|certain)|unsure|maybe|perhaps|i\s+don'?t\s+know|no\s+idea"
_ANY = re.compile(
    rf"(?<![\w'])(?:(?P<unsure>{_UNSURE})|(?P<no>{_NO})|(?P<yes>{_YES}))(?![\w'])", re.I
)
# Outside a yes/no question only these count: plain words nobody says in passing.
_STRONG = re.compile(
    r"^(?:ye+s+|yeah|yep|yup|sure|absolutely|of\s+course|no+|nope|nah|correct|incorrect)$", re.I
)


@register("yesno")
class YesNoExtractor(Extractor):
    """Finds a yes or a no; see the module docstring."""

    priority = 55

    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        for m in _ANY.finditer(text):
            if m.group("unsure"):
                continue
            if not ctx.expected and not _STRONG.match(m.group(0)):
                continue  # outside a yes/no question, only the plain words count
            return [Extraction(m.group("no") is None, m.start(), m.end())]
        return []

    def extract(self, text: str, ctx: ExtractContext) -> Extraction | None:
        # The first answer decides (unlike values, where the last mention wins).
        found = self.extract_all(text, ctx)
        return found[0] if found else None

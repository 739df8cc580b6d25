"""How one turn's reply reads: the parts said this turn joined once, with at most one apology.

A turn can say several things — a no-input message and the question, help and the question,
an answer and the question — and each may start with its own "Sorry, …". Said together they
stack ("Sorry, I didn't hear anything. Sorry, which day works for you?"), which sounds
mechanical. `compose` keeps the first apology and drops the apology words from later
sentences; `without_apology` gives a question without its apology for when it is asked again
for a reason that is not a failure (after help, an answer, a hold).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# "Sorry, …", "I'm sorry, …", "I'm so sorry — …", "Apologies, …", "My apologies, …".
_APOLOGY = re.compile(
    r"^(?:(?:i'?m|i\s+am)\s+)?(?:so\s+|very\s+|really\s+)?(?:sorry|apologies)\b[\s,.!—–-]*"
    r"|^my\s+apologies\b[\s,.!—–-]*",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=\S)")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def without_apology(text: str) -> str:
    """`text` with the apology words of each sentence removed ("Sorry, which day?" →
    "Which day?"); a sentence that was only an apology is dropped."""
    out: list[str] = []
    for sentence in _SENTENCE.split(text.strip()):
        rest = _APOLOGY.sub("", sentence, count=1)
        if rest != sentence:
            rest = _capitalised(rest.strip())
        if rest:
            out.append(rest)
    return " ".join(out)


def compose(parts: Iterable[str]) -> str:
    """The reply: the parts joined by spaces, the first apology kept and later ones removed,
    and a sentence never said twice in a row."""
    out: list[str] = []
    apologised = False
    for part in parts:
        if not apologised and not _APOLOGY.search(part) and "sorry" not in part.lower():
            if not out or out[-1] != part:
                out.append(part)
            continue
        for said in _SENTENCE.split(part):
            sentence = said
            stripped = _APOLOGY.sub("", said, count=1)
            if stripped != said:
                if apologised:
                    sentence = _capitalised(stripped.strip())
                apologised = True
            if sentence and (not out or out[-1] != sentence):
                out.append(sentence)
    return " ".join(out)


def last_question_sentence(text: str) -> str:
    """The last sentence of `text` that asks something ("Thanks for calling! How can I help?"
    → "How can I help?"), or `text` when none ends with a question mark."""
    sentences = _SENTENCE.split(text.strip())
    for i in range(len(sentences) - 1, -1, -1):
        if sentences[i].endswith("?"):
            return " ".join(sentences[i:])
    return text.strip()

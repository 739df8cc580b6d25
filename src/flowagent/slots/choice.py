"""One of a fixed set of choices, by key or synonym, tolerant of inflections ("checkups",
"following up") and small STT misspellings ("consultaion", "check op") through fuzzy
matching with a threshold (`options["fuzzy"]`, default 0.84). The value is the choice's key.

Options: `choices` — `{key: [synonyms]}` (the key, with `_` read as a space, always counts).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from difflib import SequenceMatcher
from functools import lru_cache

from flowagent.slots.base import ExtractContext, Extraction, Extractor
from flowagent.slots.registry import register

_WORD = re.compile(r"[a-z0-9]+")
_SUFFIXES = ("ings", "ing", "ies", "es", "s", "ed")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(_stem(m.group(0)), m.start(), m.end()) for m in _WORD.finditer(text.lower())]


@lru_cache(maxsize=256)
def _phrases(
    choices: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(key, stemmed words) per synonym, longest first, so "follow up visit" beats "visit"."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for key, synonyms in choices:
        for phrase in (key.replace("_", " "), *synonyms):
            words = tuple(_stem(w) for w in _WORD.findall(phrase.lower()))
            if words:
                out.append((key, words))
    out.sort(key=lambda p: -sum(len(w) for w in p[1]))
    return tuple(out)


def _frozen(choices: Mapping[str, object]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(
        (str(k), tuple(str(s) for s in (v if isinstance(v, list | tuple) else [])))
        for k, v in choices.items()
    )


@register("choice")
class ChoiceExtractor(Extractor):
    """Finds one of the slot's choices; see the module docstring."""

    priority = 60

    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        choices = ctx.options.get("choices")
        if not isinstance(choices, Mapping) or not choices:
            return []
        phrases = _phrases(_frozen(choices))
        words = _words(text)
        if not words:
            return []
        tokens = [w for w, _, _ in words]
        out: list[Extraction] = []
        used: set[int] = set()
        for key, phrase in phrases:  # exact (stemmed) matches, longest phrase first
            n = len(phrase)
            for i in range(len(tokens) - n + 1):
                if tuple(tokens[i : i + n]) == phrase and not used & set(range(i, i + n)):
                    used.update(range(i, i + n))
                    out.append(Extraction(key, words[i][1], words[i + n - 1][2]))
        if out:
            return out
        threshold = float(ctx.options.get("fuzzy", 0.84))
        best: tuple[float, str, int, int] | None = None
        for key, phrase in phrases:
            target = " ".join(phrase)
            n = len(phrase)
            for size in {n, n + 1, max(1, n - 1)}:  # STT splits and joins words
                for i in range(len(tokens) - size + 1):
                    window = " ".join(tokens[i : i + size])
                    if abs(len(window) - len(target)) > 3:
                        continue
                    matcher = SequenceMatcher(None, window, target)
                    if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                        continue
                    score = matcher.ratio()
                    if score >= threshold and (best is None or score > best[0]):
                        best = (score, key, words[i][1], words[i + size - 1][2])
        if best is not None:
            return [Extraction(best[1], best[2], best[3], rule=f"fuzzy:{best[0]:.2f}")]
        return []

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
from flowagent.slots.corrections import is_correction
from flowagent.slots.registry import register

_WORD = re.compile(r"[a-z0-9]+")
_SUFFIXES = ("ings", "ing", "ies", "es", "s", "ed")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _words(text: str) -> list[tuple[str, int, int, str]]:
    """(stem, start, end, word) per word."""
    return [
        (_stem(m.group(0)), m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text.lower())
    ]


@lru_cache(maxsize=256)
def _phrases(
    choices: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[tuple[str, tuple[str, ...], str], ...]:
    """(key, stemmed words, plain words) per synonym, longest first, so "follow up visit"
    beats "visit"."""
    out: list[tuple[str, tuple[str, ...], str]] = []
    for key, synonyms in choices:
        for phrase in (key.replace("_", " "), *synonyms):
            plain = _WORD.findall(phrase.lower())
            if plain:
                out.append((key, tuple(_stem(w) for w in plain), " ".join(plain)))
    out.sort(key=lambda p: -sum(len(w) for w in p[1]))
    return tuple(out)


def _window_match(phrase: tuple[str, ...], tokens: list[str]) -> tuple[int, int] | None:
    """The words of a multi-word synonym in another order, close together: "the drain's slow"
    for "slow drain", "heater for the water" is not (a window of one extra word at most)."""
    n = len(phrase)
    need = set(phrase)
    for size in (n, n + 1):
        for i in range(len(tokens) - size + 1):
            if (
                need <= set(tokens[i : i + size])
                and tokens[i] in need
                and tokens[i + size - 1] in need
            ):
                return i, i + size - 1
    return None


def _frozen(choices: Mapping[str, object]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(
        (str(k), tuple(str(s) for s in (v if isinstance(v, list | tuple) else [])))
        for k, v in choices.items()
    )


@register("choice")
class ChoiceExtractor(Extractor):
    """Finds one of the slot's choices; see the module docstring.

    One utterance that names two different choices ("the toilet is leaking and won't flush"
    → leak, clog) is not settled by picking one: the extraction has no value and both keys as
    `candidates`, so the engine asks which ("did you mean a leak or a clogged drain?") —
    unless a correction cue separates them ("a checkup, no, a consultation": the last one)
    or one is denied ("a follow-up, not a consultation"). While that question is open
    (`options["clarify"]`), only its candidates count.
    """

    priority = 60

    def extract(self, text: str, ctx: ExtractContext) -> Extraction | None:
        found = [e for e in self.extract_all(text, ctx) if not e.negated]
        asked = ctx.options.get("clarify")
        if asked:
            found = [e for e in found if e.value in asked] or found
        keys: list[str] = []
        for e in found:
            if isinstance(e.value, str) and e.value not in keys:
                keys.append(e.value)
        if len(keys) < 2:
            return found[-1] if found else None
        last = found[-1]
        first_other = next(e for e in found if e.value != last.value)
        if is_correction(text[first_other.end : last.start]):
            return last  # "a checkup — actually no, a consultation"
        return Extraction(
            None, found[0].start, last.end, rule="two-choices", candidates=tuple(keys[:3])
        )

    @staticmethod
    def _unordered(
        phrases: tuple[tuple[str, tuple[str, ...], str], ...],
        tokens: list[str],
        words: list[tuple[str, int, int, str]],
    ) -> list[Extraction]:
        present = set(tokens)
        for key, phrase, _ in phrases:
            if len(phrase) < 2 or not present.issuperset(phrase):
                continue
            found = _window_match(phrase, tokens)
            if found is not None:
                return [Extraction(key, words[found[0]][1], words[found[1]][2], rule="reordered")]
        return []

    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        choices = ctx.options.get("choices")
        if not isinstance(choices, Mapping) or not choices:
            return []
        phrases = _phrases(_frozen(choices))
        words = _words(text)
        if not words:
            return []
        tokens = [w[0] for w in words]
        plain = [w[3] for w in words]
        out: list[Extraction] = []
        used: set[int] = set()
        for key, phrase, _ in phrases:  # exact (stemmed) matches, longest phrase first
            n = len(phrase)
            for i in range(len(tokens) - n + 1):
                if tuple(tokens[i : i + n]) == phrase and not used & set(range(i, i + n)):
                    used.update(range(i, i + n))
                    out.append(Extraction(key, words[i][1], words[i + n - 1][2]))
        if out:
            return out
        out = self._unordered(phrases, tokens, words)
        if out:
            return out
        threshold = float(ctx.options.get("fuzzy", 0.84))
        best: tuple[float, str, int, int] | None = None
        for key, phrase, plain_phrase in phrases:
            n = len(phrase)
            sizes = {n, n + 1, max(1, n - 1)}  # STT splits and joins words
            # Stems match inflections; plain words keep the letters a stem cuts off
            # ("cleening" is "cleen" + "ing": close to "cleaning", not to "clean").
            pairs = [(" ".join(phrase), tokens)]
            if plain_phrase != pairs[0][0]:
                pairs.append((plain_phrase, plain))
            for target, seq in pairs:
                matcher: SequenceMatcher[str] | None = None  # built only if a window is close
                for size in sizes:
                    for i in range(len(seq) - size + 1):
                        window = " ".join(seq[i : i + size])
                        # Cheap filters first: similar length, and the same first letter
                        # (STT misspells inside a word: "chekup", "folow up", "consultaion").
                        if abs(len(window) - len(target)) > 3 or window[0] != target[0]:
                            continue
                        if matcher is None:
                            matcher = SequenceMatcher(None, "", target, autojunk=False)
                        matcher.set_seq1(window)
                        if matcher.real_quick_ratio() < threshold:
                            continue
                        if matcher.quick_ratio() < threshold:
                            continue
                        score = matcher.ratio()
                        if score >= threshold and (best is None or score > best[0]):
                            best = (score, key, words[i][1], words[i + size - 1][2])
        if best is not None:
            return [Extraction(best[1], best[2], best[3], rule=f"fuzzy:{best[0]:.2f}")]
        return []

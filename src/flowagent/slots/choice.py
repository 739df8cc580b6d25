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
            if len(plain) == 1:  # "pickup" is also said "pick it up", "dropoff" "drop it off"
                verb = plain[0].removesuffix("-")
                for particle in _PARTICLES:
                    if verb.endswith(particle) and len(verb) - len(particle) >= 3:
                        split = (verb[: -len(particle)], particle)
                        out.append((key, tuple(_stem(w) for w in split), " ".join(split)))
    out.sort(key=lambda p: -sum(len(w) for w in p[1]))
    return tuple(out)


_PARTICLES = ("up", "off", "in", "out", "back", "over", "down", "on")


def _window_match(phrase: tuple[str, ...], tokens: list[str]) -> tuple[int, int] | None:
    """The words of a multi-word synonym in another order, close together: "the drain's slow"
    for "slow drain", "heater for the water" is not (a window of one extra word at most)."""
    n = len(phrase)
    need = set(phrase)
    # A phrasal verb takes its object between its words: "pick the car up" for "pick up".
    sizes = (n, n + 1, n + 2) if phrase[-1] in _PARTICLES else (n, n + 1)
    for size in sizes:
        for i in range(len(tokens) - size + 1):
            if (
                need <= set(tokens[i : i + size])
                and tokens[i] in need
                and tokens[i + size - 1] in need
            ):
                return i, i + size - 1
    return None


# Saying any choice will do: "doesn't matter", "either is fine", "any time", "whichever",
# "no preference", "I'm flexible", "both work", "I don't mind", "up to you".
_INDIFFERENT = re.compile(
    r"\b(?:(?:it\s+)?(?:doesn'?t|does\s+not|don'?t)\s+matter|either\s+(?:one|way|is|works|"
    r"will\s+do)|either'?s|either(?=\s*(?:[,.!?]|$))|any\s*(?:time|one|day|of\s+them|is\s+fine|"
    r"works)|whichever|whatever\s+(?:works|is\s+(?:fine|easier|best))|no\s+preference|"
    r"(?:i'?m|i\s+am)\s+flexible|both\s+(?:work|are\s+fine|are\s+good)|i\s+(?:don'?t|do\s+not)"
    r"\s+(?:mind|care)|up\s+to\s+you|you\s+pick|your\s+(?:pick|choice|call)|wide\s+open)\b",
    re.I,
)
# How a flow writes its "any of them" choice: the key or a synonym says so.
_ANY_CHOICE = re.compile(
    r"\b(?:any|anytime|either|flexible|no\s+preference|whenever|whichever|doesn'?t\s+matter)\b",
    re.I,
)


def _indifferent(text: str, choices: object) -> Extraction | None:
    """The flow's "any" choice when the caller says any will do, else None."""
    if not isinstance(choices, Mapping) or not _INDIFFERENT.search(text):
        return None
    for key, synonyms in choices.items():
        names = [
            str(key).replace("_", " "),
            *(synonyms if isinstance(synonyms, list | tuple) else []),
        ]
        if any(_ANY_CHOICE.search(str(n)) for n in names):
            m = _INDIFFERENT.search(text)
            assert m is not None
            return Extraction(str(key), m.start(), m.end(), rule="indifferent")
    return None


# Pointing at an option: "the first one", "the latter", "second, please". The ordinal must
# stand alone — followed by "one"/"option", a pause, or the end — so "last name Vaughan" or
# "first thing in the morning" never points.
_ORDINAL = re.compile(
    r"\b(?:the\s+)?(first|former|second|latter|last)"
    r"(?:\s+(?:one|option|choice))?(?=\s*(?:[,.!?;]|$|please\b|thanks?\b|thank\s+you\b))",
    re.I,
)


def _pick(text: str, asked: tuple[str, ...], choices: object) -> Extraction | None:
    """The answer to "did you mean A or B?" that names neither in full: "the first one",
    "the latter", or a word of only one option's synonyms ("the heater" for "water heater"
    against "leak"; "water" is in both "water heater" and "water everywhere")."""
    m = _ORDINAL.search(text)
    if m is not None and len(asked) == 2:
        at = 0 if m.group(1).lower() in ("first", "former") else 1
        return Extraction(asked[at], m.start(), m.end(), rule="clarify-ordinal")
    if not isinstance(choices, Mapping):
        return None
    own: dict[str, set[str]] = {}
    for key in asked:
        synonyms = choices.get(key, [])
        names = [key.replace("_", " "), *(synonyms if isinstance(synonyms, list | tuple) else [])]
        own[key] = {_stem(w) for n in names for w in _WORD.findall(str(n).lower()) if len(w) > 3}
    said = _words(text)
    hits = {
        key
        for key, stems in own.items()
        for stem, _, _, _ in said
        if stem in stems and not any(stem in other for k, other in own.items() if k != key)
    }
    if len(hits) != 1:
        return None
    key = hits.pop()
    span = [w for w in said if w[0] in own[key]]
    return Extraction(key, span[0][1], span[-1][2], rule="clarify-part")


def _frozen(choices: Mapping[str, object]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(
        (str(k), tuple(str(s) for s in (v if isinstance(v, list | tuple) else [])))
        for k, v in choices.items()
    )


class _Layout:
    """Where each first letter starts a word, and word lengths summed, so that the fuzzy scan
    skips a window by its first letter and length without joining its words."""

    def __init__(self, words: list[str]) -> None:
        self.starting_with: dict[str, list[int]] = {}
        self._before = [0]
        for i, word in enumerate(words):
            self.starting_with.setdefault(word[:1], []).append(i)
            self._before.append(self._before[-1] + len(word))

    def length(self, i: int, size: int) -> int:
        """The length of `words[i : i + size]` joined by single spaces."""
        return self._before[i + size] - self._before[i] + size - 1


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
        anyway = _indifferent(text, ctx.options.get("choices"))
        if anyway is not None:  # "morning or afternoon, doesn't matter": the "any" choice
            return anyway
        found = [e for e in self.extract_all(text, ctx) if not e.negated]
        asked = ctx.options.get("clarify")
        if asked:
            found = [e for e in found if e.value in asked] or found
            if not found:  # "the heater one", "the second": a part of one option
                picked = _pick(text, tuple(str(a) for a in asked), ctx.options.get("choices"))
                return picked
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
        layouts = {id(tokens): _Layout(tokens), id(plain): _Layout(plain)}
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
                layout = layouts[id(seq)]
                for size in sizes:
                    # Cheap filters first, without building the window: the same first letter
                    # (STT misspells inside a word: "chekup", "folow up", "consultaion") and a
                    # similar length.
                    for i in layout.starting_with.get(target[:1], ()):
                        if i + size > len(seq):
                            break
                        if abs(layout.length(i, size) - len(target)) > 3:
                            continue
                        window = " ".join(seq[i : i + size])
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

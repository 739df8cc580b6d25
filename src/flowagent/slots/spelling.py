"""Spelled input, as a small grammar: callers spell names and email addresses letter by
letter when they expect to be misheard, and STT writes it in many ways.

A spelling is a run of *pieces*, separated by spaces, commas, dashes, dots or "and"/"then":

- a letter: "d a n a", "D-A-N-A", "J. O. E.", or its name ("dee", "ell", "aitch", "zed");
- a letter with a word for it: "r as in robert", "P for Peter", "m like Mary", "t is for tom";
- a NATO / ICAO spelling-alphabet word: "delta alpha november alpha" (source: ICAO Annex 10);
- "double l", "triple x", "two l's";
- "capital d", "upper case d", "small d", "lower case d";
- a digit, as a digit or a word ("g w e n 2 4", "four");
- in an address: "dot" / "period" / "point", "underscore", "dash" / "hyphen", "plus",
  and for names "apostrophe" and "space".

A run counts as spelling when it has at least three letters, or two with one of the stronger
forms ("as in", NATO, "double", "capital"). `spell_runs` finds every run with its span;
`spelled` keeps the old one-run helper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flowagent.slots.spoken import DIGIT_WORDS

NATO = {
    "alpha": "a",
    "alfa": "a",
    "bravo": "b",
    "charlie": "c",
    "delta": "d",
    "echo": "e",
    "foxtrot": "f",
    "golf": "g",
    "hotel": "h",
    "india": "i",
    "juliet": "j",
    "juliett": "j",
    "kilo": "k",
    "lima": "l",
    "mike": "m",
    "november": "n",
    "oscar": "o",
    "papa": "p",
    "quebec": "q",
    "romeo": "r",
    "sierra": "s",
    "tango": "t",
    "uniform": "u",
    "victor": "v",
    "whiskey": "w",
    "whisky": "w",
    "xray": "x",
    "x-ray": "x",
    "yankee": "y",
    "zulu": "z",
}
# Letter names STT writes as words; the ones that are also common words ("see", "are", "you",
# "why", "oh") are left out.
LETTER_NAMES = {
    "bee": "b",
    "cee": "c",
    "dee": "d",
    "eff": "f",
    "gee": "g",
    "aitch": "h",
    "jay": "j",
    "kay": "k",
    "ell": "l",
    "el": "l",
    "em": "m",
    "en": "n",
    "pee": "p",
    "cue": "q",
    "queue": "q",
    "ess": "s",
    "tee": "t",
    "vee": "v",
    "ex": "x",
    "wye": "y",
    "zee": "z",
    "zed": "z",
}
SYMBOLS = {
    "dot": ".",
    "period": ".",
    "point": ".",
    "underscore": "_",
    "dash": "-",
    "hyphen": "-",
    "plus": "+",
    "apostrophe": "'",
}
_LETTERISH = re.compile(
    r"(?<![A-Za-z'])(?:[A-Za-z]|"
    + "|".join(sorted({*LETTER_NAMES, *NATO}, key=len, reverse=True))
    + r")(?![A-Za-z'])",
    re.I,
)
# A contraction is one word ("I'm", "it's", "don't"): its tail is not a spelled letter.
_TOKEN = re.compile(r"x-ray|[A-Za-z]+(?:'[A-Za-z]+)?|\d|[^\sA-Za-z\d]")
# Words another extractor used are masked with spaces by the engine: a run never spans them
# ("I'm a [new patient] and I" is not "M A I").
_MASKED_GAP = 3
_SEPARATORS = {",", "-", ".", ";", "/", "and", "then", "uh", "um", "er", "comma"}
_AS_IN = ("as in", "as", "for", "like", "is for", "as in the word")
_AS_IN_FIRST = frozenset(cue.split()[0] for cue in _AS_IN)  # a cue can follow only these
_CAPITAL = {"capital", "cap", "uppercase", "upper", "big"}
_SMALL = {"small", "lowercase", "lower"}
_MULTIPLY = {"double": 2, "triple": 3, "two": 2, "three": 3}


@dataclass(frozen=True, slots=True)
class SpelledRun:
    """One spelled stretch: `text` (lower case, capitals kept where the caller said
    "capital"), its span, and how many letters it has."""

    text: str
    start: int
    end: int
    letters: int
    strong: bool  # had an "as in", NATO, "double" or "capital" piece
    words: tuple[str, ...] = ()  # "D A N A, R E Y E S" → ("dana", "reyes")


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _letter(word: str) -> str | None:
    low = word.lower()
    if len(low) == 1 and low.isalpha():
        return low
    return LETTER_NAMES.get(low)


def _words_not_letters(bare: list[str]) -> bool:
    """Single letters of mixed case where the odd ones out are the words "I" and "a": a
    sentence-case transcript's pronoun and article ("… and I", "… a …"), not a spelling. A
    spelling is written in one case ("D A N A", "d a n a")."""
    upper = {c for c in bare if c.isupper()}
    lower = {c for c in bare if c.islower()}
    return bool(upper and lower) and (upper <= {"I"} or lower <= {"a"})


def spell_runs(text: str, symbols: bool = True) -> list[SpelledRun]:
    """Every spelled run in `text`; see the module docstring. `symbols` lets "dot",
    "underscore"… be part of a run (addresses); names keep only "apostrophe"."""
    # Cheap test first: a spelling needs two letter-like words at least.
    if len(_LETTERISH.findall(text)) < 2:
        return []
    toks = _tokens(text)
    runs: list[SpelledRun] = []
    i = 0
    n = len(toks)
    while i < n:
        out: list[str] = []
        groups: list[list[str]] = [[]]
        letters = 0
        strong = False
        bare: list[str] = []  # letters written as one character, as written
        start = end = -1
        j = i
        while j < n:
            word, s, _ = toks[j]
            if out and s - end >= _MASKED_GAP and not text[end:s].strip():
                break
            low = word.lower()
            piece: str | None = None
            used = 1
            is_letter = False
            nxt = toks[j + 1][0].lower() if j + 1 < n else ""
            if low in _CAPITAL and j + 1 < n and _letter(nxt):
                used = 2 + (1 if nxt == "case" else 0)
                piece = (_letter(toks[j + used - 1][0]) or "").upper()
                is_letter = strong = bool(piece)
            elif (
                low in ("upper", "lower")
                and nxt == "case"
                and j + 2 < n
                and _letter(toks[j + 2][0])
            ):
                letter = _letter(toks[j + 2][0]) or ""
                piece, used, is_letter, strong = (
                    (letter.upper() if low == "upper" else letter),
                    3,
                    True,
                    True,
                )
            elif low in _SMALL and j + 1 < n and _letter(nxt):
                piece, used, is_letter, strong = _letter(nxt), 2, True, True
            elif (
                low in _MULTIPLY
                and j + 1 < n
                and _letter(toks[j + 1][0].rstrip("s'"))
                and (low in ("double", "triple") or toks[j + 1][0].lower().endswith(("'s", "s")))
            ):
                doubled = _letter(
                    toks[j + 1][0].lower().removesuffix("'s").rstrip("s") or toks[j + 1][0]
                )
                if doubled:
                    piece, used, is_letter, strong = doubled * _MULTIPLY[low], 2, True, True
            elif (
                low in ("double", "triple")
                and out
                and j + 1 < n
                and (nxt.isdigit() or (nxt in DIGIT_WORDS and nxt not in ("o",)))
            ):
                # "double seven" inside a spelling: the digit twice ("delaney77")
                digit = nxt if nxt.isdigit() else str(DIGIT_WORDS[nxt])
                piece, used, strong = digit * _MULTIPLY[low], 2, True
            elif low in NATO and (
                out or (j + 1 < n and (toks[j + 1][0].lower() in NATO or _letter(toks[j + 1][0])))
            ):
                piece, is_letter, strong = NATO[low], True, True
            elif _letter(word) and not (low in LETTER_NAMES and not out and not _letter(nxt)):
                piece, is_letter = _letter(word), True
                if len(word) == 1:
                    bare.append(word)
                # "r as in robert": the word after the cue must start with the letter
                for cue in _AS_IN if j + 1 < n and toks[j + 1][0].lower() in _AS_IN_FIRST else ():
                    parts = cue.split()
                    k = j + 1
                    if all(k + m < n and toks[k + m][0].lower() == p for m, p in enumerate(parts)):
                        word_at = k + len(parts)
                        if word_at < n and toks[word_at][0][:1].lower() == piece:
                            used = 1 + len(parts) + 1
                            strong = True
                            break
            elif (low.isdigit() or (low in DIGIT_WORDS and low not in ("o", "oh"))) and out:
                piece = low if low.isdigit() else str(DIGIT_WORDS[low])
            elif symbols and low in SYMBOLS and out and j + 1 < n:
                piece = SYMBOLS[low]
            elif symbols and word == "_" and out:
                piece = "_"
            elif low == "apostrophe" and out:
                piece = "'"
            elif low in _SEPARATORS and out:
                if low in (",", "comma", ";") and groups[-1]:
                    groups.append([])
                j += 1
                continue
            if piece is None:
                break
            out.append(piece)
            groups[-1].append(piece)
            if is_letter:
                letters += len(piece)
            if start < 0:
                start = s
            end = toks[j + used - 1][2]
            j += used
        # a run must not end on a symbol ("… dot" before "at")
        while out and not out[-1][-1:].isalnum():
            out.pop()
        if (letters >= 3 or (letters >= 2 and strong)) and (strong or not _words_not_letters(bare)):
            # Commas between single letters ("U, Y, E, N") or after one ("V as in Victor,
            # A-U-G-H-A-N") are pauses; between clumps of
            # letters ("D A N A, R E Y E S") they separate words.
            clumps = ["".join(g) for g in groups if g]
            single = sum(1 for c in clumps if len(c) == 1)
            words = tuple(clumps) if len(clumps) > 1 and single == 0 else ("".join(out),)
            runs.append(SpelledRun("".join(out), start, end, letters, strong, words))
            i = j
        else:
            i += 1
    return runs


def spelled(text: str) -> tuple[str, int, int] | None:
    """The word spelled out in `text`, lower-case, with its span; None if nothing is spelled."""
    runs = spell_runs(text, symbols=False)
    if not runs:
        return None
    run = max(runs, key=lambda r: r.letters)
    return run.text.lower(), run.start, run.end

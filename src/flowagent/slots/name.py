"""People's names: "my name is…", "this is…", "it's…", "I'm…", "name's…", "call me…",
"…speaking", a bare answer to the name question ("Maria", "uh, John Smith"), and spelled
names ("M A R I A", "P as in Peter…"). Not fooled by "I'm calling about…", "this is for a
checkup" or "it's a follow-up": the words after a cue must look like a name. Values are
title-cased ("maria lopez" → "Maria Lopez")."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources

from flowagent.slots.base import ExtractContext, Extraction, Extractor
from flowagent.slots.registry import register
from flowagent.slots.spelling import spell_runs, spelled

_CUE = re.compile(
    # "under" names someone only as a booking's name: "put it under", "it's under", "under
    # the name", or opening the answer ("under Smith") — not "a leak under the sink". (First:
    # the alternation is ordered, and "it's" alone would take "it's under".)
    r"\b(?:(?:(?:it's|it\s+is|put\s+it|put|book\s+it|booked|reserved|reservation)\s+)under"
    r"(?:\s+the\s+name(?:\s+of)?)?|under\s+the\s+name(?:\s+of)?|^\s*under|"
    r"my\s+name\s+is|my\s+name's|name\s+is|name's|this\s+is|it's|it\s+is|i'm|i\s+am|"
    r"call\s+me|you\s+can\s+call\s+me|speaking\s+with|you're\s+speaking\s+to|"
    r"the\s+name\s+is)\s+",
    re.I,
)
# "last name is Nguyen", "surname's Whitfield", "my last name, Delgado": a surname on its own.
_SURNAME = re.compile(r"\b(?:last|sur|family)\s*name(?:\s+is|'s|\s+would\s+be)?\s*,?\s+", re.I)
_FIRST_LAST = re.compile(
    r"\bfirst\s+name(?:\s+is|'s)?\s+(?P<first>[A-Za-z][\w'-]*)[\s,.;]+(?:and\s+)?(?:my\s+|the\s+)?"
    r"(?:last|sur|family)\s*name(?:\s+is|'s)?\s+(?P<last>[A-Za-z][\w'-]*)",
    re.I,
)
_REPEATED = re.compile(r"\s*[,.]\s*")  # between a name and its repetition
# "Mike Jones here", "hi, Marcus Webb calling": a name introducing the call, after a greeting.
_SPEAKING = re.compile(
    r"^\s*(?:(?:hi|hello|hey|yes|yeah|oh|um|uh|good\s+(?:morning|afternoon|evening)|"
    r"hi\s+there|hello\s+there)[\s,.!]+)*"
    r"([A-Za-z][\w'-]*(?:\s+[A-Za-z][\w'-]*)?)\s*,?\s+(?:speaking|here|calling)\b",
    re.I,
)
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['-])*")  # letters of any script: "José", "Zoë"
_FILLERS = {
    "uh",
    "um",
    "mm",
    "mhm",
    "hm",
    "ah",
    "eh",
    "er",
    "erm",
    "hmm",
    "oh",
    "yeah",
    "yes",
    "sure",
    "ok",
    "okay",
    "well",
    "so",
    "hi",
    "hello",
    "hey",
    "sorry",
    "it's",
    "its",
    "name",
    "my",
    "is",
    "just",
    "the",
    "please",
    "thanks",
    "that's",
    "thats",
    "spelled",
    "spelt",
    "spell",
    "spelling",
    "it",
}
# An opening that starts with the caller's name and a comma: "Kim Wu, checkup Tuesday at 10",
# "hi, Ana Ruiz, I need…" — capitalised words in a sentence-case transcript.
_OPENING = re.compile(
    r"^\s*(?:(?:hi|hello|hey|yes|yeah|oh|good\s+(?:morning|afternoon|evening))[\s,.!]+)*"
    r"([A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){0,2})\s*,"
)
# Words that cannot start or be part of a name: they mean the cue was not introducing one.
_NOT_NAME = frozenset(
    # A whitespace-separated list reads (and diffs) better than a 300-item literal.
    """
    a an the and or but for about from with without to of in on at by as is are was were be been
    calling call looking trying hoping wondering interested just here there not sure fine good
    great ok okay new returning booking book going gonna want wanted need needed would like
    available free busy checking asking ringing phoning again back still also only
    really very so um uh yes yeah no nope correct right wrong that this it me my your you
    appointment checkup check-up check up consultation consult follow follow-up followup
    cleaning visit exam patient today tomorrow yesterday monday tuesday wednesday thursday
    friday saturday sunday morning afternoon evening noon night week next weekend please thanks
    thank hi hello hey who what when where why how can could will shall should may might do does
    did have has had get got make made i i'd i'll i've we they he she him her them our their
    am pm o'clock one two three four five six seven eight nine ten eleven twelve
    january february march april june july august september october november december
    regarding re reschedule cancel change help person human agent representative operator
    first second last time date day number phone email address under table reservation
    maybe perhaps probably possibly definitely certainly actually anyway whenever soon later
    speaking urgent important emergency late early ready done sick ill alright broken
    complicated possible serious quick cancelled canceled confirmed sorry i'm im i've i'll
    we're we it's its
    """.split()  # noqa: SIM905
)
# Keyboard mashing and placeholder words typed into a REPL or test, never names.
_NONSENSE = {
    "qwerty",
    "asdf",
    "asdfgh",
    "blah",
    "blorp",
    "lorem",
    "ipsum",
    "foo",
    "bar",
    "baz",
    "test",
    "gibberish",
    "nothing",
    "something",
    "whatever",
    "nobody",
    "dunno",
    "idk",
}
_VOWEL = re.compile(r"[aeiouy]", re.I)
_REPEAT = re.compile(r"(.)\1\1", re.I)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Common English words that are not names (slots/data/common_words.txt: wordfreq's
    English words down to about one in a million, minus US Census first names and the 4,000
    commonest surnames; see benchmarks/data/build_common_words.py)."""
    text = resources.files("flowagent.slots").joinpath("data/common_words.txt").read_text("utf-8")
    return frozenset(w for w in text.split() if not w.startswith("#"))


def plausible(word: str) -> bool:
    """A word that could be a name: not a common word ("sink", "maybe"), has a vowel, no
    triple letters, and not a lower-case "-ing" form ("I'm leaving", "it's raining")."""
    return word.lower() not in common_words() and name_shaped(word)


def name_shaped(word: str) -> bool:
    """`plausible` without the common-word test: for words capitalised inside a sentence,
    which STT writes only for names ("this is Dev Patel")."""
    low = word.lower()
    return (
        low not in _NOT_NAME
        and not (word.islower() and len(low) > 5 and low.endswith("ing"))
        and low not in _NONSENSE
        and bool(_VOWEL.search(low))
        and not _REPEAT.search(low)
    )


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()


_TITLE = re.compile(r"^(?:mr|mrs|ms|miss|dr|doctor)\.?$", re.I)


def _title(word: str) -> str:
    if word.isupper() or word.islower():
        word = "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))
        head, apostrophe, tail = word.partition("'")
        if apostrophe and len(head) == 1 and tail:  # "o'brien" → "O'Brien", "d'angelo"
            word = f"{head}'{tail[:1].upper()}{tail[1:]}"
        return word
    return word[0].upper() + word[1:]


def _cased(text: str) -> bool:
    """Whether the transcript is in sentence case, so that a capital inside it means a name."""
    letters = [c for c in text if c.isalpha()]
    # (a run of spaces is words another slot used, masked by the engine: there were more)
    return (
        bool(letters)
        and any(c.islower() for c in letters)
        and (not text.istitle() or "   " in text)
    )


def _accepted(word: str, at: int, text: str, cased: bool) -> bool:
    """A name word: plausible, or a common word capitalised inside a sentence-case
    transcript ("Dev", "Hunter", "Faith")."""
    if plausible(word):
        return True
    if not (cased and word[:1].isupper() and name_shaped(word)):
        return False
    i = at - 1
    while i >= 0 and text[i].isspace():  # the character before the word, not a full stop
        i -= 1
    return i >= 0 and text[i] not in ".!?"


def _name_words(
    text: str, pos: int, limit: int = 3, cased: bool | None = None
) -> tuple[list[str], int] | None:
    """Up to `limit` name-like words starting at `pos`; their end; None if the first isn't one.
    `cased`: whether `text` is in sentence case (`_cased`), computed once by the caller."""
    words: list[str] = []
    end = pos
    if cased is None:
        cased = _cased(text)
    for m in _WORD.finditer(text, pos):
        between = text[end : m.start()]
        # Longer gaps are words another extractor used and the engine masked with spaces.
        if words and (between.strip() or len(between) > 2 or len(words) >= limit):
            break
        if not words and text[end : m.start()].strip().strip("."):
            break  # (the dot after a title: "Dr. Alan Grant")
        low = m.group(0).lower()
        if _TITLE.match(low) and not words:
            end = m.end()
            continue
        if not _accepted(m.group(0), m.start(), text, cased) or (len(low) < 2 and not words):
            break
        words.append(m.group(0))
        end = m.end()
    if not words or words[0].lower() in _NOT_NAME:
        return None
    if any(w.lower().endswith("'s") for w in words):
        return None  # "I'm Maria's mom", "this is Kevin's wife": someone else's name
    return words, end


@register("name")
class NameExtractor(Extractor):
    """Finds a caller's name; see the module docstring."""

    priority = 30

    def __init__(self) -> None:
        common_words()  # loaded when a flow is compiled (~9 ms), not in a caller's first turn

    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        both = _FIRST_LAST.search(text)
        if both and plausible(both.group("first")) and plausible(both.group("last")):
            value = f"{_title(both.group('first'))} {_title(both.group('last'))}"
            return [Extraction(value, both.start("first"), both.end("last"))]
        spelled_name = self._spelled(text, ctx)
        if spelled_name is not None:
            return [spelled_name]
        cased = _cased(text)
        surname = _SURNAME.search(text)
        if surname is not None:
            found = _name_words(text, surname.end(), limit=2, cased=cased)
            if found is not None:
                words, end = found
                value = " ".join(_title(w) for w in words)
                return [Extraction(value, surname.end(), end, rule="surname")]
        out: list[Extraction] = []
        for cue in _CUE.finditer(text):
            if len(cue.group(0)) - len(cue.group(0).rstrip()) > 2:
                continue  # the cue's next words were masked: "it's [5] minutes away"
            found = _name_words(text, cue.end(), cased=cased)
            if found is not None:
                words, end = found
                again = _REPEATED.match(text, end)
                longer = _name_words(text, again.end(), cased=cased) if again else None
                if longer is not None and longer[0][0].lower() == words[0].lower():
                    (words, end) = longer  # "it's Samantha, Samantha Lee": the fuller one
                out.append(Extraction(" ".join(_title(w) for w in words), cue.end(), end))
        if out:
            return out
        cued = any(True for _ in _CUE.finditer(text))
        opening = _OPENING.match(text)
        if opening and cased:
            words = opening.group(1).split()
            if all(name_shaped(w) for w in words) and any(plausible(w) for w in words):
                value = " ".join(_title(w) for w in words)
                return [Extraction(value, opening.start(1), opening.end(1), rule="opening")]
        m = _SPEAKING.match(text)
        if m and all(plausible(w) for w in m.group(1).split()):
            return [
                Extraction(" ".join(_title(w) for w in m.group(1).split()), m.start(1), m.end(1))
            ]
        if not ctx.expected or (cued and spelled(text) is None):
            return []  # "I'm ok", "it's me again": a cue that led to no name is not a bare name
        letters = spelled(text)
        if letters is not None and len(letters[0]) >= 2:
            word, start, end = letters
            return [Extraction(_title(word), start, end, rule="spelled")]
        return self._bare(text)

    def _spelled(self, text: str, ctx: ExtractContext) -> Extraction | None:
        """A spelled name ("S I O B H A N", "N as in Nancy, G…", "D A N A, R E Y E S"),
        also after the name said aloud ("my name is Siobhan, S I O B H A N": the spelling
        wins). Only when the name was asked for or a name cue introduces it."""
        runs = [r for r in spell_runs(text, symbols=False) if r.letters >= 2]
        if not runs:
            return None
        cue = _CUE.search(text) or _SURNAME.search(text)
        if not (ctx.expected or (cue is not None and cue.end() <= runs[0].start + 40)):
            return None
        words = [w for r in runs[:2] for w in r.words if any(c.isalpha() for c in w)]
        if not words or any(len(w) < 2 for w in words):
            return None
        said = self._said_before(text[: runs[0].start], ctx)
        if said and len(words) == 1 and len(said) > 1:
            # "Jon Mattsson, that's M A double T S S O N": the spelling is of one of the words
            # said; the others stay.
            at = max(range(len(said)), key=lambda i: _similar(said[i].lower(), words[0]))
            if _similar(said[at].lower(), words[0]) >= 0.5:
                words = [*said[:at], words[0], *said[at + 1 :]]
        value = " ".join(_title(w) for w in words[:3])
        start = cue.end() if cue is not None and cue.end() <= runs[0].start else runs[0].start
        return Extraction(value, start, runs[min(len(runs), 2) - 1].end, rule="spelled")

    def _said_before(self, text: str, ctx: ExtractContext) -> list[str]:
        """The name said aloud before a spelling, as words ([] if none)."""
        found = [e for e in self._extract_unspelled(text, ctx) if isinstance(e.value, str)]
        return str(found[-1].value).split() if found else []

    def _extract_unspelled(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        out: list[Extraction] = []
        cased = _cased(text)
        for cue in _CUE.finditer(text):
            found = _name_words(text, cue.end(), cased=cased)
            if found is not None:
                out.append(Extraction(" ".join(found[0]), cue.end(), found[1]))
        return out or (self._bare(text) if ctx.expected else [])

    def _bare(self, text: str) -> list[Extraction]:
        """A bare answer to "what's your name?": one to three name-like words, maybe with
        fillers around them ("uh, John Smith", "Maria, thanks")."""
        words = list(_WORD.finditer(text))
        kept = [
            w for w in words if w.group(0).lower() not in _FILLERS and not _TITLE.match(w.group(0))
        ]
        if not kept or len(kept) > 3:
            return []
        # The first word must be name-like; the others may be surnames that are also words
        # ("Yara Said", "Ruth Waters"), as the whole answer is the name.
        if not plausible(kept[0].group(0)) or any(
            not name_shaped(w.group(0)) or len(w.group(0)) < 2 for w in kept
        ):
            return []
        if re.search(r"\d", text):
            return []
        return [
            Extraction(" ".join(_title(w.group(0)) for w in kept), kept[0].start(), kept[-1].end())
        ]

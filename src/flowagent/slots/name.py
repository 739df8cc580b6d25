"""People's names: "my name is…", "this is…", "it's…", "I'm…", "name's…", "call me…",
"…speaking", a bare answer to the name question ("Maria", "uh, John Smith"), and spelled
names ("M A R I A", "P as in Peter…"). Not fooled by "I'm calling about…", "this is for a
checkup" or "it's a follow-up": the words after a cue must look like a name. Values are
title-cased ("maria lopez" → "Maria Lopez")."""

from __future__ import annotations

import re
from dataclasses import replace
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources

from flowagent.slots.base import ExtractContext, Extraction, Extractor
from flowagent.slots.registry import get_extractor, register
from flowagent.slots.spelling import spell_runs, spelled

_CUE = re.compile(
    # "under" names someone only as a booking's name: "put it under", "it's under", "under
    # the name", or opening the answer ("under Smith") — not "a leak under the sink". (First:
    # the alternation is ordered, and "it's" alone would take "it's under".)
    r"\b(?:(?:(?:it's|it\s+is|put\s+it|put|book\s+it|booked|reserved|reservation)\s+)under"
    r"(?:\s+the\s+name(?:\s+of)?)?|under\s+the\s+name(?:\s+of)?|^\s*under|"
    r"my\s+name\s+is|my\s+name's|name\s+is|name's|this\s+is|it's|it\s+is|i'm|i\s+am|"
    r"call\s+me|you\s+can\s+call\s+me|speaking\s+with|you're\s+speaking\s+to|"
    r"the\s+name\s+is|(?:my|the)\s+name(?=\s*[,:–—-]))"
    # then a pause or a hesitation before the name: "my name's, uh, Jamal Wright", "under my
    # name, Jerome Bassett", "the name: Ito"
    r"(?:\s*[,:–—-])?\s+(?:(?:uh+|um+|er+|erm|ah|hmm+|well)\b[\s,.]*)*",
    re.I,
)
# "last name is Nguyen", "surname's Whitfield", "my last name, Delgado": a surname on its own.
_SURNAME = re.compile(
    r"\b(?:last|sur|family)\s*name(?:\s+is|'s|\s+would\s+be)?(?:\s+actually)?\s*,?\s+", re.I
)
_FIRST_LAST = re.compile(
    r"\bfirst\s+name(?:\s+is|'s)?\s+(?P<first>[A-Za-z][\w'-]*)[\s,.;]+(?:and\s+)?(?:my\s+|the\s+)?"
    r"(?:last|sur|family)\s*name(?:\s+is|'s)?\s+(?P<last>[A-Za-z][\w'-]*)",
    re.I,
)
_REPEATED = re.compile(r"\s*[,.]\s*")  # between a name and its repetition
# Between a spelling and a word said after it: "…, Delaney", "… and Delaney", "… that's".
_AFTER_SPELLING = re.compile(r"[\s,.;:-]*(?:(?:and|then|that's|that\s+is|is)\b[\s,]*)?")
# "Mike Jones here", "hi, Marcus Webb calling": a name introducing the call, after a greeting.
_SPEAKING = re.compile(
    r"^\s*(?:(?:hi|hello|hey|yes|yeah|oh|um|uh|good\s+(?:morning|afternoon|evening)|"
    r"hi\s+there|hello\s+there)[\s,.!]+)*"
    # possessive spaces: "\s*,?\s+" split a long run of spaces every way before failing
    r"([^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*){0,4}?)(?:\s*+,)?\s++(?:speaking|here|calling)\b",
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
# (Matched after leading acknowledgements: "Okay, good. Patricia Ortiz." — a name that is a
# whole sentence counts too.)
_OPENING = re.compile(
    r"\s*(?:(?:hi|hello|hey|yes|yeah|oh|good\s+(?:morning|afternoon|evening))[\s,.!]+)*"
    r"([A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){0,2})\s*(?:,|\.(?=\s|$)|$)"
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
    oh ah aw huh hm hmm wow gosh jeez ugh oops whoa er erm mm mhm uh-huh
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
# Clauses that acknowledge what the agent said before the caller answers ("Okay, good.
# Patricia Ortiz.", "Great, thanks — Li Wei"): skipped before a bare name.
_ACKNOWLEDGEMENTS = _FILLERS | {
    "good",
    "great",
    "perfect",
    "cool",
    "fine",
    "alright",
    "awesome",
    "wonderful",
    "thank",
    "you",
    "got",
    "gotcha",
    "makes",
    "sense",
    "that",
    "helps",
    "right",
    "nice",
    "excellent",
    "bye",
    "goodbye",
    "cheers",
}
_CLAUSE_END = re.compile(r"[.,!?;:–—]+\s*")
_VOWEL = re.compile(r"[aeiouy]", re.I)
_VOWELLESS = frozenset({"ng"})  # the Cantonese surname (吳, 伍): no vowel, yet a name
_REPEAT = re.compile(r"(.)\1\1", re.I)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Common English words that are not names (slots/data/common_words.txt: wordfreq's
    English words down to about one in a million, minus US Census first names and the 4,000
    commonest surnames; see benchmarks/data/build_common_words.py)."""
    text = resources.files("flowagent.slots").joinpath("data/common_words.txt").read_text("utf-8")
    return frozenset(w for w in text.split() if not w.startswith("#"))


@lru_cache(maxsize=1)
def name_words() -> frozenset[str]:
    """Names that are also everyday English words ("hope", "will", "fan", "he"):
    slots/data/name_words.txt, built beside common_words.txt. Said alone as the whole answer,
    one of them is confirmed with the caller rather than taken or refused."""
    text = resources.files("flowagent.slots").joinpath("data/name_words.txt").read_text("utf-8")
    return frozenset(w for w in text.split() if not w.startswith("#"))


def everyday(word: str) -> bool:
    """A name that is also an everyday word (see `name_words`)."""
    return word.lower() in name_words()


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
        # (a gerund, not a hyphenated name's last part: "Hui-ling")
        and not (word.islower() and len(low.rsplit("-", 1)[-1]) > 5 and low.endswith("ing"))
        and low not in _NONSENSE
        and (bool(_VOWEL.search(low)) or low in _VOWELLESS)
        and not _REPEAT.search(low)
    )


# Cues by which callers name themselves ("my name is", "I'm", "this is", "call me"), as
# against cues that name whatever was asked about ("it's Rex", "her name is Bella", "under
# Smith"): only the first kind fills a name slot while another question is asked for free text.
_SELF = re.compile(
    r"(?:my\s+name|i'm|i\s+am|this\s+is|call\s+me|you\s+can\s+call\s+me|speaking|you're)\b",
    re.I,
)
_MY_BEFORE = re.compile(r"\bmy\s*$", re.I)


def _cue_rule(text: str, cue: re.Match[str]) -> str:
    """ "self" for a cue by which callers name themselves, else "cue"."""
    said = cue.group(0).lower()
    if _SELF.match(said) or (said.startswith("name") and _MY_BEFORE.search(text[: cue.start()])):
        return "self"
    return "cue"


def _past_acknowledgements(text: str) -> int:
    """Where `text` starts once leading clauses of only acknowledgements are skipped."""
    at = 0
    for m in _CLAUSE_END.finditer(text):
        words = [w.lower() for w in _WORD.findall(text[at : m.start()])]
        if not words or not all(w in _ACKNOWLEDGEMENTS for w in words):
            break
        at = m.end()
    return at


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()


_TITLE = re.compile(r"^(?:mr|mrs|ms|miss|dr|doctor)\.?$", re.I)
# Words that join the parts of a name and are written in lower case inside it: "Juan Carlos
# de la Cruz", "Ludwig van der Berg", "Ahmad bin Abdullah", "Ana Paula dos Santos".
_PARTICLES = frozenset(
    """de la las los del della di da das dos du van von der den ter ten bin binti bint ibn
    y e""".split()  # noqa: SIM905
)
# Words that join a name's parts but are written capitalised: "Siobhan Ni Bhriain", "Seamus
# Mac Giolla", "Lynda O Coisdeala", "Samir Abu Ghazaleh", "Zoe Ó Coilín".
_LINKS = frozenset("ni nic mac mc o ó ua abu al el le st".split())  # noqa: SIM905


def _joins(word: str) -> bool:
    """A word that joins two parts of a name (a particle or a link: "de", "van", "Ni")."""
    low = word.lower()
    return low in _PARTICLES or low in _LINKS


def _title(word: str, inner: bool = False) -> str:
    """A name word as written in the value: `inner` particles stay in lower case ("de")."""
    if inner and word.islower() and word in _PARTICLES:
        return word
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
    text: str, pos: int, limit: int = 4, cased: bool | None = None
) -> tuple[list[str], int] | None:
    """Up to `limit` name-like words starting at `pos`, with the particles between them ("Juan
    Carlos de la Cruz"); their end; None if the first isn't one. `cased`: whether `text` is
    in sentence case (`_cased`), computed once by the caller. A first word that is also a
    function word ("Will", "He", "Said") counts only before a name that is no word ("He
    Jing", "Will Okafor"), so "this is he" and "I'm will…" are not names."""
    words: list[str] = []
    joins: list[str] = []  # particles said after the last name word, waiting for the next
    end = at = pos
    if cased is None:
        cased = _cased(text)
    for m in _WORD.finditer(text, pos):
        word = m.group(0)
        between = text[at : m.start()]
        named = len(words) - sum(1 for w in words if _joins(w))
        # Longer gaps are words another extractor used and the engine masked with spaces.
        if words and (between.strip() or len(between) > 2 or named >= limit):
            break
        if not words and between.strip().strip("."):
            break  # (the dot after a title: "Dr. Alan Grant")
        low = word.lower()
        if _TITLE.match(low) and not words:
            end = at = m.end()
            continue
        if words and _joins(word):
            joins.append(word)  # "de", "van", "Ni": kept if a name word follows
            at = m.end()
            continue
        if not words:
            ok = _accepted(word, m.start(), text, cased) or everyday(word)
        else:
            ok = _accepted(word, m.start(), text, cased) or (
                bool(joins) and everyday(word)  # "Nguyen Van An"
            )
        if not ok or (len(low) < 2 and not words):
            break
        words.extend(joins)
        joins = []
        words.append(word)
        end = at = m.end()
    if len(joins) == 1 and plausible(joins[0]):
        words.append(joins[0])  # "Amit Das", "Jane Le": a name, as no name ends in a particle
        end = at
    if not words:
        return None
    if words[0].lower() in _NOT_NAME and not (
        len(words) > 1 and plausible(words[1]) and not everyday(words[1])
    ):
        return None
    if any(w.lower().endswith("'s") for w in words):
        return None  # "I'm Maria's mom", "this is Kevin's wife": someone else's name
    return words, end


def _joined(words: list[str]) -> str:
    """The value: name words title-cased, particles inside kept in lower case."""
    last = len(words) - 1
    return " ".join(_title(w, 0 < i < last) for i, w in enumerate(words))


# Before a noun, never before a name: "the leak", "my bill", "a cleaning".
_DETERMINERS = frozenset("the a an my your our his her their this that some any no".split())  # noqa: SIM905


@register("name")
class NameExtractor(Extractor):
    """Finds a caller's name; see the module docstring."""

    priority = 30

    def __init__(self) -> None:
        common_words()  # loaded when a flow is compiled (~9 ms), not in a caller's first turn

    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        found = self._extract_names(text, ctx)
        asked = ctx.options.get("clarify")
        if not (ctx.expected and asked and len(asked) == 1):
            return found
        # The answer to "did you mean Hope?": the name said again, or yes/no.
        candidate = str(asked[0])
        if any(e.value is not None for e in found):
            return found  # "no, it's Hopkins"
        for e in found:
            if e.candidates and str(e.candidates[0]).casefold() == candidate.casefold():
                return [Extraction(candidate, e.start, e.end, rule="confirmed")]
        answer = get_extractor("yesno").extract(text, replace(ctx, options={}))
        if answer is not None and answer.value is True:
            return [Extraction(candidate, answer.start, answer.end, rule="confirmed")]
        if answer is not None and answer.value is False:
            return [Extraction(None, answer.start, answer.end, problem="name_not_confirmed")]
        return found

    def _extract_names(self, text: str, ctx: ExtractContext) -> list[Extraction]:
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
                return [Extraction(_joined(words), surname.end(), end, rule="surname")]
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
                value = _joined(words)
                out.append(Extraction(value, cue.end(), end, rule=_cue_rule(text, cue)))
        if out:
            return out
        cued = any(True for _ in _CUE.finditer(text))
        after_ack = _past_acknowledgements(text)
        opening = _OPENING.match(text, after_ack)
        if opening and not after_ack and not opening.group(0).rstrip().endswith(","):
            opening = None  # a whole-sentence name only after an acknowledgement
        if opening and cased:
            words = opening.group(1).split()
            bare = self._bare(text) if ctx.expected else []
            if bare and bare[0].start <= opening.start(1) and bare[0].end > opening.end(1):
                return bare  # "Kwon, Ji-woo": the whole answer is the name
            if all(name_shaped(w) for w in words) and any(plausible(w) for w in words):
                value = " ".join(_title(w) for w in words)
                return [Extraction(value, opening.start(1), opening.end(1), rule="opening")]
        m = _SPEAKING.match(text)
        # "Ludwig van der Berg here", "Dalia Mendes calling" (capitalised in a sentence-case
        # transcript): every word up to the cue is part of the name
        said = _name_words(text, m.start(1), cased=cased) if m else None
        if m and said is not None and said[1] == m.end(1) and plausible(said[0][0]):
            return [Extraction(_joined(said[0]), m.start(1), m.end(1), rule="speaking")]
        if not ctx.expected or (cued and spelled(text) is None):
            return []  # "I'm ok", "it's me again": a cue that led to no name is not a bare name
        letters = spelled(text)
        if letters is not None and len(letters[0]) >= 2:
            word, start, end = letters
            return [Extraction(_title(word), start, end, rule="spelled")]
        return self._bare(text)

    def _spelled(self, text: str, ctx: ExtractContext) -> Extraction | None:
        """A spelled name ("S I O B H A N", "N as in Nancy, G…", "D A N A, R E Y E S"), with
        the words said around it. Only when the name was asked for or a name cue introduces
        it. A spelling confirms the word said just before it ("my name is Siobhan, S I O B
        H A N"; "Jon Mattsson, that's M A double T S S O N": the most similar one); words
        said after it and "last name X" add to the name ("Siobhan, S I O B H A N, Delaney";
        "It's Nico, last name Gallo, that's G A double L O" → Nico Gallo)."""
        runs = [r for r in spell_runs(text, symbols=False) if r.letters >= 2][:3]
        if not runs:
            return None
        cue = _CUE.search(text) or _SURNAME.search(text)
        if not (ctx.expected or (cue is not None and cue.end() <= runs[0].start + 40)):
            return None
        for r in runs:
            if any(len(w) < 2 and any(c.isalpha() for c in w) for w in r.words):
                return None
        parts: list[str] = []
        surname_only = True
        start, at = -1, 0
        for r in runs:
            pending: list[int] = []  # indexes in `parts` of the words just said
            for words, w_start, is_surname in self._said_between(text, at, r.start, ctx, at == 0):
                pending = list(range(len(parts), len(parts) + len(words)))
                parts.extend(words)
                surname_only = surname_only and is_surname
                start = w_start if start < 0 else start
            _confirm(parts, pending, [w for w in r.words if any(c.isalpha() for c in w)])
            start = r.start if start < 0 else start
            at = r.end
        end = runs[-1].end
        for words, w_start, _ in self._said_between(text, at, len(text), ctx, False)[:1]:
            parts.extend(words)  # "Siobhan, S I O B H A N, Delaney"
            surname_only = False
            end = text.find(words[-1], w_start) + len(words[-1])
        if not parts:
            return None
        value = " ".join(_title(w) for w in parts[:3])
        if cue is not None and cue.end() <= runs[0].start:
            start = min(start, cue.end())
        rule = "surname-spelled" if surname_only and _SURNAME.search(text) else "spelled"
        return Extraction(value, max(start, 0), end, rule=rule)

    def _said_between(
        self, text: str, start: int, end: int, ctx: ExtractContext, first: bool
    ) -> list[tuple[list[str], int, bool]]:
        """The name words said in `text[start:end]`, around spellings: (words, where, whether
        a surname cue introduced them), in order. The first stretch reads cues and, when the
        name was asked for, a bare name; later stretches "last name X", or a name right
        after a spelling (past "and", "that's"…)."""
        segment = text[:end]
        out: list[tuple[list[str], int, bool]] = []
        cased = _cased(text)
        for m in _SURNAME.finditer(segment, start):
            found = _name_words(segment, m.end(), limit=2, cased=cased)
            if found is not None:
                out.append((found[0], m.end(), True))
        if first:
            taken = [(w, w + len(" ".join(words))) for words, w, _ in out]
            for e in self._extract_unspelled(segment, ctx):
                if not any(a <= e.start < b or e.start <= a < e.end for a, b in taken):
                    out.append((str(e.value).split(), e.start, False))
        elif not out:
            lead = _AFTER_SPELLING.match(segment, start)
            if lead is not None:
                found = _name_words(segment, lead.end(), limit=2, cased=cased)
                if found is not None:
                    out.append((found[0], lead.end(), False))
        out.sort(key=lambda item: item[1])
        return out

    def _extract_unspelled(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        out: list[Extraction] = []
        cased = _cased(text)
        for cue in _CUE.finditer(text):
            found = _name_words(text, cue.end(), cased=cased)
            if found is not None:
                out.append(Extraction(" ".join(found[0]), cue.end(), found[1]))
        bare = self._bare(text) if ctx.expected and not out else []
        return out or [e for e in bare if e.value is not None]

    def _bare(self, text: str) -> list[Extraction]:
        """A bare answer to "what's your name?": one to four name-like words, maybe with
        fillers around them and particles between them ("uh, John Smith", "Maria, thanks",
        "de la Fuente"). Answers made only of everyday words that are also names ("Hope",
        "Will", "Fan", "Mark King") are asked about: no value, the name as the one candidate,
        so the engine asks "did you mean Hope?"."""
        words = list(_WORD.finditer(text, _past_acknowledgements(text)))
        kept = [
            w for w in words if w.group(0).lower() not in _FILLERS and not _TITLE.match(w.group(0))
        ]
        if not kept or re.search(r"\d", text):
            return []
        before = [w.group(0).lower() for w in words if w.end() <= kept[0].start()]
        if before and before[-1] in _DETERMINERS:
            return []  # "the leak", "my bill": a noun, not a name
        said = [w.group(0) for w in kept]
        while len(said) > 1 and said[-1].lower() in _ACKNOWLEDGEMENTS:
            said.pop()  # "Pieter de Vries, thank you"
            kept.pop()
        if all(w.lower() in _ACKNOWLEDGEMENTS for w in said):
            return []  # "ok cool", "good"
        # particles between name words; one at the end is a name ("Amit Das", "Jane Le")
        inner = [i for i, w in enumerate(said) if 0 < i < len(said) - 1 and _joins(w)]
        named = [w for i, w in enumerate(said) if i not in inner]
        if not named or len(named) > 4:
            return []
        first = named[0]
        for i, word in enumerate(said):
            low = word.lower()
            if i in inner or (i == 0 and _joins(word) and len(said) > 1):
                continue  # "de la Fuente": a surname with its particles
            after_join = i > 0 and (i - 1) in inner
            if len(low) < 2 or not (name_shaped(word) or everyday(word)):
                return []
            if low in _NOT_NAME and word != first and not after_join:
                return []  # "Maria on…", "Hope we…"
        if first.lower() in common_words():
            return []  # "sink", "maybe": a common word that is no name
        if first.lower() in _NOT_NAME and not (
            len(named) == 1 or (plausible(named[1]) and not everyday(named[1]))
        ):
            return []  # "Will Turner", "He Jing" are names; "Will be", "He is" are not
        value = _joined(said)
        start, end = kept[0].start(), kept[-1].end()
        if all(everyday(w) for w in named):
            if any(w.lower() in _NOT_NAME for w in named[1:]):
                return []
            return [Extraction(None, start, end, rule="bare", candidates=(value,))]
        if not any(plausible(w) and not everyday(w) for w in named):
            return []  # "kitchen sink": everyday words, one no name
        return [Extraction(value, start, end, rule="bare")]


def _confirm(parts: list[str], pending: list[int], spelled_words: list[str]) -> None:
    """Put a spelling into `parts`: in place of the word it spells among the words just said
    (`pending`: the most similar, or the only one), else after them."""
    if not spelled_words:
        return
    if pending and len(spelled_words) == 1:
        at = max(pending, key=lambda i: _similar(parts[i].lower(), spelled_words[0]))
        if _similar(parts[at].lower(), spelled_words[0]) >= 0.5 or len(pending) == 1:
            parts[at] = spelled_words[0]
            return
    if pending and len(spelled_words) == len(pending):
        for i, word in zip(pending, spelled_words, strict=True):
            parts[i] = word
        return
    parts.extend(spelled_words)

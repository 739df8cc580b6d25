"""Is the caller asking something? A small grammar of English question forms, not a list of
questions.

Callers ask things mid-flow ("how much does a checkup cost?", "do you take Delta Dental?",
"I was wondering where you're located"). Such an utterance is never an answer to the flow's
question, so its words must not become slot values. Three shapes are recognised after
leading fillers and greetings ("um", "hi", "quick question", "sorry"):

- **wh-questions**: a wh-word followed (within two words) by an auxiliary verb — "what time
  do you close", "how much is it", "where's the office" — or "how much / many / long / soon…";
- **inverted yes/no questions**: an auxiliary verb then a subject — "do you take…",
  "is there parking", "are you open…";
- **indirect questions**: a lead-in such as "I was wondering", "can you tell me", "do you
  know", "I'd like to know" followed by any question or a topic.

Two look-alikes are not questions: **requests** in question form ("can I book a cleaning?",
"could you fit me in Friday?", "would it be possible to come in at 3?": a subject I/we/you
with a verb of booking or coming) and **proposals** ("what about Tuesday?", "how about 3?").
`kind` says which; `text ends with "?"` alone is a weak sign (`"tag"`): "Tuesday?" is an answer
said with rising intonation.
"""

from __future__ import annotations

import re

INFO = "info"  # a wh- or indirect question: answer it or deflect it, never store it
YESNO = "yesno"  # "do you take…?", "is there…?": a question, unless it carries a value
REQUEST = "request"  # a request phrased as a question: the state handles it
PROPOSAL = "proposal"  # "what about Tuesday?": an answer
TAG = "tag"  # only a question mark

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_WH = frozenset({"what", "when", "where", "why", "how", "who", "which", "whose", "whom"})
_WH_CONTRACTED = frozenset(
    {"what's", "when's", "where's", "why's", "how's", "who's", "what're", "where're", "how're"}
)
_HOW_MUCH = frozenset({"much", "many", "long", "soon", "far", "late", "early", "often", "old"})
_AUX = frozenset(
    [
        "do",
        "does",
        "did",
        "is",
        "are",
        "was",
        "were",
        "can",
        "could",
        "will",
        "would",
        "should",
        "shall",
        "may",
        "might",
        "must",
        "have",
        "has",
        "am",
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "aren't",
        "won't",
        "can't",
        "couldn't",
        "wouldn't",
        "shouldn't",
        "haven't",
        "hasn't",
        "wasn't",
        "weren't",
    ]
)
_SUBJECTS = frozenset(
    [
        "you",
        "i",
        "we",
        "it",
        "there",
        "they",
        "he",
        "she",
        "that",
        "this",
        "your",
        "my",
        "our",
        "the",
        "a",
        "an",
        "anyone",
        "someone",
        "somebody",
        "anybody",
        "y'all",
        "u",
        "ya",
        "ye",
        "these",
        "those",
    ]
)
_FIRST_PERSON = frozenset({"i", "we"})
# Verbs of booking and coming: "can I book…", "could you fit me in…" ask for what the flow does.
_REQUEST_VERBS = frozenset(
    [
        "book",
        "make",
        "schedule",
        "reschedule",
        "get",
        "come",
        "set",
        "see",
        "have",
        "reserve",
        "do",
        "switch",
        "change",
        "move",
        "add",
        "put",
        "fit",
        "squeeze",
        "send",
        "sign",
        "pencil",
        "bring",
        "stop",
        "drop",
        "help",
        "start",
        "cancel",
        "take",
    ]
)
_FILLERS = frozenset(
    [
        "um",
        "uh",
        "er",
        "erm",
        "hmm",
        "so",
        "and",
        "oh",
        "okay",
        "ok",
        "hi",
        "hello",
        "hey",
        "yeah",
        "yes",
        "well",
        "also",
        "sorry",
        "actually",
        "but",
        "just",
        "alright",
        "right",
        "quick",
        "one",
        "question",
        "real",
        "thanks",
        "thank",
        "excuse",
        "me",
        "there",
        "again",
        "now",
        "umm",
    ]
)
_LEAD_INS = (
    "i was wondering",
    "i'm wondering",
    "im wondering",
    "just wondering",
    "wondering",
    "i was curious",
    "i'm curious",
    "i wanted to know",
    "i want to know",
    "i'd like to know",
    "i would like to know",
    "i need to know",
    "i wanted to ask",
    "i want to ask",
    "i have a question about",
    "i had a question about",
    "i have a question",
    "question about",
    "can you tell me",
    "could you tell me",
    "can you let me know",
    "could you let me know",
    "would you tell me",
    "do you know",
    "do you happen to know",
    "may i ask",
    "can i ask",
    "could i ask",
    "let me ask",
    "tell me",
)
_LEAD_IN = re.compile(r"^(?:" + "|".join(re.escape(p) for p in _LEAD_INS) + r")\b\s*(?:you\s+)?")
_PROPOSAL = re.compile(
    r"^(?:what|how)\s+about\b|^how'?s\s+\w+\s*$|^how\s+(?:does|is)\s+\w+\s+(?:sound|work)"
)
_POSSIBLE = re.compile(
    r"\b(?:possible|able|any\s+chance|any\s+way|okay|ok|alright)\s+(?:to|if|for)\b"
)


def _clauses(text: str) -> list[str]:
    """The clauses of `text`, each keeping its own question mark."""
    parts = re.split(r"(?<=[?])\s*|[,.;!]+|\s+-+\s+|\s+and\s+(?=\w+\s)", text)
    return [c.strip() for c in parts if c and c.strip()]


def _strip_fillers(words: list[str]) -> list[str]:
    i = 0
    while i < len(words) and words[i] in _FILLERS:
        i += 1
    return words[i:]


def _clause_kind(clause: str) -> str | None:
    low = clause.lower().replace("’", "'")
    words = _strip_fillers(_WORD.findall(low))
    if not words:
        return None
    rest = " ".join(words)
    if _PROPOSAL.search(rest):
        return PROPOSAL
    lead = _LEAD_IN.match(rest)
    if lead is not None:
        after = rest[lead.end() :].split()
        if after and after[0] in {"if", "whether"} | _WH | _WH_CONTRACTED:
            return INFO
        if not after or lead.group(0).startswith(("tell me", "can you tell", "could you tell")):
            return INFO if after else None
        return INFO
    first = words[0]
    if first in _WH_CONTRACTED:
        return INFO
    if first in _WH:
        if len(words) > 1 and (words[1] in _HOW_MUCH and first == "how"):
            return INFO
        if any(w in _AUX or w.endswith("'s") or w.endswith("'re") for w in words[1:4]):
            return INFO
        if first in {"how", "why"} and len(words) > 1 and words[1] in {"come", "so", "not"}:
            return INFO
        if clause.rstrip().endswith("?") or first == "why":
            return INFO  # a subject question: "who won?", "which one is cheaper?"
        return None
    if first in _AUX and len(words) > 1 and words[1] in _SUBJECTS:
        subject = words[1]
        verbs = words[2:6]
        if _POSSIBLE.search(rest):
            return REQUEST
        # "can I book…", "could you send someone…"; but "can I pay by card?" asks.
        if (
            subject in _FIRST_PERSON | {"you", "u", "ya"}
            and first not in {"do", "does", "did"}
            and any(v in _REQUEST_VERBS for v in verbs[:2])
        ):
            return REQUEST
        if subject in _FIRST_PERSON and first in {"do", "did"} and verbs[:1] == ["want"]:
            return None  # "do I want…" is thinking aloud
        return YESNO
    return None


def statements(text: str) -> str:
    """The clauses of `text` that ask nothing, joined: "I'd like a checkup on Friday, how
    much is it?" → "I'd like a checkup on Friday" (what a caller also said besides asking)."""
    return ", ".join(c for c in _clauses(text) if _clause_kind(c) is None and not c.endswith("?"))


# A cheap first test: some clause starts (after fillers) with a wh-word, an auxiliary or a
# lead-in word, or there is a question mark. Most answers ("Friday at 2", "555 123 4567")
# stop here.
_FIRSTS = sorted(_WH | _WH_CONTRACTED | _AUX, key=len, reverse=True)
_MAYBE = re.compile(
    r"\?|\b(?:wonder\w*|curious|know|ask|question|tell)\b|"
    r"(?:^|[,.;!]\s*|\band\s+)(?:(?:"
    + "|".join(sorted(_FILLERS, key=len, reverse=True))
    + r")\W+){0,4}(?:"
    + "|".join(re.escape(w) for w in _FIRSTS)
    + r")\b",
    re.I,
)


def question_kind(text: str) -> str | None:
    """`"info"`, `"yesno"`, `"request"`, `"proposal"`, `"tag"` (only a question mark) or
    None. A wh- or indirect question anywhere decides; otherwise the first question clause."""
    if not text or not _MAYBE.search(text.replace("’", "'")):
        return None
    found: str | None = None
    for clause in _clauses(text):
        kind = _clause_kind(clause)
        if kind == INFO:
            return INFO
        if kind is not None and found is None:
            found = kind
    if found is None and text.rstrip().endswith("?"):
        return TAG
    return found

"""Global commands — repeat, help, start over, cancel, talk to a person, hold on — available in
every state, matched by phrases. Authors extend the phrase lists or disable a command in YAML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from flowagent.schema import CommandSpec

#: Built-in commands, in matching order (the first that matches wins), with default phrases.
DEFAULT_PHRASES: dict[str, tuple[str, ...]] = {
    "handoff": (
        "real person",
        "a person",
        "a human",
        "human being",
        "talk to someone",
        "speak to someone",
        "speak with someone",
        "talk to somebody",
        "representative",
        "operator",
        "live agent",
        "an agent",
        "receptionist",
        "the front desk",
    ),
    "cancel": (
        "cancel",
        "never mind",
        "nevermind",
        "forget it",
        "i changed my mind",
        "hang up",
        "i don't want an appointment",
    ),
    "start_over": (
        "start over",
        "start again",
        "begin again",
        "restart",
        "from the beginning",
        "from the top",
        "reset",
    ),
    "repeat": (
        "repeat",
        "say that again",
        "come again",
        "pardon",
        "what did you say",
        "one more time",
        "say again",
        "didn't hear you",
    ),
    "help": (
        "help",
        "what can i say",
        "i don't understand",
        "what do you need",
        "what are my options",
        "i'm confused",
        "what do you mean",
    ),
    "hold": (
        "hold on",
        "one second",
        "one sec",
        "just a second",
        "just a sec",
        "just a moment",
        "one moment",
        "give me a second",
        "give me a moment",
        "let me check",
        "wait a second",
        "hang on",
        "bear with me",
    ),
}

# Beyond the fixed phrases, the shapes the phrases come in (matched on lower-case text with
# punctuation removed): a verb of transferring or talking and someone to talk to; waiting for
# a stretch of time. They generalise the lists above ("can I speak with somebody at the front
# desk", "transfer me", "gimme a minute", "wait a sec").
_SOMEONE = (
    r"(?:a\s+|an\s+|the\s+|some\s+|your\s+|a\s+real\s+|a\s+live\s+|an\s+actual\s+)?"
    r"(?:someone|somebody|person|people|human|agent|representative|rep|operator|"
    r"receptionist|staff|manager|dispatcher|supervisor|advisor|live\s+person|real\s+person)"
)
DEFAULT_PATTERNS: dict[str, tuple[str, ...]] = {
    "handoff": (
        r"(?:transfer|connect|patch|put)\s+me(?:\s+(?:through|over|to|with))?",
        rf"(?:talk|speak|chat)\s+(?:to|with)\s+{_SOMEONE}",
        rf"(?:get|have|want|need)\s+(?:me\s+)?{_SOMEONE}(?:\s+on\s+the\s+(?:line|phone))?$",
        r"^(?:an?\s+)?(?:agent|operator|representative|human|person)(?:\s+please)?$",
    ),
    "hold": (
        r"(?:wait|hold|hang)(?:\s+on)?\s+(?:a|one|just\s+a)\s+(?:sec|second|moment|minute|min|"
        r"mo|tick|bit)s?",
        r"(?:give|gimme)\s+(?:me\s+)?(?:a|one|just\s+a|a\s+few)\s+(?:sec|second|moment|minute|"
        r"min|mo|tick|bit)s?",
        r"^(?:just\s+)?(?:a|one)\s+(?:sec|second|moment|minute)(?:\s+please)?$",
        r"let\s+me\s+(?:check|look|grab|find|get)",
    ),
}

DEFAULT_REPLIES: dict[str, str] = {
    "handoff": "Of course. Let me connect you with someone who can help.",
    "cancel": "No problem, I've cancelled that. Goodbye!",
    "start_over": "Sure, let's start over.",
    "repeat": "",
    "help": "I'm here to help you book. You can answer in your own words, say 'repeat' to hear "
    "the question again, 'start over', or ask for a person at any time.",
    "hold": "Sure, take your time.",
}

# Commands that are strong intents even inside a longer sentence ("I'd rather just talk to
# a real person about my appointment"). The others must be the gist of a clause: the first
# clause that says anything ("Hold on one sec, I gotta find my cell number"; "Oh, forget
# it, my wife fixed it"), or for cancel and hold also the last ("my wife fixed it, so never
# mind, sorry to bother you") — with nothing but framing words before the phrase in it ("I
# need to", "could you"), so that "Tuesday — no wait, hold on, Wednesday" is a correction.
_ALWAYS = {"handoff"}
_LAST_CLAUSE = {"cancel", "hold"}
_MAX_WORDS = 8
_NON_WORD = re.compile(r"[^\w' ]+")
# (?<!\s): a split starts where a run of spaces starts, never inside it (linear on long runs)
_CLAUSE = re.compile(r"(?<!\s)\s*(?:[,;:!?]|\.(?!\w)|\s[-–—]+\s|[–—])\s*")
# Words that say nothing by themselves: a clause of only these is skipped ("Oh,", "Sorry,").
_EMPTY = frozenset(
    """
    oh ah aw um uh er erm hmm hm mm well okay ok so yeah yes yep no nope sorry actually hi
    hello hey alright right fine gosh jeez wow man look listen oops ugh and but then you know
    what i'm very so really just please thanks thank shoot darn dang shucks geez gee crap
    whoops oh-oh uh-oh hmm ahh aah argh
    """.split()  # noqa: SIM905
)
# Pleasantries that close a call and carry nothing: skipped when looking for the last clause.
_CLOSING = re.compile(
    r"^(?:(?:oh|okay|ok|so|and|well|but)\s+)*(?:"
    r"(?:i'?m\s+)?sorry(?:\s+(?:to|for)\s+(?:bother|trouble|bothering|troubling)\w*(?:\s+you)?)?"
    r"|(?:i'?ll|i\s+will|we'?ll|i'?m\s+gonna|i'?m\s+going\s+to)\s+(?:just\s+)?call"
    r"(?:\s+you)?\s+back(?:\s+(?:later|tomorrow|another\s+time|some\s+other\s+time))?"
    r"|thanks?(?:\s+(?:you|anyway|so\s+much|a\s+lot))*|bye|goodbye|bye\s+bye"
    r"|have\s+a\s+(?:good|nice|great)\s+(?:day|one|night|evening)"
    r"|(?:it'?s\s+)?(?:all\s+)?(?:good|fine|okay|ok)(?:\s+now)?)$"
)
# A conjunction that starts the caller's conclusion inside one clause ("the pain went away so
# never mind").
_LAST_JOIN = re.compile(r"\b(?:so|but|and|anyway|then)\s+")
# What may come before a command's phrase in its clause: fillers and the framing of a request.
_FRAMING = _EMPTY | frozenset(
    """
    i i'd we we'd you can could would will need needs want wanna to like let's let me just
    gonna going have gotta got do maybe think guess should wait can't cannot
    """.split()  # noqa: SIM905
)


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    pattern: re.Pattern[str]
    reply: str
    to: str | None
    firsts: frozenset[str] = frozenset()  # words a match can start with: a cheap first test


# The words the built-in shapes (DEFAULT_PATTERNS) start with.
_PATTERN_FIRSTS = {
    "hold": frozenset({"wait", "hold", "hang", "give", "gimme", "just", "a", "one", "let"}),
}


@dataclass(frozen=True, slots=True)
class CommandMatch:
    """A command found in an utterance, and the rest of the utterance (the other clauses)."""

    command: Command
    rest: str


def _clauses(text: str) -> list[str]:
    """The clauses of `text`, lower case, words only; empty and closing clauses kept apart."""
    out: list[str] = []
    for part in _CLAUSE.split(text.lower().replace("’", "'")):
        words = _NON_WORD.sub(" ", part).split()
        if words:
            out.append(" ".join(words))
    return out


def _says_something(clause: str) -> bool:
    return not all(w in _EMPTY for w in clause.split()) and not _CLOSING.match(clause)


class CommandMatcher:
    """Matches an utterance to at most one global command."""

    def __init__(self, specs: Mapping[str, CommandSpec]) -> None:
        commands: list[Command] = []
        for name, phrases in DEFAULT_PHRASES.items():
            spec = specs.get(name, CommandSpec())
            if not spec.enabled:
                continue
            every = sorted({*phrases, *(p.lower() for p in spec.phrases)}, key=len, reverse=True)
            alternation = "|".join(
                [re.escape(p) for p in every] + list(DEFAULT_PATTERNS.get(name, ()))
            )
            pattern = re.compile(rf"(?<![\w'])(?:{alternation})(?![\w'])")
            reply = spec.say if spec.say is not None else DEFAULT_REPLIES[name]
            firsts = frozenset(_NON_WORD.sub(" ", p).split()[0] for p in every if p.split())
            firsts |= _PATTERN_FIRSTS.get(name, frozenset())
            commands.append(Command(name, pattern, reply, spec.to, firsts))
        self.commands = tuple(commands)
        self.by_name = {c.name: c for c in commands}

    def match(self, text: str) -> Command | None:
        found = self.find(text)
        return found.command if found is not None else None

    def find(self, text: str) -> CommandMatch | None:
        """The command `text` gives, with the rest of what was said; see `_ALWAYS`."""
        for command in self.commands:
            if command.name in _ALWAYS:
                lowered = " ".join(_NON_WORD.sub(" ", text.lower()).split())
                if command.pattern.search(lowered):
                    return CommandMatch(command, "")
        clauses = _clauses(text)
        saying = [i for i, c in enumerate(clauses) if _says_something(c)]
        if not saying:
            return None
        first = (saying[0], clauses[saying[0]])
        # the last clause, from its last "so": "the pain went away so never mind"
        last = (saying[-1], _LAST_JOIN.split(clauses[saying[-1]])[-1])
        candidates = [first] if last[1] == first[1] else [first, last]
        words = [set(c.split()) for _, c in candidates]
        for command in self.commands:
            if command.name in _ALWAYS:
                continue
            for k, (at, clause) in enumerate(candidates):
                if (k and command.name not in _LAST_CLAUSE) or command.firsts.isdisjoint(words[k]):
                    continue
                if len(clause.split()) > _MAX_WORDS:
                    continue
                m = command.pattern.search(clause)
                if m is not None and all(w in _FRAMING for w in clause[: m.start()].split()):
                    rest = ", ".join(c for i, c in enumerate(clauses) if i != at and i in saying)
                    return CommandMatch(command, rest)
        return None

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
# a real person about my appointment"). The others must be the gist of a short utterance,
# so that "Tuesday, no wait, hold on, Wednesday" is not a hold.
_ALWAYS = {"handoff"}
_MAX_WORDS = 8
_NON_WORD = re.compile(r"[^\w' ]+")


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    pattern: re.Pattern[str]
    reply: str
    to: str | None


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
            commands.append(Command(name, pattern, reply, spec.to))
        self.commands = tuple(commands)
        self.by_name = {c.name: c for c in commands}

    def match(self, text: str) -> Command | None:
        lowered = " ".join(_NON_WORD.sub(" ", text.lower()).split())
        short = len(lowered.split()) <= _MAX_WORDS
        for command in self.commands:
            if (short or command.name in _ALWAYS) and command.pattern.search(lowered):
                return command
        return None

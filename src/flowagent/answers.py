"""The flow's answers to callers' questions (`answers:` in the YAML): which answer a question
asks for. A turn answers it, or deflects a question that has none, in `answering`.

An answer matches a question when its topic is in it, by either of two tests on word stems
(so "closing", "closes" and "close" are one word, and word order does not matter):
- every content word of one of its `phrases` is in the question ("what time do you close" →
  `time`, `close`: "what time do you guys close on Saturdays?" has both);
- one of its `keywords` is in it ("insurance": "do you take my insurance?").
The answer whose test covers the most words wins. Matching needs a question
(`questions.question_kind`): a statement that mentions insurance is not asking about it —
except an utterance that is little more than one of the phrases ("your hours?").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from flowagent.questions import INFO, PROPOSAL, TAG, YESNO

_WORD = re.compile(r"[a-z0-9]+")
# Words that carry no topic: question and auxiliary words, pronouns, articles, prepositions,
# fillers. What remains of a phrase is what a question must mention.
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "so",
        "to",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "about",
        "into",
        "over",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "done",
        "doing",
        "have",
        "has",
        "had",
        "having",
        "can",
        "could",
        "will",
        "would",
        "shall",
        "should",
        "may",
        "might",
        "must",
        "i",
        "me",
        "my",
        "mine",
        "we",
        "us",
        "our",
        "you",
        "your",
        "yours",
        "y'all",
        "ya",
        "guys",
        "it",
        "its",
        "they",
        "them",
        "their",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "what",
        "when",
        "where",
        "why",
        "how",
        "who",
        "whom",
        "whose",
        "which",
        "many",
        "any",
        "some",
        "anything",
        "something",
        "please",
        "just",
        "um",
        "uh",
        "er",
        "hmm",
        "oh",
        "okay",
        "ok",
        "well",
        "hi",
        "hello",
        "hey",
        "yeah",
        "yes",
        "no",
        "not",
        "s",
        "re",
        "ll",
        "ve",
        "d",
        "t",
        "get",
        "got",
        "go",
        "going",
        "like",
        "know",
        "tell",
        "let",
        "wonder",
        "wondering",
        "wondered",
        "question",
        "ask",
        "asking",
        "also",
        "again",
        "really",
        "actually",
        "kind",
        "sort",
        "thing",
        "things",
        "one",
    ]
)


def stem(word: str) -> str:
    """A crude English stem: "closing", "closes", "closed", "close" → "clos"."""
    w = word.lower()
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif (len(w) > 4 and w.endswith("ed")) or (len(w) > 4 and w.endswith("es")):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


def stems(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text.lower().replace("'s", ""))]


# The stop words as stems, as they are compared: "there" is "ther" once stemmed, and must not
# be the topic of "how do I get there" ("is there anybody who can help?" is not about it).
_STOP_STEMS = frozenset(stem(w) for w in _STOP) | _STOP


@dataclass(frozen=True, slots=True)
class Answer:
    name: str
    say: str
    to: str | None
    phrases: tuple[frozenset[str], ...]  # content stems of each phrase
    keywords: tuple[tuple[str, ...], ...]  # stem sequences
    # phrases of only stop words ("where are you"): matched as the whole sequence
    sequences: tuple[tuple[str, ...], ...] = ()


class AnswerBook:
    """The answers of one flow, ready to match."""

    def __init__(self, specs: Mapping[str, object]) -> None:
        answers: list[Answer] = []
        for name, spec in specs.items():
            said = [stems(p) for p in getattr(spec, "phrases", [])]
            phrases = tuple(frozenset(s for s in p if s not in _STOP_STEMS) for p in said)
            sequences = tuple(
                tuple(p) for p, content in zip(said, phrases, strict=True) if p and not content
            )
            keywords = tuple(tuple(stems(k)) for k in getattr(spec, "keywords", []) if stems(k))
            answers.append(
                Answer(
                    name,
                    str(getattr(spec, "say", "")),
                    getattr(spec, "to", None),
                    tuple(p for p in phrases if p),
                    keywords,
                    sequences,
                )
            )
        self.answers = tuple(answers)

    def __bool__(self) -> bool:
        return bool(self.answers)

    def match(self, text: str, kind: str | None) -> Answer | None:
        """The answer to `text`, asked as a question of `kind` (see `questions`), or None."""
        if not self.answers or kind == PROPOSAL:
            return None
        words = stems(text)
        present = set(words)
        content = [w for w in words if w not in _STOP_STEMS]
        # The most words matched wins; between equals, the topic said first ("how much is a
        # cleaning without insurance?" asks about the price).
        best: tuple[int, int, Answer] | None = None
        for answer in self.answers:
            score, first = 0, len(words)
            for phrase in answer.phrases:
                # Without a question form, only an utterance that is little more than the
                # phrase ("your hours?", "opening hours") counts.
                if phrase <= present and (
                    kind in (INFO, YESNO, TAG) or len(content) <= len(phrase) + 1
                ):
                    at = min(words.index(w) for w in phrase)
                    if (len(phrase), -at) > (score, -first):
                        score, first = len(phrase), at
            for sequence in answer.sequences:  # "where are you", said as such
                at = _find(words, sequence)
                if at >= 0 and (len(sequence), -at) > (score, -first):
                    score, first = len(sequence), at
            if kind in (INFO, YESNO, TAG):
                for keyword in answer.keywords:
                    at = _find(words, keyword)
                    if at >= 0 and (len(keyword), -at) > (score, -first):
                        score, first = len(keyword), at
            if score and (best is None or (score, -first) > (best[0], -best[1])):
                best = (score, first, answer)
        return best[2] if best else None


def _find(words: list[str], seq: tuple[str, ...]) -> int:
    """Where `seq` starts in `words`, or -1."""
    n = len(seq)
    for i in range(len(words) - n + 1):
        if tuple(words[i : i + n]) == seq:
            return i
    return -1

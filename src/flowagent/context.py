"""A conversation's memory: slots, counters, history. Plain data, JSON-serialisable.

The context is also the model object the shared `transitions` machine moves between states
(it only needs a `state` attribute), so a new conversation costs one small object, not a
machine.

**One set of limits** (`MAX_ID_CHARS` … `MAX_RESULT_DEPTH` below) bounds what a conversation
holds. The engine never writes past them — `Context.keep_within_limits` cuts a text that is too
long and keeps only the most recent history — and the snapshot schema (`flowagent.snapshot`)
refuses a snapshot past them. Both sides read the same constants, so whatever is saved can be
resumed, and a snapshot is small enough to build and store within a store's timeout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from flowagent.slots.base import SlotValue

#: Bumped when the snapshot layout changes; `from_dict` refuses layouts it does not know.
SNAPSHOT_FORMAT = 1

#: Longest conversation id, in characters (`Flow.new_conversation` refuses a longer one).
MAX_ID_CHARS = 200
#: Longest name of a state, slot, event or outcome held in a conversation, in characters.
MAX_NAME_CHARS = 200
#: Longest single text a conversation holds — a history line, the last reply or question, a
#: slot value, an answer in pieces — in characters. Equal to the largest `max_utterance_chars`
#: a flow may set, so one caller turn always fits; a longer text is cut (`clip`).
MAX_TEXT_CHARS = 100_000
#: History lines kept: the most recent ones (a ring). 400 lines is 200 turns.
MAX_HISTORY_ENTRIES = 400
#: Characters of text the kept history may hold in all; older lines go first.
MAX_HISTORY_CHARS = 400_000
#: Nesting of an action result's values (lists and mappings in one another); deeper values
#: are stored as their text (`actions.json_safe`).
MAX_RESULT_DEPTH = 16
#: Size of all action results together: characters of text (keys included) plus one per
#: value. An action whose result would take the results past it fails.
MAX_RESULTS_SIZE = 400_000
#: Integers in results are 64-bit; a larger one is stored as its text.
MAX_RESULT_INT = 2**63 - 1
#: Timestamps longer than this (the `at` of a history line) are not ISO times.
MAX_STAMP_CHARS = 64


#: The range a conversation's reference time `now` lies in (relative dates are computed from
#: it; near the ends of Python's calendar they would overflow).
EARLIEST_NOW = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_NOW = datetime(9000, 1, 1, tzinfo=UTC)


def now_problem(now: datetime) -> str | None:
    """Why `now` cannot be a conversation's reference time (no timezone, or outside
    `EARLIEST_NOW`..`LATEST_NOW`), or None."""
    if now.tzinfo is None or now.utcoffset() is None:
        return "a date-time without its timezone"
    if not EARLIEST_NOW <= now <= LATEST_NOW:
        return f"outside {EARLIEST_NOW.year}..{LATEST_NOW.year}"
    return None


def clip(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """`text` cut to at most `limit` characters (an ellipsis marks the cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def results_problem(results: Any) -> str | None:
    """What keeps `results` (the action results of a context) from being stored and read
    back: not a mapping of names to plain JSON values, nested deeper than `MAX_RESULT_DEPTH`,
    an integer past 64 bits, a float that is not finite, or bigger than `MAX_RESULTS_SIZE`.
    None when they are fine. Iterative: a hostile nesting cannot exhaust the stack."""
    if not isinstance(results, dict):
        return "expected a mapping of result names to values"
    size = 0
    # (path, value, depth): depth counts the lists and mappings a value is inside of
    stack: list[tuple[str, Any, int]] = []
    for key, value in results.items():
        if not isinstance(key, str) or not 1 <= len(key) <= MAX_NAME_CHARS:
            return f"result name {str(key)[:40]!r} is not 1 to {MAX_NAME_CHARS} characters"
        stack.append((key, value, 0))
        size += len(key)
    while stack:
        path, value, depth = stack.pop()
        size += 1 + (len(value) if isinstance(value, str) else 0)
        if size > MAX_RESULTS_SIZE:
            return f"bigger than {MAX_RESULTS_SIZE:,} (characters and values)"
        if value is None or isinstance(value, bool | str):
            continue
        if isinstance(value, int):
            if not -MAX_RESULT_INT - 1 <= value <= MAX_RESULT_INT:
                return f"{path}: an integer past 64 bits"
            continue
        if isinstance(value, float):
            if not math.isfinite(value):
                return f"{path}: {value} is not a finite number"
            continue
        if not isinstance(value, list | dict):
            return f"{path}: a {type(value).__name__} is not plain JSON data"
        if depth >= MAX_RESULT_DEPTH:
            return f"{path}: nested deeper than {MAX_RESULT_DEPTH}"
        if isinstance(value, list):
            step = "" if len(path) > 60 else "[]"  # a long path: its start says enough
            stack.extend((path + step, v, depth + 1) for v in value)
            continue
        for k, v in value.items():
            if not isinstance(k, str):
                return f"{path}: a key that is not text"
            size += len(k)
            stack.append((path if len(path) > 60 else f"{path}.{k[:40]}", v, depth + 1))
    return None


@dataclass(slots=True)
class HistoryEntry:
    """One line of the dialogue. `at` is wall-clock time (ISO); `interrupted` marks an agent
    reply the caller barged in on."""

    role: str  # "agent" | "user"
    text: str
    state: str
    at: str
    event: str | None = None  # "no_input", "no_match", a command name, ...
    interrupted: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "role": self.role,
            "text": self.text,
            "state": self.state,
            "at": self.at,
        }
        if self.event:
            out["event"] = self.event
        if self.interrupted:
            out["interrupted"] = True
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> HistoryEntry:
        return cls(
            role=str(d["role"]),
            text=str(d["text"]),
            state=str(d["state"]),
            at=str(d["at"]),
            event=d.get("event"),
            interrupted=bool(d.get("interrupted", False)),
        )


@dataclass(slots=True)
class Counters:
    """Retry bookkeeping. `no_match` is consecutive failures per key (a slot name or
    "confirmation"), reset when that key makes progress; `no_input` is consecutive silences,
    reset by any speech. Totals never reset."""

    no_match: dict[str, int] = field(default_factory=dict)
    no_input: int = 0
    total_no_match: int = 0
    total_no_input: int = 0
    confirm_rejections: int = 0
    unanswered: int = 0  # questions in a row the flow had no answer for

    def to_dict(self) -> dict[str, Any]:
        return {
            "no_match": dict(self.no_match),
            "no_input": self.no_input,
            "total_no_match": self.total_no_match,
            "total_no_input": self.total_no_input,
            "confirm_rejections": self.confirm_rejections,
            "unanswered": self.unanswered,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Counters:
        return cls(
            no_match={str(k): int(v) for k, v in d.get("no_match", {}).items()},
            no_input=int(d.get("no_input", 0)),
            total_no_match=int(d.get("total_no_match", 0)),
            total_no_input=int(d.get("total_no_input", 0)),
            confirm_rejections=int(d.get("confirm_rejections", 0)),
            unanswered=int(d.get("unanswered", 0)),
        )


@dataclass(slots=True)
class Context:
    """Everything one conversation remembers."""

    conversation_id: str
    state: str
    now: datetime  # reference time for relative dates ("tomorrow"), timezone-aware
    slots: dict[str, SlotValue] = field(default_factory=dict)
    expecting: str | None = None
    counters: Counters = field(default_factory=Counters)
    history: list[HistoryEntry] = field(default_factory=list)
    turns: int = 0
    started: bool = False
    ended: bool = False
    outcome: str | None = None
    retry_from: str | None = None
    clarify: dict[str, Any] | None = None  # {"slot": name, "candidates": [...]}
    changing: bool = False  # confirm state asked "what would you like to change?"
    results: dict[str, Any] = field(default_factory=dict)  # action results by state
    last_reply: str = ""
    last_question: str = ""
    # An answer being given in pieces: {"slot", "kind", "text", "pieces", "turn"} (see pieces.py).
    pending: dict[str, Any] | None = None
    spelled: list[str] = field(default_factory=list)  # slots whose value the caller spelled
    last_filled: dict[str, Any] | None = None  # {"slot", "turn"}: a surname may follow
    # (lines, characters) of `history` as `add_history` last left it: a running total, so
    # keeping the ring costs O(1) a turn; recounted when the history changed behind its back.
    _history_size: tuple[int, int] = field(default=(-1, 0), repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "state": self.state,
            "now": self.now.isoformat(),
            "slots": dict(self.slots),
            "expecting": self.expecting,
            "counters": self.counters.to_dict(),
            "history": [h.to_dict() for h in self.history],
            "turns": self.turns,
            "started": self.started,
            "ended": self.ended,
            "outcome": self.outcome,
            "retry_from": self.retry_from,
            "clarify": self.clarify,
            "changing": self.changing,
            "results": self.results,
            "last_reply": self.last_reply,
            "last_question": self.last_question,
            "pending": self.pending,
            "spelled": list(self.spelled),
            "last_filled": self.last_filled,
        }

    def add_history(self, entry: HistoryEntry) -> None:
        """Append a history line, its text cut to `MAX_TEXT_CHARS`; the oldest lines go when
        the history would hold more than `MAX_HISTORY_ENTRIES` lines or `MAX_HISTORY_CHARS`
        characters (the history is a ring of the recent turns: a snapshot stays small)."""
        if len(entry.text) > MAX_TEXT_CHARS:
            entry.text = clip(entry.text)
        history = self.history
        count, chars = self._history_size
        if count != len(history):
            chars = sum(len(h.text) for h in history)
        history.append(entry)
        chars += len(entry.text)
        count = len(history)
        drop = 0
        while drop < count - 1 and (
            count - drop > MAX_HISTORY_ENTRIES or chars > MAX_HISTORY_CHARS
        ):
            chars -= len(history[drop].text)
            drop += 1
        if drop:
            del history[:drop]
        self._history_size = (len(history), chars)

    def keep_within_limits(self) -> None:
        """Cut what a turn wrote past the limits (a reply reading back a 100,000-character
        answer, an answer grown over many pieces): texts to `MAX_TEXT_CHARS`. Cheap when
        nothing is too long."""
        if len(self.last_reply) > MAX_TEXT_CHARS:
            self.last_reply = clip(self.last_reply)
        if len(self.last_question) > MAX_TEXT_CHARS:
            self.last_question = clip(self.last_question)
        for name, value in self.slots.items():
            if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
                self.slots[name] = clip(value)
        pending = self.pending
        if pending is not None and len(str(pending.get("text", ""))) > MAX_TEXT_CHARS:
            pending["text"] = clip(str(pending["text"]))

    def copy(self) -> Context:
        """A copy sharing nothing that a turn changes in place (history lines are shared:
        a turn only appends lines, and marking one interrupted is harmless either way)."""
        out = Context(**{f.name: getattr(self, f.name) for f in fields(self)})
        out.slots = dict(self.slots)
        out.counters = Counters(**self.counters.to_dict())
        out.history = list(self.history)
        out.results = dict(self.results)
        out.clarify = dict(self.clarify) if self.clarify is not None else None
        out.pending = dict(self.pending) if self.pending is not None else None
        out.spelled = list(self.spelled)
        out.last_filled = dict(self.last_filled) if self.last_filled is not None else None
        return out

    def become(self, other: Context) -> None:
        """Take every field of `other` (this object stays the one the machine and the
        callers hold)."""
        for f in fields(self):
            setattr(self, f.name, getattr(other, f.name))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Context:
        return cls(
            conversation_id=str(d["conversation_id"]),
            state=str(d["state"]),
            now=datetime.fromisoformat(str(d["now"])),
            slots=dict(d.get("slots", {})),
            expecting=d.get("expecting"),
            counters=Counters.from_dict(d.get("counters", {})),
            history=[HistoryEntry.from_dict(h) for h in d.get("history", [])],
            turns=int(d.get("turns", 0)),
            started=bool(d.get("started", False)),
            ended=bool(d.get("ended", False)),
            outcome=d.get("outcome"),
            retry_from=d.get("retry_from"),
            clarify=d.get("clarify"),
            changing=bool(d.get("changing", False)),
            results=dict(d.get("results", {})),
            last_reply=str(d.get("last_reply", "")),
            last_question=str(d.get("last_question", "")),
            pending=d.get("pending"),
            spelled=[str(s) for s in d.get("spelled", [])],
            last_filled=d.get("last_filled"),
        )

"""A conversation's memory: slots, counters, history. Plain data, JSON-serialisable.

The context is also the model object the shared `transitions` machine moves between states
(it only needs a `state` attribute), so a new conversation costs one small object, not a
machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flowagent.slots.base import SlotValue

#: Bumped when the snapshot layout changes; `from_dict` refuses layouts it does not know.
SNAPSHOT_FORMAT = 1


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

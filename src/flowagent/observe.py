"""Structured events, one per thing that happened, with personal data redacted by default.

Every turn is turned into events — `state_change`, `slot_filled`, `validation_failed`,
`retry`, `no_input`, `clarification`, `command`, `action_call`, `action_error`, `turn`,
`conversation_end`, and `store_error` when the store failed — and handed to the
conversation's sinks. Events never carry what the
caller said; a slot's value is included only for slots that are not personal (`pii`), unless
the sink is explicitly told to log personal data (`log_pii=True`).

    sink = JsonlSink("events.jsonl")                  # what `flowagent run --log` writes
    conv = flow.new_conversation(sinks=[sink, LoggingSink()])
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from flowagent.compiled import CompiledFlow
    from flowagent.context import Context
    from flowagent.store.writer import StoreResult
    from flowagent.turn import Turn

REDACTED = "[redacted]"
_KIND_OF_MARK = {
    "rule": "validation_failed",
    "problem": "validation_failed",
    "clarify": "clarification",
    "no_match": "retry",
    "command": "command",
    "action": "action_call",
    "action_error": "action_error",
}


@dataclass(frozen=True, slots=True)
class FlowEvent:
    """One structured event. `value` is a slot value; `pii` says whether it is personal."""

    event: str
    conversation_id: str
    flow: str
    state: str
    turn: int
    ts: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="milliseconds"))
    level: str = "info"
    slot: str | None = None
    value: Any = None
    pii: bool = False
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, log_pii: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ts": self.ts,
            "level": self.level,
            "event": self.event,
            "conversation_id": self.conversation_id,
            "flow": self.flow,
            "state": self.state,
            "turn": self.turn,
        }
        if self.slot is not None:
            out["slot"] = self.slot
        if self.value is not None:
            out["value"] = self.value if (log_pii or not self.pii) else REDACTED
        out.update(self.detail)
        return out


class EventSink(Protocol):
    """Receives every event of the conversations it is attached to."""

    def emit(self, event: FlowEvent) -> None: ...


def turn_events(flow: CompiledFlow, ctx: Context, turn: Turn, elapsed_ms: float) -> list[FlowEvent]:
    """The events one turn produced, in the order they happened."""
    events: list[FlowEvent] = []

    def add(
        event_name: str,
        /,
        state: str | None = None,
        slot: str | None = None,
        value: Any = None,
        pii: bool = False,
        level: str = "info",
        **detail: Any,
    ) -> None:
        events.append(
            FlowEvent(
                event_name,
                ctx.conversation_id,
                flow.spec.flow,
                state or ctx.state,
                turn.index,
                level=level,
                slot=slot,
                value=value,
                pii=pii,
                detail=detail,
            )
        )

    for source, trigger, dest in turn.path:
        add("state_change", state=dest, source=source, trigger=trigger)
    for mark in turn.marks:
        kind, _, rest = mark.partition(":")
        if kind.startswith("no_input"):
            add("no_input", count=int(kind.partition("#")[2] or 0))
            continue
        name = _KIND_OF_MARK.get(kind)
        if name is None:
            continue
        if kind in ("rule", "problem"):
            slot, _, why = rest.partition(".")
            add(name, slot=slot, reason=why)
        elif kind == "no_match":
            key, _, attempt = rest.partition("#")
            add(name, slot=key, attempt=int(attempt or 0))
        elif kind == "clarify":
            add(name, slot=rest)
        else:
            add(name, level="warning" if name == "action_error" else "info", target=rest)
    for slot in turn.filled:
        add("slot_filled", slot=slot, value=ctx.slots.get(slot), pii=flow.slots[slot].pii)
    add("turn", elapsed_ms=round(elapsed_ms, 3), kind=turn.event or "answer")
    if turn.ended:
        add("conversation_end", outcome=turn.outcome, turns=ctx.turns)
    return events


def store_event(
    flow: str, ctx: Context | None, result: StoreResult, conversation_id: str = ""
) -> FlowEvent:
    """A `store_error` event: `operation` (save, load), `reason` (timeout, conflict, error)
    and the store's `error` message."""
    return FlowEvent(
        "store_error",
        ctx.conversation_id if ctx is not None else conversation_id,
        flow,
        ctx.state if ctx is not None else "",
        ctx.turns if ctx is not None else 0,
        level="warning",
        detail={"operation": result.operation, "reason": result.reason, "error": result.detail},
    )


class JsonlSink:
    """Appends one JSON object per event to a file (or an open text stream)."""

    def __init__(self, target: str | Path | IO[str], log_pii: bool = False) -> None:
        self.log_pii = log_pii
        self._lock = threading.Lock()
        if isinstance(target, str | Path):
            self._stream: IO[str] = open(target, "a", encoding="utf-8")  # noqa: SIM115
            self._owned = True
        else:
            self._stream = target
            self._owned = False

    def emit(self, event: FlowEvent) -> None:
        line = json.dumps(event.to_dict(self.log_pii), ensure_ascii=False, default=str)
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()

    def close(self) -> None:
        if self._owned:
            self._stream.close()


class LoggingSink:
    """Sends events to stdlib logging (`flowagent.events`): the message is the event name, the
    fields are in `record.flowagent` — pair it with `JsonFormatter` for JSON log lines."""

    def __init__(self, logger: logging.Logger | None = None, log_pii: bool = False) -> None:
        self.logger = logger or logging.getLogger("flowagent.events")
        self.log_pii = log_pii

    def emit(self, event: FlowEvent) -> None:
        level = logging.WARNING if event.level == "warning" else logging.INFO
        if self.logger.isEnabledFor(level):
            self.logger.log(level, event.event, extra={"flowagent": event.to_dict(self.log_pii)})


class JsonFormatter(logging.Formatter):
    """One JSON object per log record, with a record's `flowagent` fields merged in."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "flowagent", None)
        if isinstance(fields, dict):
            out.update(fields)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)

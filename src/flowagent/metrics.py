"""Metrics a team tracks, computed from structured events.

`Metrics` is an event sink that aggregates in memory (and reads JSONL event logs for
`flowagent stats`); `PrometheusSink` exports the same counters for a running voice worker
(`pip install prometheus-client`).
"""

from __future__ import annotations

import errno
import json
import math
import os
import stat
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from flowagent.observe import FlowEvent

#: Longest event line read from a log, in characters (an event is a few hundred); a longer
#: line is skipped without being read whole.
MAX_EVENT_LINE = 1_000_000


def _number(value: Any) -> float | None:
    """A finite number read from an event field; None for anything else (text, a bool)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def _bounded_lines(handle: Any) -> Iterable[bytes]:
    """The lines of a binary file, each at most `MAX_EVENT_LINE` bytes: a longer line is
    read past in pieces and given as b"x" (not an event), never held whole."""
    while True:
        line = handle.readline(MAX_EVENT_LINE + 1)
        if not line:
            return
        if len(line) > MAX_EVENT_LINE and not line.endswith(b"\n"):
            while True:  # the rest of the overlong line, a piece at a time
                rest = handle.readline(MAX_EVENT_LINE)
                if not rest or rest.endswith(b"\n"):
                    break
            line = b"x"
        yield line


def _event(line: bytes) -> dict[str, Any] | None:
    """One JSONL line as an event object, or None if it is not one."""
    try:
        row = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if isinstance(row, dict) and isinstance(row.get("event"), str):
        return row
    return None


def _pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Metrics:
    """Aggregates events: completion, turns, retries, silences, fallbacks, handoffs, slot
    fill success, transitions and turn latency; over a voice channel also end of speech →
    first agent audio and the endpointing decisions (`voice_response` events)."""

    def __init__(self) -> None:
        self.conversations: set[str] = set()
        self.outcomes: Counter[str] = Counter()
        self.turns_at_end: list[int] = []
        self.turns = 0
        self.retries: Counter[str] = Counter()
        self.no_inputs = 0
        self.filled: Counter[str] = Counter()
        self.failed: Counter[str] = Counter()  # validation failures and retries, per slot
        self.reasons: Counter[str] = Counter()  # "slot.reason"
        self.transitions: Counter[str] = Counter()  # "A -> B"
        self.commands: Counter[str] = Counter()
        self.action_errors = 0
        self.store_errors: Counter[str] = Counter()  # "operation.reason", e.g. "save.timeout"
        self.latency_ms: list[float] = []
        self.voice_response_ms: list[float] = []  # end of caller speech → first agent audio
        self.endpointing: Counter[str] = Counter()  # complete / incomplete / normal / none
        self.skipped: dict[str, int] = {}  # per log file read: lines that were not events

    def emit(self, event: FlowEvent) -> None:
        self.add(event.to_dict())

    def add(self, row: Mapping[str, Any]) -> None:
        """Count one event (a `FlowEvent.to_dict()`). A field of the wrong type — a log
        written by something else — is left out, never raised on."""
        kind = row.get("event")
        slot = row.get("slot")
        self.conversations.add(str(row.get("conversation_id")))
        if kind == "turn":
            self.turns += 1
            elapsed = _number(row.get("elapsed_ms"))
            if elapsed is not None:
                self.latency_ms.append(elapsed)
        elif kind == "conversation_end":
            self.outcomes[str(row.get("outcome"))] += 1
            turns = row.get("turns", 0)
            if isinstance(turns, int) and not isinstance(turns, bool) and turns >= 0:
                self.turns_at_end.append(turns)
        elif kind == "retry":
            self.retries[str(slot)] += 1
            self.failed[str(slot)] += 1
        elif kind == "validation_failed":
            self.failed[str(slot)] += 1
            self.reasons[f"{slot}.{row.get('reason')}"] += 1
        elif kind == "no_input":
            self.no_inputs += 1
        elif kind == "slot_filled":
            self.filled[str(slot)] += 1
        elif kind == "state_change":
            self.transitions[f"{row.get('source')} -> {row.get('state')}"] += 1
        elif kind == "command":
            self.commands[str(row.get("target"))] += 1
        elif kind == "action_error":
            self.action_errors += 1
        elif kind == "store_error":
            self.store_errors[f"{row.get('operation')}.{row.get('reason')}"] += 1
        elif kind == "voice_response":
            e2e = _number(row.get("e2e_ms"))
            if e2e is not None:
                self.voice_response_ms.append(e2e)
            self.endpointing[str(row.get("endpointing") or "none")] += 1

    def read(self, paths: Iterable[str | Path]) -> Metrics:
        """Add every event of these JSONL files. A line that is not an event — not JSON, not
        UTF-8, longer than `MAX_EVENT_LINE`, not an object with a text `event` — is skipped
        and counted in `skipped[path]`. Raises OSError for a file that cannot be read or is
        no file (a directory, a device such as /dev/zero); a pipe is read."""
        for path in paths:
            name = str(path)
            with open(path, "rb") as handle:
                mode = os.fstat(handle.fileno()).st_mode
                if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
                    raise OSError(errno.EINVAL, "not a log file (a device?)", name)
                skipped = 0
                for line in _bounded_lines(handle):
                    row = _event(line)
                    if row is None:
                        skipped += int(bool(line.strip()))
                    else:
                        self.add(row)
                if skipped:
                    self.skipped[name] = self.skipped.get(name, 0) + skipped
        return self

    def summary(self) -> dict[str, Any]:
        ended = sum(self.outcomes.values())

        def rate(n: int, d: int) -> float | None:
            return round(n / d, 4) if d else None

        slots = sorted(set(self.filled) | set(self.failed))
        return {
            "conversations": len(self.conversations),
            "ended": ended,
            "outcomes": dict(self.outcomes.most_common()),
            "completion_rate": rate(self.outcomes.get("complete", 0), ended),
            "fallback_rate": rate(self.outcomes.get("fallback", 0), ended),
            "handoff_rate": rate(self.outcomes.get("handoff", 0), ended),
            "average_turns": round(sum(self.turns_at_end) / len(self.turns_at_end), 2)
            if self.turns_at_end
            else None,
            "turns": self.turns,
            "retry_rate": rate(sum(self.retries.values()), self.turns),
            "no_input_rate": rate(self.no_inputs, self.turns),
            "action_errors": self.action_errors,
            "store_errors": dict(self.store_errors.most_common()),
            "slots": {
                s: {
                    "filled": self.filled[s],
                    "failures": self.failed[s],
                    "fill_success": rate(self.filled[s], self.filled[s] + self.failed[s]),
                }
                for s in slots
            },
            "retries_by_slot": dict(self.retries.most_common()),
            "validation_failures": dict(self.reasons.most_common()),
            "commands": dict(self.commands.most_common()),
            "transitions": dict(self.transitions.most_common()),
            "turn_latency_ms": {
                "p50": _pct(self.latency_ms, 50),
                "p95": _pct(self.latency_ms, 95),
                "p99": _pct(self.latency_ms, 99),
            },
            "voice_response_ms": {
                "p50": _pct(self.voice_response_ms, 50),
                "p95": _pct(self.voice_response_ms, 95),
            },
            "endpointing": dict(self.endpointing.most_common()),
        }


def format_summary(s: Mapping[str, Any]) -> str:
    """A readable report of `Metrics.summary()`."""

    def pc(v: float | None) -> str:
        return "—" if v is None else f"{v * 100:.1f}%"

    lat = s["turn_latency_ms"]
    latency = "  ".join(f"{k} {v:.3f} ms" if v is not None else f"{k} —" for k, v in lat.items())
    average = s["average_turns"] if s["average_turns"] is not None else "—"
    lines = [
        f"conversations   {s['conversations']}  (ended {s['ended']})",
        f"completion      {pc(s['completion_rate'])}    fallback {pc(s['fallback_rate'])}"
        f"    handoff {pc(s['handoff_rate'])}",
        f"average turns   {average}    turns {s['turns']}",
        f"retry rate      {pc(s['retry_rate'])}    no-input rate {pc(s['no_input_rate'])}"
        f"    action errors {s['action_errors']}",
        f"turn latency    {latency}",
        "store errors    "
        + (", ".join(f"{k} {v}" for k, v in s.get("store_errors", {}).items()) or "none"),
    ]
    if s.get("endpointing"):
        voice = s["voice_response_ms"]
        lines.append(
            "voice response  "
            + "  ".join(f"{k} {v:.0f} ms" if v is not None else f"{k} —" for k, v in voice.items())
            + "    endpointing "
            + ", ".join(f"{k} {v}" for k, v in s["endpointing"].items())
        )
    lines += [
        "",
        "outcomes        " + ", ".join(f"{k} {v}" for k, v in s["outcomes"].items()),
        "",
        f"{'slot':<16}{'filled':>8}{'failures':>10}{'success':>10}",
    ]
    by_failures = sorted(s["slots"].items(), key=lambda kv: -kv[1]["failures"])
    for name, row in by_failures:
        lines.append(
            f"{name:<16}{row['filled']:>8}{row['failures']:>10}{pc(row['fill_success']):>10}"
        )
    if s["validation_failures"]:
        lines += [
            "",
            "validation failures: "
            + ", ".join(f"{k} {v}" for k, v in s["validation_failures"].items()),
        ]
    if s["transitions"]:
        lines += ["", "transitions:"] + [
            f"  {k:<32} {v}" for k, v in list(s["transitions"].items())[:15]
        ]
    return "\n".join(lines)


class PrometheusSink:
    """Exports flow metrics with prometheus-client (`pip install prometheus-client`); serve
    them with `prometheus_client.start_http_server(port)`. Voice turns add
    `flowagent_voice_response_seconds` (end of the caller's speech → the agent's first audio,
    by endpointing decision), `flowagent_endpointing_decisions_total` and
    `flowagent_endpointing_delay_seconds` (by decision: complete, incomplete, normal, none)."""

    def __init__(self, registry: Any = None) -> None:
        try:
            from prometheus_client import REGISTRY, Histogram
            from prometheus_client import Counter as PCounter
        except ImportError:
            raise ImportError(
                "PrometheusSink needs prometheus-client: pip install prometheus-client"
            ) from None
        reg = registry if registry is not None else REGISTRY
        self.ended = PCounter(
            "flowagent_conversations_ended",
            "Ended conversations",
            ["flow", "outcome"],
            registry=reg,
        )
        self.turns = PCounter("flowagent_turns", "Caller turns", ["flow"], registry=reg)
        self.retries = PCounter(
            "flowagent_retries", "No-match retries", ["flow", "slot"], registry=reg
        )
        self.no_input = PCounter("flowagent_no_inputs", "Silences", ["flow"], registry=reg)
        self.filled = PCounter(
            "flowagent_slots_filled", "Slots filled", ["flow", "slot"], registry=reg
        )
        self.invalid = PCounter(
            "flowagent_validation_failures",
            "Values refused",
            ["flow", "slot", "reason"],
            registry=reg,
        )
        self.moves = PCounter(
            "flowagent_transitions", "State transitions", ["flow", "source", "dest"], registry=reg
        )
        self.latency = Histogram(
            "flowagent_turn_seconds",
            "Engine time per turn",
            ["flow"],
            registry=reg,
            buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05),
        )
        self.store_errors = PCounter(
            "flowagent_store_errors",
            "Store calls that failed, timed out or met another writer",
            ["flow", "operation", "reason"],
            registry=reg,
        )
        self.voice_response = Histogram(
            "flowagent_voice_response_seconds",
            "End of the caller's speech to the agent's first audio, by endpointing decision",
            ["flow", "endpointing"],
            registry=reg,
            buckets=(0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 5.0),
        )
        self.endpointing = PCounter(
            "flowagent_endpointing_decisions",
            "Caller turns by endpointing decision (complete, incomplete, normal, none)",
            ["flow", "decision"],
            registry=reg,
        )
        self.endpointing_delay = Histogram(
            "flowagent_endpointing_delay_seconds",
            "Silence waited after the caller's speech before taking the turn",
            ["flow", "decision"],
            registry=reg,
            buckets=(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0),
        )
        self.ended_labels = ("flow", "outcome")

    def emit(self, event: FlowEvent) -> None:
        f, d = event.flow, event.detail
        if event.event == "turn":
            self.turns.labels(f).inc()
            self.latency.labels(f).observe(float(d.get("elapsed_ms", 0.0)) / 1000)
        elif event.event == "conversation_end":
            self.ended.labels(f, str(d.get("outcome"))).inc()
        elif event.event == "retry":
            self.retries.labels(f, str(event.slot)).inc()
        elif event.event == "no_input":
            self.no_input.labels(f).inc()
        elif event.event == "slot_filled":
            self.filled.labels(f, str(event.slot)).inc()
        elif event.event == "validation_failed":
            self.invalid.labels(f, str(event.slot), str(d.get("reason"))).inc()
        elif event.event == "state_change":
            self.moves.labels(f, str(d.get("source")), event.state).inc()
        elif event.event == "store_error":
            self.store_errors.labels(f, str(d.get("operation")), str(d.get("reason"))).inc()
        elif event.event == "voice_response":
            decision = str(d.get("endpointing") or "none")
            self.endpointing.labels(f, decision).inc()
            self.voice_response.labels(f, decision).observe(float(d.get("e2e_ms", 0.0)) / 1000)
            if isinstance(d.get("endpointing_delay_s"), int | float):
                self.endpointing_delay.labels(f, decision).observe(float(d["endpointing_delay_s"]))

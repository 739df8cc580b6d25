"""What conversation tests exercised — states, transitions, global commands, validation
messages, retry and no-input branches — and what never ran.

Everything is read from the turns themselves (`Turn.path` and `Turn.marks`), so coverage
sees exactly what the engine did, whoever drove it (test files, simulate, a REPL session).

- transitions: every machine edge (source, event, dest), limit and command edges included;
- validation messages: each slot rule's message, and each problem message (a phone too
  short, an email incomplete) of the slot's types;
- retry branches: each escalating reprompt, per question: `date#1`, `date#2`, … up to
  `max_no_match - 1` (the next failure is the limit's transition);
- no-input branches: each escalating "are you still there?", per listening state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flowagent.compiled import PROBLEM_MESSAGES

if TYPE_CHECKING:
    from flowagent.compiled import CompiledFlow
    from flowagent.flow import Flow
    from flowagent.turn import Turn

PARTS = ("states", "transitions", "commands", "validation_messages", "retry", "no_input")


@dataclass(slots=True)
class FlowCoverage:
    """For one flow: every coverable item per part, and those seen."""

    total: dict[str, set[str]]
    seen: dict[str, set[str]] = field(default_factory=lambda: {p: set() for p in PARTS})

    def missing(self, part: str) -> list[str]:
        return sorted(self.total[part] - self.seen[part])

    def percent(self, part: str) -> float:
        total = self.total[part]
        return round(100 * len(total & self.seen[part]) / len(total), 1) if total else 100.0


def _edge(source: str, event: str, dest: str) -> str:
    return f"{source} -{event}-> {dest}"


def _coverable(flow: CompiledFlow) -> dict[str, set[str]]:
    limits = flow.spec.limits
    messages: set[str] = set()
    questions = set(flow.collectable_slots)
    for name, slot in flow.slots.items():
        messages |= {f"{name}.{rule.name}" for rule in slot.rules}
        kinds = set(slot.problems) | {
            p for p in PROBLEM_MESSAGES if p.split("_", 1)[0] in slot.types
        }
        messages |= {f"{name}.{kind}" for kind in kinds}
    listening = [n for n, s in flow.states.items() if s.behaviour.waits]
    if any(s.spec.kind == "confirm" for s in flow.states.values()):
        questions |= {"confirmation", "change"}

    def levels(names: set[str] | list[str], limit: str) -> set[str]:
        out = set()
        for name in names:
            state = flow.states.get(name)
            top = (getattr(state.spec, limit) if state else None) or getattr(limits, limit)
            out |= {f"{name}#{level}" for level in range(1, top)}
        return out

    return {
        "states": set(flow.states),
        "transitions": {_edge(e.source, e.event, e.dest) for e in flow.machine.edges},
        "commands": {c.name for c in flow.commands.commands},
        "validation_messages": messages,
        "retry": levels(questions, "max_no_match"),
        "no_input": levels(listening, "max_no_input"),
    }


def _display(path: str) -> str:
    """A flow's path relative to the working directory when it is below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


class Coverage:
    """Accumulates coverage across conversations and test files, per flow file."""

    def __init__(self) -> None:
        self.flows: dict[str, FlowCoverage] = {}

    def add_flow(self, flow: Flow) -> None:
        key = flow.path or flow.name
        if key not in self.flows:
            self.flows[key] = FlowCoverage(_coverable(flow.compiled))
            self.flows[key].seen["states"].add(flow.compiled.spec.start)

    def record(self, flow: Flow, turn: Turn, before: str | None = None) -> None:
        """Note what `turn` exercised; `before` is the state the caller was answering."""
        seen = self.flows[flow.path or flow.name].seen
        seen["states"].add(turn.state)
        for source, event, dest in turn.path:
            seen["transitions"].add(_edge(source, event, dest))
            seen["states"].update((source, dest))
        for mark in turn.marks:
            kind, _, rest = mark.partition(":")
            if kind == "command":
                seen["commands"].add(rest)
            elif kind in ("rule", "problem"):
                seen["validation_messages"].add(rest)
            elif kind == "no_match":
                seen["retry"].add(rest)
            elif kind.startswith("no_input#") and before is not None:
                seen["no_input"].add(f"{before}#{kind.partition('#')[2]}")

    def summary(self, relative: bool = False) -> dict[str, Any]:
        """Per flow (keyed by its path; with `relative`, relative to the working directory
        when below it, as the text report names it): each part's covered, total, percent
        and missing."""
        return {
            (_display(key) if relative else key): {
                part: {
                    "covered": len(c.total[part] & c.seen[part]),
                    "total": len(c.total[part]),
                    "percent": c.percent(part),
                    "missing": c.missing(part),
                }
                for part in PARTS
            }
            for key, c in self.flows.items()
        }

    def format(self, show_missing: bool = True) -> str:
        lines = []
        for key, parts in self.summary().items():
            lines.append(f"coverage of {_display(key)}:")
            for part, p in parts.items():
                name = part.replace("_", " ")
                lines.append(f"  {name:<20} {p['covered']:>3}/{p['total']:<3} {p['percent']:5.1f}%")
                if show_missing:
                    lines += [f"      never: {miss}" for miss in p["missing"]]
        return "\n".join(lines)

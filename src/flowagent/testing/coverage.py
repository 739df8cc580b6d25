"""What conversation tests exercised: states, transitions, retry and silence branches,
global commands and validation messages — and what never ran."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flowagent.flow import Flow
    from flowagent.turn import Turn


@dataclass(slots=True)
class _FlowCoverage:
    states: set[str]
    edges: set[tuple[str, str, str]]
    commands: set[str]
    rules: set[str]  # "slot.rule"
    seen_states: set[str] = field(default_factory=set)
    seen_edges: set[tuple[str, str, str]] = field(default_factory=set)
    seen_commands: set[str] = field(default_factory=set)
    seen_rules: set[str] = field(default_factory=set)
    seen_no_match: bool = False
    seen_no_input: bool = False


class Coverage:
    """Accumulates coverage across test files, per flow file."""

    def __init__(self) -> None:
        self.flows: dict[str, _FlowCoverage] = {}

    def add_flow(self, flow: Flow) -> None:
        key = flow.path or flow.name
        if key in self.flows:
            return
        compiled = flow.compiled
        self.flows[key] = _FlowCoverage(
            states=set(compiled.states),
            edges={(e.source, e.event, e.dest) for e in compiled.machine.edges},
            commands={c.name for c in compiled.commands.commands},
            rules={f"{n}.{r.name}" for n, s in compiled.slots.items() for r in s.rules},
        )
        self.flows[key].seen_states.add(compiled.spec.start)

    def record(self, flow: Flow, turn: Turn) -> None:
        cov = self.flows[flow.path or flow.name]
        cov.seen_states.add(turn.state)
        for edge in turn.path:
            cov.seen_edges.add(edge)
            cov.seen_states.update((edge[0], edge[2]))
        for mark in turn.marks:
            kind, _, rest = mark.partition(":")
            if kind == "command":
                cov.seen_commands.add(rest)
            elif kind == "rule":
                cov.seen_rules.add(rest)
            elif kind == "no_match":
                cov.seen_no_match = True
            elif kind.startswith("no_input"):
                cov.seen_no_input = True

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, c in self.flows.items():

            def part(total: set[Any], seen: set[Any]) -> dict[str, Any]:
                hit = total & seen
                return {
                    "covered": len(hit),
                    "total": len(total),
                    "percent": round(100 * len(hit) / len(total), 1) if total else 100.0,
                    "missing": sorted(
                        " ".join(x) if isinstance(x, tuple) else x for x in total - seen
                    ),
                }

            out[key] = {
                "states": part(c.states, c.seen_states),
                "transitions": part(c.edges, c.seen_edges),
                "commands": part(c.commands, c.seen_commands),
                "validation_messages": part(c.rules, c.seen_rules),
                "retry_branch": c.seen_no_match,
                "no_input_branch": c.seen_no_input,
            }
        return out

    def format(self) -> str:
        lines = []
        for key, s in self.summary().items():
            lines.append(f"coverage of {key}:")
            for part in ("states", "transitions", "commands", "validation_messages"):
                p = s[part]
                lines.append(f"  {part:<20} {p['covered']:>3}/{p['total']:<3} {p['percent']:5.1f}%")
                for miss in p["missing"]:
                    lines.append(f"      never: {miss}")
            lines.append(f"  retry branch        {'yes' if s['retry_branch'] else 'NEVER'}")
            lines.append(f"  no-input branch     {'yes' if s['no_input_branch'] else 'NEVER'}")
        return "\n".join(lines)

"""The state diagram of a compiled flow, as Mermaid or Graphviz dot."""

from __future__ import annotations

from flowagent.compiler import CompiledFlow

_LIMIT_EVENTS = {"no_match_limit", "no_input_limit", "max_turns", "reject_limit", "error"}
_COMMAND_EVENTS = {"handoff", "cancel", "start_over"}


def _edges(flow: CompiledFlow, commands: bool) -> list[tuple[str, str, str, str]]:
    """(source, dest, label, style) with parallel edges merged; style: main|limit|command."""
    merged: dict[tuple[str, str, str], list[str]] = {}
    for e in flow.machine.edges:
        style = (
            "limit"
            if e.event in _LIMIT_EVENTS
            else "command"
            if e.event in _COMMAND_EVENTS
            else "main"
        )
        if style == "command" and not commands:
            continue
        label = e.label if e.label and e.label != e.event else e.event
        key = (e.source, e.dest, style)
        if label not in merged.setdefault(key, []):
            merged[key].append(label)
    return [(s, d, " / ".join(labels), style) for (s, d, style), labels in merged.items()]


def to_mermaid(flow: CompiledFlow, commands: bool = False) -> str:
    lines = ["stateDiagram-v2", f"    [*] --> {flow.spec.start}"]
    for source, dest, label, style in _edges(flow, commands):
        text = label.replace(":", " ")
        lines.append(f"    {source} --> {dest}: {text}" + (" ⚠" if style == "limit" else ""))
    for name, info in flow.states.items():
        if info.spec.kind == "end":
            lines.append(f"    {name} --> [*]: {info.spec.outcome or name.lower()}")
    for name, info in flow.states.items():
        if info.spec.kind in ("retry", "action"):
            lines.append(f"    note right of {name}: {info.spec.kind}")
    return "\n".join(lines) + "\n"


def to_dot(flow: CompiledFlow, commands: bool = False) -> str:
    lines = [
        f'digraph "{flow.spec.flow}" {{',
        "  rankdir=LR;",
        "  node [shape=box, style=rounded];",
    ]
    lines.append("  __start [shape=point];")
    lines.append(f'  __start -> "{flow.spec.start}";')
    for name, info in flow.states.items():
        shape = "doublecircle" if info.spec.kind == "end" else "box"
        lines.append(f'  "{name}" [shape={shape}, label="{name}\\n({info.spec.kind})"];')
    for source, dest, label, style in _edges(flow, commands):
        attrs = f'label="{label}"'
        if style == "limit":
            attrs += ", style=dashed, color=red"
        elif style == "command":
            attrs += ", style=dotted, color=gray"
        lines.append(f'  "{source}" -> "{dest}" [{attrs}];')
    lines.append("}")
    return "\n".join(lines) + "\n"

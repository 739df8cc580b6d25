"""The state diagram of a compiled flow, as Mermaid or Graphviz dot.

Readable at a glance: parallel edges between two states are merged into one labelled edge;
transitions carry their conditions (`service = diagnostic`); limit edges (too many failures
or silences, the turn limit, a failing action) are marked; a retry state's way back is
labelled `answered`. Global commands can leave every listening state, so by default they
are drawn once, from a single "any question" node; `commands=True` draws every such edge.
"""

from __future__ import annotations

from flowagent.compiled import CompiledFlow

_LIMIT_EVENTS = frozenset(
    {"no_match_limit", "no_input_limit", "max_turns", "reject_limit", "error"}
)
_ANY = "ANY_QUESTION"  # the pseudo-state global commands leave from

Edge = tuple[str, str, str, str]  # (source, dest, label, style: main|limit|command)


def _any_node(flow: CompiledFlow) -> str:
    name = _ANY
    while name in flow.states:  # never collide with an author's state
        name += "_"
    return name


def _label(flow: CompiledFlow, source: str, event: str, label: str) -> str:
    if event == "resolved":
        return "answered"
    if event in ("no_match",) and flow.states[source].spec.kind == "retry":
        return "still unclear"
    return label if label and label != event else event.replace("_", " ")


def edges(flow: CompiledFlow, commands: bool = False) -> list[Edge]:
    """The diagram's edges in machine order, parallel ones merged."""
    command_events = {c.name for c in flow.commands.commands}
    any_node = _any_node(flow)
    merged: dict[tuple[str, str, str], list[str]] = {}
    for e in flow.machine.edges:
        if e.event in command_events or e.event.startswith("answer:"):
            style, source = "command", e.source if commands else any_node
        else:
            style = "limit" if e.event in _LIMIT_EVENTS else "main"
            source = e.source
        label = _label(flow, e.source, e.event, e.label)
        key = (source, e.dest, style)
        if label not in merged.setdefault(key, []):
            merged[key].append(label)
    out = [(s, d, " / ".join(labels), style) for (s, d, style), labels in merged.items()]
    return sorted(out, key=lambda edge: edge[3] == "command")  # commands last, else in order


def _mermaid_text(label: str) -> str:
    # ':' ends a Mermaid label and ';' a statement; neither belongs in one.
    return label.replace(":", " ").replace(";", ",")


def to_mermaid(flow: CompiledFlow, commands: bool = False) -> str:
    lines = ["stateDiagram-v2", f"    [*] --> {flow.spec.start}"]
    drawn = edges(flow, commands)
    if not commands and any(style == "command" for *_, style in drawn):
        lines.append(f'    state "any question (global commands)" as {_any_node(flow)}')
    for source, dest, label, style in drawn:
        mark = " ⚠" if style == "limit" else ""
        lines.append(f"    {source} --> {dest}: {_mermaid_text(label)}{mark}")
    for name, info in flow.states.items():
        if info.spec.kind == "end":
            lines.append(f"    {name} --> [*]: {info.spec.outcome or name.lower()}")
    for name, info in flow.states.items():
        if info.spec.kind in ("retry", "action", "confirm"):
            action = (info.spec.action or "").replace(":", ".")
            detail = f"action, calls {action}" if info.spec.kind == "action" else info.spec.kind
            lines.append(f"    note right of {name}: {detail}")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(flow: CompiledFlow, commands: bool = False) -> str:
    lines = [
        f'digraph "{_dot_text(flow.spec.flow)}" {{',
        "  rankdir=LR;",
        "  node [shape=box, style=rounded];",
        "  __start [shape=point];",
        f'  __start -> "{flow.spec.start}";',
    ]
    for name, info in flow.states.items():
        shape = "doublecircle" if info.spec.kind == "end" else "box"
        lines.append(f'  "{name}" [shape={shape}, label="{name}\\n({info.spec.kind})"];')
    drawn = edges(flow, commands)
    if not commands and any(style == "command" for *_, style in drawn):
        lines.append(
            f'  "{_any_node(flow)}" [shape=note, style=dashed, label="any question\\n'
            '(global commands)"];'
        )
    for source, dest, label, style in drawn:
        attrs = f'label="{_dot_text(label)}"'
        if style == "limit":
            attrs += ", style=dashed, color=red"
        elif style == "command":
            attrs += ", style=dotted, color=gray"
        lines.append(f'  "{source}" -> "{dest}" [{attrs}];')
    lines.append("}")
    return "\n".join(lines) + "\n"

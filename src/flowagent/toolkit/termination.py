"""The termination proof behind `flowagent check`: the most caller turns a conversation can
take, or the cycles that only `limits.max_turns` bounds.

The structural bound counts what the engine's counters allow (docs/engine.md), with
N collectable slots, M = max_no_match, I = max_no_input, R = max_confirm_rejections, W
waiting `say` states and C slots that can ask a clarification ("2 AM or 2 PM?"):

- every speech fills a new slot, answers a waiting say state, a confirmation or "what would
  you like to change?", asks a clarification, or is a counted failure;
- a slot is refilled only after a confirmation rejection, so fills ≤ N + (R-1), say-state
  answers ≤ W·R, confirmation answers ≤ R+1, change answers ≤ R-1;
- a failure counter allows M-1 failures before the M-th takes the limit's edge, and is reset
  only when its question is answered: at most R·N slot epochs, R confirmation and R change
  epochs, W·R say epochs — so failures ≤ (M-1)·epochs + 1;
- a clarification is asked at most once before each counted answer of its slot: ≤ M·R each
  (an answer that leaves a pending clarification unsettled is a counted failure, whichever
  slot it raises a new question about);
- a question the flow cannot answer is deflected, counted until the next progress: U-1
  (U = max_unanswered) per question asked, and the U-th ends the call;
- an answer may come in up to P pieces (P = max_pieces), each piece sequence ending in a
  fill, a counted failure or another counted turn: speeches × P;
- silences: at most I-1 before each speech, or I ending the call in place of the last
  speech — so turns ≤ speeches·I.

That sum holds only while the caller cannot loop without moving a counter; where they can,
the cycle is named and the bound is `limits.max_turns`: the repeat, help and hold commands,
start over (it resets the counters), corrections while collecting ("actually Thursday"
re-asks the same question), and loops in the flow's own transitions. A loop of states that
never wait is a flow bug: the engine stops it and ends the call as an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flowagent.compiled import CompiledFlow

# Edges that are not progress: limits end the call, retries are the counted failures,
# "change" is a counted confirmation rejection.
_NOT_PROGRESS = frozenset(
    {"no_match_limit", "no_input_limit", "max_turns", "reject_limit", "error", "no_match"}
    | {"resolved", "change"}
)
# Extractors that return candidates: "the weekend", "at 2" (AM or PM), two choices in one
# utterance, ten digits and another area code.
_CLARIFIABLE = frozenset({"date", "time", "datetime", "choice", "phone"})
_IDLE_COMMANDS = ("help", "hold", "repeat")


@dataclass(slots=True)
class Termination:
    bound: int | None  # most caller turns any conversation can take; None: not proven
    structural_bound: int | None  # what the counters alone imply, without the cycles below
    unbounded_cycles: list[str] = field(default_factory=list)  # cycles only max_turns bounds
    breakdown: list[str] = field(default_factory=list)  # how the structural bound adds up
    transient_loops: list[list[str]] = field(default_factory=list)  # states that never wait


def prove_termination(flow: CompiledFlow, traps: list[str]) -> Termination:
    """The termination proof of a compiled flow; `traps` are states with no way to an end."""
    spec = flow.spec
    cycles, transient = _flow_loops(flow)
    if traps:  # a trap means no bound at all, whatever max_turns says
        trapped = f"no end state can be reached from {', '.join(traps)}"
        return Termination(None, None, [trapped, *cycles], transient_loops=transient)
    cycles += _caller_loops(flow)
    structural, breakdown = _structural_bound(flow)
    bound = spec.limits.max_turns if cycles else min(structural, spec.limits.max_turns)
    return Termination(bound, structural, cycles, breakdown, transient)


def _caller_loops(flow: CompiledFlow) -> list[str]:
    spec = flow.spec
    out: list[str] = []

    def enabled(name: str) -> bool:
        command = spec.commands.get(name)
        return command is None or command.enabled

    idle = [c for c in _IDLE_COMMANDS if enabled(c)]
    if idle:
        out.append(
            f"the {', '.join(idle)} command(s) keep the conversation in place,"
            " and no failure is counted"
        )
    if enabled("start_over"):
        target = (spec.commands["start_over"].to if "start_over" in spec.commands else None) or (
            spec.start
        )
        out.append(f"start over returns to {target!r} and resets every slot and counter")
    if flow.answers:
        out.append(
            "questions the flow answers (answers:) keep the conversation in place,"
            " and no failure is counted"
        )
    collecting = [n for n, i in flow.states.items() if i.spec.kind == "collect"]
    if collecting and len(flow.collectable_slots) >= 2:
        out.append(
            f"corrections while collecting ({', '.join(collecting)}): a caller who keeps"
            ' correcting an earlier answer ("actually Thursday") hears the same question'
            " again, and no failure is counted"
        )
    return out


def _clarifiable(flow: CompiledFlow) -> list[str]:
    return [n for n in flow.collectable_slots if _CLARIFIABLE & set(flow.slots[n].types)]


def _progress_graph(flow: CompiledFlow) -> dict[str, list[str]]:
    commands = {c.name for c in flow.commands.commands}
    succ: dict[str, list[str]] = {n: [] for n in flow.states}
    for e in flow.machine.edges:
        if e.event in _NOT_PROGRESS or e.event in commands or e.event.startswith("answer:"):
            continue
        if e.dest not in succ[e.source]:
            succ[e.source].append(e.dest)
    return succ


def _flow_loops(flow: CompiledFlow) -> tuple[list[str], list[list[str]]]:
    """Cycles in the flow's own transitions: (named cycles, loops of never-waiting states)."""
    succ = _progress_graph(flow)
    named: list[str] = []
    transient: list[list[str]] = []
    for component in _strongly_connected(succ):
        first = component[0]
        if len(component) == 1 and first not in succ[first]:
            continue
        loop = _cycle_through(first, set(component), succ)
        text = " → ".join([*loop, loop[0]])
        if any(flow.states[s].behaviour.waits for s in component):
            named.append(f"the flow's own transitions loop: {text}")
        else:
            transient.append(loop)
            named.append(f"{text} never waits for the caller (the engine ends the call)")
    return named, transient


def _strongly_connected(succ: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively (flows are small, but recursion limits are not ours)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in succ:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if i < len(succ[node]):
                work.append((node, i + 1))
                nxt = succ[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                out.append(sorted(component))
    return out


def _cycle_through(start: str, members: set[str], succ: dict[str, list[str]]) -> list[str]:
    """One simple cycle from `start` inside its component (breadth-first, so the shortest)."""
    parents: dict[str, str] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in succ[node]:
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return path[::-1]
            if nxt in members and nxt not in parents:
                parents[nxt] = node
                queue.append(nxt)
    return [start]


def _structural_bound(flow: CompiledFlow) -> tuple[int, list[str]]:
    spec = flow.spec
    lim = spec.limits
    m = max([lim.max_no_match, *(i.spec.max_no_match or 0 for i in flow.states.values())])
    i_ = max([lim.max_no_input, *(i.spec.max_no_input or 0 for i in flow.states.values())])
    n = len(flow.collectable_slots)
    waiting_says = sum(
        1 for s in flow.states.values() if s.spec.kind == "say" and s.behaviour.waits
    )
    confirms = any(s.spec.kind == "confirm" for s in flow.states.values())
    r = lim.max_confirm_rejections if confirms else 1
    c = len(_clarifiable(flow))
    u = lim.max_unanswered
    p = lim.max_pieces
    fills = n + (r - 1)
    says = waiting_says * r
    answers = (r + 1) + (r - 1) if confirms else 0
    epochs = r * n + (2 * r if confirms else 0) + waiting_says * r
    failures = (m - 1) * epochs + 1
    clarifications = c * m * r
    # A deflected question is counted until the conversation makes progress: U-1 per
    # question asked, and the U-th ends the call.
    deflections = (u - 1) * epochs + 1
    whole = fills + says + answers + failures + clarifications + deflections
    # An answer may come in up to P pieces; a piece sequence ends in a fill, a counted
    # failure or another kind of turn, each counted above.
    speeches = whole * p
    turns = speeches * i_
    breakdown = [
        f"slot fills        {fills:>5}  ({n} slots + {r - 1} refills after rejections)",
        f"say-state answers {says:>5}  ({waiting_says} waiting say states × {r})",
        f"confirm answers   {answers:>5}",
        f"counted failures  {failures:>5}  ({m - 1} per question × {epochs} questions asked, + 1)",
        f"clarifications    {clarifications:>5}  ({c} clarifiable slots × {m} × {r})",
        f"deflected questions {deflections:>3}  ({u - 1} per question × {epochs}, + 1)",
        f"speeches          {speeches:>5}  (answers in up to {p} pieces each)",
        f"turns             {turns:>5}  (speeches × {i_}: up to {i_ - 1} silences before each)",
    ]
    return turns, breakdown

"""A small typed facade over `transitions`.

One `FlowMachine` is built per flow and shared by every conversation of that flow. The
conversation's `Context` is passed as the model on each `fire` (transitions only reads and
writes its `state` attribute), so nothing is generated on the context and no code outside
this module touches transitions' dynamic API.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from transitions import Machine

#: A transition guard: reads the conversation context, returns whether the edge may be taken.
Guard = Callable[[Any], bool]


class HasState(Protocol):
    state: str


@dataclass(frozen=True, slots=True)
class Edge:
    """One transition of the compiled flow, as authors and tools see it."""

    source: str
    event: str
    dest: str
    guard: Guard | None = None
    label: str = ""  # the condition, human-readable, for graphs and coverage
    priority: int = 0


class FlowMachine:
    """States and guarded edges, compiled once; `fire` moves one conversation."""

    def __init__(self, states: Sequence[str], edges: Sequence[Edge], initial: str) -> None:
        self.states = tuple(states)
        self.edges = tuple(edges)
        self.initial = initial
        # model=None: the machine holds no conversation; contexts are passed per call.
        self._machine = Machine(
            model=None,
            states=list(self.states),
            initial=initial,
            send_event=True,
            auto_transitions=False,
            ignore_invalid_triggers=True,
        )
        for edge in self.edges:  # added in priority order by the compiler; first match wins
            conditions: list[str | Callable[..., bool | None]] = (
                [_wrap(edge.guard)] if edge.guard is not None else []
            )
            self._machine.add_transition(edge.event, edge.source, edge.dest, conditions=conditions)
        self._events: dict[str, Any] = dict(self._machine.events)
        self._by_source: dict[str, tuple[Edge, ...]] = {}
        for edge in self.edges:
            self._by_source[edge.source] = (*self._by_source.get(edge.source, ()), edge)

    def fire(self, event: str, model: HasState, ctx: Any) -> str | None:
        """Trigger `event` for `model`; returns the new state, or None if no edge applied."""
        trigger = self._events.get(event)
        if trigger is None or not trigger.trigger(model, ctx=ctx):
            return None
        return model.state

    def events_from(self, state: str) -> set[str]:
        return {e.event for e in self._by_source.get(state, ())}

    def edges_from(self, state: str) -> tuple[Edge, ...]:
        return self._by_source.get(state, ())


def _wrap(guard: Guard) -> Callable[[Any], bool]:
    def condition(event_data: Any) -> bool:
        return bool(guard(event_data.kwargs["ctx"]))

    return condition

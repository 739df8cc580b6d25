"""What every kind of state implements.

A state behaviour is stateless and shared by all conversations of a flow: it reads and writes
the conversation only through the `Scope` it is given (`compiled.Scope`, implemented by
`scope.TurnScope`). It declares its outgoing edges to
the compiler (`edges`), checks its own YAML keys (`check`), says what it says when entered
(`enter`) and interprets a caller utterance (`handle`).
"""

from __future__ import annotations

from typing import ClassVar

from flowagent.compiled import EdgeSpec, Report, Scope
from flowagent.schema import FlowSpec, StateSpec


class StateBehaviour:
    """Base class (a `compiled.Behaviour`); subclasses override what their kind does."""

    kind: ClassVar[str] = ""
    waits_for_input: ClassVar[bool] = True
    done_event: ClassVar[str | None] = None  # the event `transitions:` entries hang off

    def __init__(self, name: str, spec: StateSpec) -> None:
        self.name = name
        self.spec = spec

    @property
    def waits(self) -> bool:
        """Whether the state stops and waits for the caller (else it moves on by itself)."""
        return self.waits_for_input

    # --- compile time ------------------------------------------------------------------
    def edges(self, flow: FlowSpec) -> list[EdgeSpec]:
        """Outgoing edges: the author's `transitions:` first, then the default target."""
        out: list[EdgeSpec] = []
        ordered = sorted(enumerate(self.spec.transitions), key=lambda p: -p[1].priority)
        for index, t in ordered:
            out.append(EdgeSpec(t.on or self.done_event or "next", t.to, when_index=index))
        if self.done_event and self.spec.next:
            out.append(EdgeSpec(self.done_event, self.spec.next))
        return out

    def check(self, flow: FlowSpec, report: Report) -> None:
        """Kind-specific checks of this state's keys."""

    # --- run time ------------------------------------------------------------------------
    def enter(self, scope: Scope) -> None:
        """Say what this state says on entry; transient states move on by themselves."""

    def handle(self, scope: Scope, text: str) -> None:
        """Interpret one (non-empty, non-command) caller utterance."""
        scope.no_match(scope.ctx.expecting or self.name, None)

    def reprompt(self, scope: Scope, key: str, attempt: int) -> str:
        """What to say after the `attempt`-th consecutive failure on `key`."""
        return scope.default_reprompt(key, attempt)

"""What every kind of state implements.

A state behaviour is stateless and shared by all conversations of a flow: it reads and writes
the conversation only through the `TurnScope` it is given. It declares its outgoing edges to
the compiler (`edges`), checks its own YAML keys (`check`), says what it says when entered
(`enter`) and interprets a caller utterance (`handle`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from flowagent.schema import FlowSpec, StateSpec

if TYPE_CHECKING:
    from flowagent.scope import TurnScope

#: Reports a problem at a field of this state: `report(field, message)`.
Report = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class EdgeSpec:
    """An outgoing edge before compilation: `guard` is filled in by the compiler."""

    event: str
    dest: str
    label: str = ""
    when_index: int | None = None  # index into `transitions:` whose condition guards it
    retry_origin: str | None = None  # retry states: only when coming from this state
    changes_state: str | None = None  # confirm: only when this collect state lacks a slot


class StateBehaviour:
    """Base class; subclasses override what their kind does."""

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
    def enter(self, scope: TurnScope) -> None:
        """Say what this state says on entry; transient states move on by themselves."""

    def handle(self, scope: TurnScope, text: str) -> None:
        """Interpret one (non-empty, non-command) caller utterance."""
        scope.no_match(scope.ctx.expecting or self.name, None)

    def reprompt(self, scope: TurnScope, key: str, attempt: int) -> str:
        """What to say after the `attempt`-th consecutive failure on `key`."""
        return scope.default_reprompt(key, attempt)

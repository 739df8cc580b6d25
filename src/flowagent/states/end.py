"""`end` states: say a last line and finish the conversation with an outcome
(`complete`, `fallback`, `no_input`, `handoff`, ... — the author's word, default the state's
name in lower case)."""

from __future__ import annotations

from flowagent.compiled import EdgeSpec, Report, Scope
from flowagent.schema import FlowSpec
from flowagent.states.base import StateBehaviour


class EndState(StateBehaviour):
    kind = "end"
    waits_for_input = False

    def edges(self, flow: FlowSpec) -> list[EdgeSpec]:
        return []

    def check(self, flow: FlowSpec, report: Report) -> None:
        if self.spec.transitions or self.spec.next:
            report("next", "an 'end' state has no way out; remove 'next'/'transitions'")

    @property
    def outcome(self) -> str:
        return self.spec.outcome or self.name.lower()

    def enter(self, scope: Scope) -> None:
        if self.spec.say:
            scope.say(scope.render_state_text(self.name, "say"))
        scope.finish(self.outcome)

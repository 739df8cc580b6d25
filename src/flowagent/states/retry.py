"""`retry` states: where a state's no-match goes when it names one (`on_no_match: RETRY`).

The retry state speaks the escalating reprompt of the question that failed and then listens
*as that state*: a usable answer fires `resolved` back to it; another failure stays here with
the next reprompt; the consecutive-failure limit leads to `on_max_no_match` (the fallback)."""

from __future__ import annotations

from flowagent.compiled import EdgeSpec, Report, Scope
from flowagent.schema import FlowSpec
from flowagent.states.base import StateBehaviour


class RetryState(StateBehaviour):
    kind = "retry"

    def origins(self, flow: FlowSpec) -> list[str]:
        return [n for n, s in flow.states.items() if s.on_no_match == self.name]

    def edges(self, flow: FlowSpec) -> list[EdgeSpec]:
        out = [
            EdgeSpec("resolved", origin, label=f"from {origin}", retry_origin=origin)
            for origin in self.origins(flow)
        ]
        out.append(EdgeSpec("no_match", self.name, label="still unclear"))
        return out

    def check(self, flow: FlowSpec, report: Report) -> None:
        if not self.origins(flow):
            report("kind", "no state sends its no-match here (set 'on_no_match' on a state)")
        if self.spec.next or self.spec.transitions:
            report("next", "a 'retry' state returns to where it came from; remove 'next'")

    def enter(self, scope: Scope) -> None:
        if self.spec.say:
            scope.say(scope.render_state_text(self.name, "say"))

    def handle(self, scope: Scope, text: str) -> None:
        origin = scope.ctx.retry_from
        behaviour = scope.flow.states[origin].behaviour if origin in scope.flow.states else None
        if behaviour is None or behaviour is self:
            scope.no_match(scope.ctx.expecting or self.name, None)
            return
        behaviour.handle(scope, text)

    def reprompt(self, scope: Scope, key: str, attempt: int) -> str:
        origin = scope.ctx.retry_from
        if origin in scope.flow.states and origin != self.name:
            return scope.flow.states[origin].behaviour.reprompt(scope, key, attempt)
        return scope.default_reprompt(key, attempt)

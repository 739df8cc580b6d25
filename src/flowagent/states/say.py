"""`say` states: speak a line, then move on — at once, or (`wait: true`) after the caller
answers. A waiting say state (a greeting such as "How can I help?") still listens: anything
the caller volunteers ("this is Maria, I need a checkup Friday at 2") fills slots."""

from __future__ import annotations

from flowagent.compiled import Report, Scope
from flowagent.schema import FlowSpec
from flowagent.states.base import StateBehaviour


class SayState(StateBehaviour):
    kind = "say"
    done_event = "next"

    @property
    def waits(self) -> bool:
        return self.spec.wait

    def check(self, flow: FlowSpec, report: Report) -> None:
        if not self.spec.say:
            report("say", "a 'say' state needs the text to say")
        if not self.spec.next and not self.spec.transitions:
            report("next", "a 'say' state needs 'next' (where to go after speaking)")

    def enter(self, scope: Scope) -> None:
        text = scope.render_state_text(self.name, "say")
        if self.spec.wait:
            scope.ask(text, None)
        else:
            scope.say(text)
            scope.fire("next")

    def handle(self, scope: Scope, text: str) -> None:
        # The clarification asked here ("did you mean this Friday or next?") makes its slot the
        # one expected: "the 4th" alone answers it, as it would in a collect state.
        pending = (scope.ctx.clarify or {}).get("slot")
        expected = pending if isinstance(pending, str) and pending in scope.flow.slots else None
        result = scope.fill(text, scope.flow.collectable_slots, expected=expected)
        if result.clarified and scope.ctx.clarify is not None:
            return  # "did you mean a leak or a clog?" is answered here, then we move on
        scope.fire("next")

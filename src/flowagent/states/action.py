"""`action` states: call the author's Python function (`module:function`, sync or async) with
the slots, keep its result for later prompts (`{{ result.key }}`), and move on: `next` (or a
matching `transitions:` entry) on success, `on_error` (default: the flow's fallback) when it
raises or times out."""

from __future__ import annotations

from flowagent.compiled import EdgeSpec, Report, Scope
from flowagent.schema import FlowSpec
from flowagent.states.base import StateBehaviour


class ActionState(StateBehaviour):
    kind = "action"
    waits_for_input = False
    done_event = "success"

    def edges(self, flow: FlowSpec) -> list[EdgeSpec]:
        out = super().edges(flow)
        target = self.spec.on_error or flow.fallback
        if target:
            out.append(EdgeSpec("error", target, label="error"))
        return out

    def check(self, flow: FlowSpec, report: Report) -> None:
        if not self.spec.action:
            report("action", "an 'action' state needs 'action: module:function'")
        if not self.spec.next and not self.spec.transitions:
            report("next", "an 'action' state needs 'next' for when the action succeeds")
        if not (self.spec.on_error or flow.fallback):
            report("on_error", "an 'action' state needs 'on_error' or a flow-level 'fallback'")

    def enter(self, scope: Scope) -> None:
        if self.spec.say:
            scope.say(scope.render_state_text(self.name, "say"))
        if scope.defer_actions:
            scope.pending_action = self.name  # the async turn awaits it, then continues
            return
        scope.after_action(self.name, scope.run_action(self.name))

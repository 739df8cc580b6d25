"""`collect` states: ask for each missing required slot in order until all are filled, then
fire `complete`. Every utterance may fill several slots at once (over-informative callers) and
correct earlier ones ("actually make that Thursday"); a value that breaks a rule gets that
rule's message together with the question, once."""

from __future__ import annotations

from flowagent import pieces
from flowagent.compiled import EdgeSpec, Report, Scope
from flowagent.schema import FlowSpec
from flowagent.states.base import StateBehaviour


class CollectState(StateBehaviour):
    kind = "collect"
    done_event = "complete"

    def edges(self, flow: FlowSpec) -> list[EdgeSpec]:
        out = super().edges(flow)
        if self.spec.on_no_match:
            out.append(EdgeSpec("no_match", self.spec.on_no_match, label="no match"))
        return out

    def check(self, flow: FlowSpec, report: Report) -> None:
        if not self.spec.slots:
            report("slots", "a 'collect' state needs the list of slots it collects")
        if not self.spec.next and not self.spec.transitions:
            report("next", "a 'collect' state needs 'next' for when every slot is filled")

    def missing(self, scope: Scope) -> str | None:
        slots = scope.ctx.slots
        for name in self.spec.slots:
            if name not in slots and scope.flow.slots[name].spec.required:
                return name
        return None

    def enter(self, scope: Scope) -> None:
        if self.spec.say and scope.arrived_from_elsewhere:
            scope.say(scope.render_state_text(self.name, "say"))
        slot = self.missing(scope)
        if slot is None:
            scope.fire("complete")
        else:
            scope.ask_slot(slot)

    def handle(self, scope: Scope, text: str) -> None:
        expected = scope.ctx.expecting if scope.ctx.expecting in scope.flow.slots else None
        if scope.ctx.pending is not None and pieces.continue_pending(scope, text):
            return
        if expected is not None:
            info = scope.flow.slots[expected]
            if info.spec.multi_turn and "text" in info.types and not pieces.is_closing(text):
                if not pieces.complete_surname(scope, text):
                    pieces.start_text(scope, text, expected)
                return
        result = scope.fill(text, scope.flow.collectable_slots, expected=expected)
        if result.clarified:
            return
        if result.problems:
            slot, message = result.problems[0]
            if slot == expected and pieces.start(scope, text, result, slot):
                return
            scope.no_match(slot, message)
        elif result.filled:
            scope.resume()
        elif pieces.complete_surname(scope, text) or (
            expected is not None and pieces.start(scope, text, result, expected)
        ):
            return
        else:
            scope.no_match(expected or self.missing(scope) or self.name, None)

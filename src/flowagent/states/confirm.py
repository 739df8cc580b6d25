"""`confirm` states: read the collected values back and ask yes or no.

- yes → `yes` (to `on_yes`/`next`).
- a new value in the answer ("no, 4pm", "make that Thursday") → that slot only is updated and
  the summary is read again.
- no, naming a slot ("no, the date is wrong") → that slot is cleared and `change` goes to the
  collect state that asks for it, which comes back here when it is filled.
- a bare no → "What would you like to change?"; the answer is handled as above.
Rejections are counted; `max_confirm_rejections` leads to the fallback.
"""

from __future__ import annotations

import re

from flowagent.compiled import EdgeSpec, Report, Scope
from flowagent.schema import FlowSpec
from flowagent.states.base import StateBehaviour

_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "date": ("date", "day"),
    "time": ("time", "hour"),
    "datetime": ("date", "day", "time"),
    "phone": ("phone", "number", "phone number", "contact"),
    "email": ("email", "e-mail", "email address", "contact"),
    "name": ("name",),
}


class ConfirmState(StateBehaviour):
    kind = "confirm"
    done_event = "yes"

    def edges(self, flow: FlowSpec) -> list[EdgeSpec]:
        out = super().edges(flow)
        if self.spec.on_yes:
            out.append(EdgeSpec("yes", self.spec.on_yes))
        if self.spec.on_change:
            out.append(EdgeSpec("change", self.spec.on_change, label="change"))
        else:
            for name, state in flow.states.items():
                if state.kind == "collect":
                    out.append(EdgeSpec("change", name, label="change", changes_state=name))
        if self.spec.on_no_match:
            out.append(EdgeSpec("no_match", self.spec.on_no_match, label="no match"))
        target = flow.limits.on_max_no_match or flow.fallback
        if target:
            out.append(EdgeSpec("reject_limit", target, label="too many corrections"))
        return out

    def check(self, flow: FlowSpec, report: Report) -> None:
        if not (self.spec.prompt or self.spec.say):
            report("prompt", "a 'confirm' state needs the 'prompt' that reads the values back")
        if not (self.spec.on_yes or self.spec.next or self.spec.transitions):
            report("on_yes", "a 'confirm' state needs 'on_yes' (where a yes goes)")

    def enter(self, scope: Scope) -> None:
        scope.ctx.changing = False
        scope.ask(
            scope.render_state_text(self.name, "prompt" if self.spec.prompt else "say", spell=True),
            "confirmation",
        )

    def handle(self, scope: Scope, text: str) -> None:
        ctx = scope.ctx
        every = scope.flow.collectable_slots
        result = scope.fill(text, every, expected=None, overwrite=True)
        if result.clarified:
            return
        if result.problems:
            slot, message = result.problems[0]
            scope.no_match(slot, message)
            return
        if result.filled:
            if self._rejected_too_often(scope):
                return
            scope.say(scope.message("changed"))
            scope.reset_no_match("confirmation")
            scope.resume()
            return
        answer = None if ctx.changing else scope.yes_or_no(text)
        mentioned = self.mentioned_slot(scope, text)
        if answer is True and mentioned is None:
            scope.reset_no_match("confirmation")
            scope.fire("yes")
            return
        if answer is False or ctx.changing or mentioned is not None:
            if mentioned is not None:
                if self._rejected_too_often(scope):
                    return
                scope.reset_no_match("confirmation")
                ctx.slots.pop(mentioned, None)
                ctx.changing = False
                scope.fire("change")
                return
            if answer is False:
                if self._rejected_too_often(scope):
                    return
                scope.reset_no_match("confirmation")
                ctx.changing = True
                scope.ask(scope.message("ask_change"), "change")
                return
            scope.no_match("change", None)
            return
        scope.no_match("confirmation", None)

    def _rejected_too_often(self, scope: Scope) -> bool:
        counters = scope.ctx.counters
        counters.confirm_rejections += 1
        if counters.confirm_rejections >= scope.flow.spec.limits.max_confirm_rejections:
            scope.fire("reject_limit")
            return True
        return False

    def mentioned_slot(self, scope: Scope, text: str) -> str | None:
        """The slot the caller names ("the time is wrong"), if exactly one is named."""
        lowered = text.lower()
        found = [
            name for name, pattern in scope.flow.slot_mentions.items() if pattern.search(lowered)
        ]
        return found[0] if len(found) == 1 else None

    def reprompt(self, scope: Scope, key: str, attempt: int) -> str:
        if key == "confirmation":
            if self.spec.reprompts:
                return scope.render_text(
                    self.spec.reprompts[min(attempt, len(self.spec.reprompts)) - 1]
                )
            return "Sorry, is everything correct? Please say yes or no."
        if key == "change":
            names = scope.flow.slot_labels()
            if attempt <= 1:
                return f"Sorry, which part should I change: {names}?"
            return f"You can say just the part to change — {names} — or say it the new way."
        return scope.default_reprompt(key, attempt)


def mention_pattern(slot: str, types: list[str], aliases: list[str]) -> re.Pattern[str]:
    """Words that name a slot: its name, aliases, and words for its type."""
    words = {slot.replace("_", " "), *aliases}
    for t in types:
        words.update(_TYPE_WORDS.get(t, ()))
    alternation = "|".join(re.escape(w.lower()) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{alternation})(?![\w])")

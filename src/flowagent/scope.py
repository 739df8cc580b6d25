"""`TurnScope`: the working memory of one turn, and the only way state behaviours act (it
implements `compiled.Scope`, the part of it a behaviour sees).

A behaviour says things (`say`, `ask`), fills slots (`fill`), reports failures (`no_match`),
and moves the conversation (`fire`, `resume`, `finish`). The scope keeps the counters and
limits consistent, composes the reply so that a message and its question are said once,
together, and records the path taken for coverage.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flowagent import pieces
from flowagent.action_contract import missing_result
from flowagent.actions import run_action, run_action_async
from flowagent.compiled import FillResult
from flowagent.context import results_problem
from flowagent.errors import ActionError
from flowagent.fakes import FakeAction
from flowagent.render import (
    Template,
    compile_template,
    say_options,
    say_spelled,
    say_value,
    speakable,
)
from flowagent.slotfill import fill_slots
from flowagent.slots.base import ExtractContext
from flowagent.slots.registry import get_extractor
from flowagent.states.retry import RetryState
from flowagent.wording import last_question_sentence, without_apology

if TYPE_CHECKING:
    from flowagent.answers import Answer
    from flowagent.commands import Command
    from flowagent.compiled import Behaviour, CompiledFlow
    from flowagent.context import Context
    from flowagent.fakes import ActionOverride

log = logging.getLogger("flowagent.engine")

#: How often one clarification question is asked while answers fill other slots instead.
_CLARIFY_ASKS = 3


class TurnScope:
    """One turn's working memory over a conversation's `Context`."""

    def __init__(
        self,
        flow: CompiledFlow,
        ctx: Context,
        defer_actions: bool = False,
        actions: Mapping[str, ActionOverride] | None = None,
    ) -> None:
        self.flow = flow
        self.ctx = ctx
        # This conversation's stand-ins for the flow's actions, by state (fakes in tests).
        self.actions = actions or {}
        # In async turns an action state parks its action here for the caller to await.
        self.defer_actions = defer_actions
        self.pending_action: str | None = None
        self.parts: list[str] = []
        self.path: list[tuple[str, str, str]] = []
        self.filled: list[str] = []
        self.marks: list[str] = []  # what happened this turn, for coverage and logs
        self.event: str | None = None
        self.hold = False
        # A reply passing through an uninterruptible state (a legal notice) is uninterruptible.
        self.interruptible = True
        self.arrived_from_elsewhere = False
        self._entries = 0

    # --- speaking ------------------------------------------------------------------------
    def say(self, text: str) -> None:
        if text and text.strip():
            self.parts.append(text.strip())

    def ask(self, text: str, expecting: str | None) -> None:
        """Say a question and remember it (for repeat, silence and reprompts)."""
        self.say(text)
        self.ctx.expecting = expecting
        self.ctx.last_question = text.strip()

    def question_again(self) -> str:
        """The current question, asked again for a reason that is not a failure (after help,
        an answer, a deflected question): the slot's own prompt, or the last question
        without its apology."""
        key = self.ctx.expecting
        if key in self.flow.slots and self.ctx.clarify is None:
            return self.render(self.flow.slots[key].prompt)
        return last_question_sentence(without_apology(self.ctx.last_question))

    def ask_slot(self, slot: str) -> None:
        """Ask for `slot`: its prompt, or the clarification still open for it. An answer that
        fills other slots but leaves "did you mean a leak or a water heater problem?" open
        gets the clarification again, up to `_CLARIFY_ASKS` times in all; then the prompt."""
        clarify = self.ctx.clarify
        if clarify is not None and clarify.get("slot") == slot:
            asked = int(clarify.get("asked", 1))
            if asked < _CLARIFY_ASKS:
                clarify["asked"] = asked + 1
                self.ask(self.clarify_question(slot), slot)
                return
            self.ctx.clarify = None
        self.ask(self.render(self.flow.slots[slot].prompt), slot)

    def clarify_question(self, slot: str) -> str:
        """The clarification question open for `slot` ("Did you mean 2 AM or 2 PM?")."""
        info = self.flow.slots[slot]
        candidates = tuple((self.ctx.clarify or {}).get("candidates", ()))
        spoken = say_options(info.types[0], candidates, info.labels, self.ctx.now.date())
        if info.clarify:
            return self.render(info.clarify, {"options": spoken})
        return self.message("clarify", extra={"options": spoken})

    @property
    def behaviour(self) -> Behaviour:
        return self.flow.states[self.ctx.state].behaviour

    # --- rendering -----------------------------------------------------------------------
    def render(
        self, template: Template, extra: Mapping[str, str] | None = None, spell: bool = False
    ) -> str:
        """`template` with its placeholders filled; with `spell`, slot values the caller
        spelled (or whose slot says `confirm: spell`) are read back spelled."""
        ctx, flow = self.ctx, self.flow

        def lookup(name: str) -> str:
            if extra and name in extra:
                return extra[name]
            if name in ctx.slots:
                info = flow.slots[name]
                value = ctx.slots[name]
                if spell and self.spells(name):
                    return say_spelled(info.type_of(value), value)
                return say_value(info.type_of(value), value, info.labels)
            if name in flow.spec.vars:
                return str(flow.spec.vars[name])
            if name.startswith("result."):
                return speakable(str(ctx.results.get(name[7:], "")))
            return ""

        return template.render(lookup)

    def spells(self, slot: str) -> bool:
        mode = self.flow.slots[slot].spec.confirm
        return mode == "spell" or (mode is None and slot in self.ctx.spelled)

    def render_text(self, text: str) -> str:
        return self.render(compile_template(text))

    def render_state_text(self, state: str, key: str, spell: bool = False) -> str:
        found = self.flow.states[state].texts.get(key)
        return self.render(found, spell=spell) if found else ""

    def message(self, key: str, attempt: int = 1, extra: Mapping[str, str] | None = None) -> str:
        """A flow message; lists escalate with `attempt` (the last one repeats)."""
        options = self.flow.messages[key]
        return self.render(options[min(max(attempt, 1), len(options)) - 1], extra)

    # --- moving --------------------------------------------------------------------------
    def fire(self, event: str) -> None:
        """Take the `event` edge out of the current state and enter where it leads."""
        ctx = self.ctx
        machine = self.flow.machine
        if (
            ctx.retry_from is not None
            and isinstance(self.behaviour, RetryState)
            and event not in machine.events_from(ctx.state)
            and event in machine.events_from(ctx.retry_from)
        ):
            # The retry state listens as the state the failure came from; when that state's
            # logic moves on ("yes" to a confirmation), step back to it quietly first.
            retry_state = ctx.state
            back = machine.fire("resolved", ctx, ctx)
            if back is not None:
                self.path.append((retry_state, "resolved", back))
                ctx.retry_from = None
        source = ctx.state
        dest = machine.fire(event, ctx, ctx)
        if dest is None:
            # The compiler guarantees the edges we fire; reaching this is a flowagent bug.
            # Never strand the caller: go to the fallback, or end.
            log.error("no edge for event", extra={"state": source, "event": event})
            fallback = self.flow.fallback
            if fallback and fallback != source:
                ctx.state = fallback
                self.path.append((source, event, fallback))
                self.enter(fallback)
            else:
                self.finish("error")
            return
        self.path.append((source, event, dest))
        if event == "resolved":
            ctx.retry_from = None
        self.arrived_from_elsewhere = dest != source
        self.enter(dest)

    def enter(self, state: str) -> None:
        self._entries += 1
        if self._entries > 4 * len(self.flow.states) + 8:
            log.error("state entry loop", extra={"state": state})
            self.finish("error")
            return
        info = self.flow.states[state]
        if not info.spec.voice.interruptible:
            self.interruptible = False
        info.behaviour.enter(self)

    def resume(self) -> None:
        """Progress was made: continue where the conversation stands (back to the state a
        retry came from, or the current state's next question)."""
        if isinstance(self.behaviour, RetryState):
            self.fire("resolved")
        else:
            self.arrived_from_elsewhere = False
            self.enter(self.ctx.state)

    def finish(self, outcome: str) -> None:
        self.ctx.ended = True
        self.ctx.outcome = outcome
        self.ctx.expecting = None

    # --- understanding ---------------------------------------------------------------------
    def fill(
        self,
        text: str,
        candidates: tuple[str, ...] | list[str],
        expected: str | None,
        overwrite: bool = False,
    ) -> FillResult:
        result = fill_slots(self.flow, self.ctx, text, candidates, expected, overwrite, self.render)
        self.filled.extend(result.filled)
        pieces.note_filled(self, result.filled)
        self.marks.extend(result.marks)
        for name in result.filled:
            ack = self.flow.slots[name].ack
            if name in result.corrected:
                # "actually make it Tuesday" while another slot is asked: say what changed
                info = self.flow.slots[name]
                value = self.ctx.slots[name]
                spoken = say_value(info.type_of(value), value, info.labels)
                self.say(self.message("corrected", extra={"value": spoken}))
            elif ack is not None:
                self.say(self.render(ack, spell=True))
        if result.clarify is not None and not result.problems:
            slot, candidates_ = result.clarify
            # a pending clarification the answer left unsettled (for this slot or another):
            # counted, so clarifications cannot loop, alternating between slots or not
            already = self.ctx.clarify is not None
            result.clarified = True
            if already:  # asked once already: count it as a failure so it cannot loop
                self.ctx.clarify = None
                self.no_match(slot, None)
                return result
            self.ctx.clarify = {"slot": slot, "candidates": list(candidates_), "asked": 1}
            self.ask(self.clarify_question(slot), slot)
        return result

    def yes_or_no(self, text: str) -> bool | None:
        found = get_extractor("yesno").extract(
            text, ExtractContext(now=self.ctx.now, region=self.flow.region, expected=True)
        )
        return found.value if found is not None and isinstance(found.value, bool) else None

    # --- failures ----------------------------------------------------------------------------
    def _limit(self, key: str) -> int:
        for state in (self.ctx.state, self.ctx.retry_from):
            if state in self.flow.states:
                value = getattr(self.flow.states[state].spec, key)
                if value is not None:
                    return int(value)
        return int(getattr(self.flow.spec.limits, key))

    def reset_no_match(self, key: str) -> None:
        self.ctx.counters.no_match.pop(key, None)

    def question_for(self, key: str) -> str:
        if key in self.flow.slots:
            return self.render(self.flow.slots[key].prompt)
        question = self.ctx.last_question
        for said in self.flow.messages["no_match"]:  # a reprompt asked again: its question
            lead = self.render(said)
            if lead and question.startswith(lead):
                return question[len(lead) :].strip()
        return question

    def default_reprompt(self, key: str, attempt: int) -> str:
        clarify = self.ctx.clarify
        if clarify is not None and clarify.get("slot") == key:
            # "Yes" to "did you mean a leak or a clog?": the options again, not the prompt
            return f"{self.message('no_match', attempt)} {self.clarify_question(key)}"
        info = self.flow.slots.get(key)
        if info is not None and info.reprompts:
            return self.render(info.reprompts[min(attempt, len(info.reprompts)) - 1])
        return f"{self.message('no_match', attempt)} {self.question_for(key)}".strip()

    def no_match(self, key: str, message: str | None) -> None:
        """The caller's answer could not be used for `key` (a slot, "confirmation",
        "change"): count it, then reprompt (escalating) or take the limit's edge."""
        ctx = self.ctx
        self.event = self.event or "no_match"
        attempt = ctx.counters.no_match.get(key, 0) + 1
        ctx.counters.no_match[key] = attempt
        ctx.counters.total_no_match += 1
        self.marks.append(f"no_match:{key}#{attempt}")
        if attempt >= self._limit("max_no_match"):
            ctx.counters.no_match.pop(key, None)
            self.fire("no_match_limit")
            return
        behaviour = self.behaviour
        if message:
            text = (
                message if message.rstrip().endswith("?") else f"{message} {self.question_for(key)}"
            )
        else:
            text = behaviour.reprompt(self, key, attempt)
        expecting = key if key in self.flow.slots else ctx.expecting
        if isinstance(behaviour, RetryState):
            self.fire("no_match")
        elif behaviour.spec.on_no_match:
            ctx.retry_from = ctx.state
            self.fire("no_match")
        self.ask(text, expecting)

    def no_input(self) -> None:
        ctx = self.ctx
        if ctx.pending is not None and pieces.timed_out(self):
            return  # a pause ends an answer given in pieces; it is not a missed turn
        self.event = "no_input"
        ctx.counters.no_input += 1
        ctx.counters.total_no_input += 1
        self.marks.append(f"no_input#{ctx.counters.no_input}")
        if ctx.counters.no_input >= self._limit("max_no_input"):
            ctx.counters.no_input = 0
            self.fire("no_input_limit")
            return
        self.say(f"{self.message('no_input', ctx.counters.no_input)} {ctx.last_question}")

    # --- actions and commands ---------------------------------------------------------------
    def _action(self, state: str) -> tuple[str, float]:
        spec = self.flow.states[state].spec
        return spec.action or "", spec.timeout or self.flow.spec.limits.action_timeout

    def _action_fn(self, state: str) -> ActionOverride:
        override = self.actions.get(state)
        return override if override is not None else self.flow.actions[state]

    def run_action(self, state: str) -> bool:
        """Run the state's action now (synchronous turns)."""
        ref, timeout = self._action(state)
        fn = self._action_fn(state)
        try:
            if isinstance(fn, FakeAction):
                result = fn.run(ref, self.ctx.slots, timeout)
            else:
                result = run_action(ref, fn, dict(self.ctx.slots), timeout)
        except ActionError as err:
            return self._action_failed(state, err)
        return self._take_result(state, ref, result)

    async def run_action_async(self, state: str) -> bool:
        """Await the state's action (asynchronous turns)."""
        ref, timeout = self._action(state)
        fn = self._action_fn(state)
        try:
            if isinstance(fn, FakeAction):
                result = fn.run(ref, self.ctx.slots, timeout)
            else:
                result = await run_action_async(ref, fn, dict(self.ctx.slots), timeout)
        except ActionError as err:
            return self._action_failed(state, err)
        return self._take_result(state, ref, result)

    def _take_result(self, state: str, ref: str, result: dict[str, Any]) -> bool:
        """Keep an action's result, or fail the action when it breaks the contract: a key a
        later reply reads is missing (it would speak a hole), or the results would not fit
        what a conversation can store and resume (`context.results_problem`)."""
        missing = missing_result(
            ref, self.flow.result_reads.get(state, {}), self.ctx.results, result
        )
        if missing is not None:
            return self._action_failed(state, missing)
        problem = results_problem({**self.ctx.results, **result})
        if problem is not None:
            return self._action_failed(
                state, ActionError(ref, f"its result cannot be stored: {problem}")
            )
        self.ctx.results.update(result)
        self.marks.append(f"action:{state}")
        return True

    def _action_failed(self, state: str, err: ActionError) -> bool:
        log.error(  # the reason quotes no value; the action's own message only in `error`
            "action %r failed: %s",
            err.action,
            err.reason,
            extra={"action": err.action, "reason": err.reason, "state": state, "error": err.error},
        )
        self.event = "action_error"
        self.marks.append(f"action_error:{state}")
        return False

    def after_action(self, state: str, ok: bool) -> None:
        """Continue from an action state once its action has run."""
        if ok:
            self.fire("success")
        else:
            self.say(self.message("action_error"))
            self.fire("error")

    # --- questions -----------------------------------------------------------------------
    def answer(self, answer: Answer, ask_again: bool = True) -> None:
        """Say the flow's answer to the caller's question, then the current question again
        (or go to the answer's `to:` state)."""
        self.event = "answer"
        self.marks.append(f"answer:{answer.name}")
        self.say(self.render_text(answer.say))
        if answer.to:
            self.fire(f"answer:{answer.name}")
        elif ask_again:
            self.say(self.question_again())

    def deflect(self, ask_again: bool = True) -> None:
        """A question the flow has no answer for: a polite deflection and the question again.
        Counted on its own; `limits.max_unanswered` in a row lead where too many no-matches
        lead."""
        ctx = self.ctx
        count = ctx.counters.unanswered + 1
        ctx.counters.unanswered = count
        self.event = "unanswered"
        self.marks.append(f"unanswered#{count}")
        if count >= self.flow.spec.limits.max_unanswered:
            ctx.counters.unanswered = 0
            if "no_match_limit" in self.flow.machine.events_from(ctx.state):
                self.fire("no_match_limit")
                return
            target = self._no_match_target()
            if target is not None and target != ctx.state:
                self.path.append((ctx.state, "unanswered_limit", target))
                ctx.state = target
                ctx.retry_from = None
                self.enter(target)
                return
        self.say(self.message("unanswered", count))
        if ask_again:
            self.say(self.question_again())

    def out_of_scope(self, reason: str) -> None:
        """A request this flow cannot serve (`reason`: "task" or "language"; see
        `flowagent.out_of_scope`): the caller goes where `handoff` goes — a language request
        with the handoff's own words, another task after `messages.out_of_scope`. Without a
        handoff it is deflected like a question the flow has no answer for."""
        handoff = self.flow.commands.by_name.get("handoff")
        if handoff is None or "handoff" not in self.flow.machine.events_from(self.ctx.state):
            self.deflect()
            self.marks.append(f"out_of_scope:{reason}")
            return
        self.marks.append(f"out_of_scope:{reason}")
        if reason == "language":
            self.command(handoff)
            return
        self.event = handoff.name  # where it goes; `marks` say why ("out_of_scope:task")
        self.say(self.message("out_of_scope"))
        self.fire("handoff")

    def _no_match_target(self) -> str | None:
        spec = self.flow.states[self.ctx.state].spec
        return spec.on_max_no_match or self.flow.spec.limits.on_max_no_match or self.flow.fallback

    def command(self, command: Command) -> None:
        ctx = self.ctx
        self.event = command.name
        self.marks.append(f"command:{command.name}")
        if command.name == "repeat":
            self.say(ctx.last_reply or ctx.last_question)
        elif command.name == "help":
            info = self.flow.slots.get(ctx.expecting or "")
            state_help = self.flow.states[ctx.state].texts.get("help")
            if info is not None and info.help is not None:
                self.say(self.render(info.help))
            elif state_help is not None:
                self.say(self.render(state_help))
            else:
                self.say(self.render_text(command.reply))
            self.say(self.question_again())
        elif command.name == "hold":
            self.say(self.render_text(command.reply))
            self.hold = True
        else:
            self.say(self.render_text(command.reply))
            if command.name == "start_over":
                ctx.slots.clear()
                ctx.counters.no_match.clear()
                ctx.counters.confirm_rejections = 0
                ctx.results.clear()
                ctx.clarify = None
                ctx.changing = False
                ctx.retry_from = None
            self.fire(command.name)

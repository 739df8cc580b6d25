"""What compilation produces: the compiled flow, which the compiler builds and the runtime reads.

`compiler.compile_flow` checks a `FlowSpec` and builds a `CompiledFlow`: one per flow, shared
read-only by every conversation of the flow. It holds everything a turn needs precomputed —
each slot's extractors and parsed templates (`SlotInfo`), each state's behaviour and texts
(`StateInfo`), the shared `FlowMachine`, the matchers of commands, answers and out-of-scope
requests.

A state's behaviour and the turn it acts in call each other (a behaviour speaks, fills slots
and moves the conversation; the turn enters states), so their contracts live here too, below
both: `Behaviour` is what a state kind implements (`states/`), `Scope` what a behaviour may
do to a turn (`scope.TurnScope` implements it). This module imports nothing above it: the
compiler, the runtime (`scope`, `states/`, `slotfill`, `engine`) and the toolkit import it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from flowagent.action_contract import ActionCheck
from flowagent.actions import ActionFn
from flowagent.answers import AnswerBook
from flowagent.commands import CommandMatcher
from flowagent.context import Context
from flowagent.machine import FlowMachine
from flowagent.nonspeech import Markers
from flowagent.out_of_scope import TaskMatcher
from flowagent.render import Template, compile_template, guess_type
from flowagent.schema import FlowSpec, StateSpec
from flowagent.slots.base import Extractor, OpeningHours, SlotValue
from flowagent.slots.validators import ValidatorInfo

#: What is said when a built-in slot type reports a problem and the slot's `messages:` does
#: not say it its own way (keys: the problem codes of `slot_checks.BUILTIN_PROBLEMS`).
PROBLEM_MESSAGES = {
    "phone_too_short": "That number seems to be missing some digits. Could you say the whole "
    "number, with the area code?",
    "phone_too_long": "That number has too many digits. Could you say it again?",
    "phone_invalid": "That doesn't sound like a valid phone number. Could you say it again?",
    "email_invalid": "That email address doesn't sound complete. Could you spell it for me?",
    "date_invalid": "That date doesn't exist on the calendar. Which day did you mean?",
    "name_not_confirmed": "Sorry about that. Could you say your name again, or spell it?",
}

#: Reports a problem at a field of a state: `report(field, message)`.
Report = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class EdgeSpec:
    """An outgoing edge a state behaviour declares, before compilation: the compiler builds
    its guard (from `when_index`, `retry_origin` or `changes_state`) and its label."""

    event: str
    dest: str
    label: str = ""
    when_index: int | None = None  # index into `transitions:` whose condition guards it
    retry_origin: str | None = None  # retry states: only when coming from this state
    changes_state: str | None = None  # confirm: only when this collect state lacks a slot


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A slot's validation rule: the validator, its checked parameters, its message."""

    name: str
    validator: ValidatorInfo
    params: dict[str, Any]
    message: Template


@dataclass(slots=True)
class SlotInfo:
    """A slot with everything precomputed for turns."""

    name: str
    spec: Any  # SlotSpec
    types: list[str]
    extractors: list[Extractor]
    priority: int
    prompt: Template
    reprompts: list[Template]
    help: Template | None
    ack: Template | None
    clarify: Template | None
    rules: list[CompiledRule]
    problems: dict[str, Template]
    labels: dict[str, str]
    options: dict[str, Any]
    pii: bool

    def type_of(self, value: SlotValue) -> str:
        return guess_type(self.types, value)

    def problem_message(self, problem: str) -> Template:
        found = self.problems.get(problem)
        if found is not None:
            return found
        return compile_template(PROBLEM_MESSAGES.get(problem, "Sorry, that doesn't sound right."))


@dataclass(slots=True)
class StateInfo:
    """A state: its spec, its kind's behaviour and its parsed texts."""

    name: str
    spec: StateSpec
    behaviour: Behaviour
    texts: dict[str, Template] = field(default_factory=dict)  # "say", "prompt", "help"
    reprompts: list[Template] = field(default_factory=list)


@dataclass(slots=True)
class CompiledFlow:
    """A flow ready to run: shared, read-only, by every conversation of the flow."""

    spec: FlowSpec
    file: str | None
    directory: Path | None
    hash: str
    machine: FlowMachine
    slots: dict[str, SlotInfo]
    states: dict[str, StateInfo]
    collectable_slots: tuple[str, ...]
    commands: CommandMatcher
    messages: dict[str, list[Template]]
    tz: ZoneInfo
    hours: OpeningHours | None
    region: str
    actions: dict[str, ActionFn]  # by state; replace one to fake it in tests
    slot_mentions: dict[str, re.Pattern[str]]
    fallback: str | None
    action_refs: dict[str, str] = field(default_factory=dict)  # state → "module:function"
    answers: AnswerBook = field(default_factory=lambda: AnswerBook({}))
    markers: Markers = field(default_factory=Markers)
    tasks: TaskMatcher = field(default_factory=lambda: TaskMatcher(None, None))
    # state → what loading learned of its function (checked? async?), see action_contract
    action_checks: dict[str, ActionCheck] = field(default_factory=dict)
    # action state → {result key: the state that reads it} on the path after a success
    result_reads: dict[str, dict[str, str]] = field(default_factory=dict)

    def slot_labels(self) -> str:
        names = [n.replace("_", " ") for n in self.collectable_slots]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


@dataclass(slots=True)
class FillResult:
    """What one utterance did to the slots (`Scope.fill`, built by `slotfill.fill_slots`)."""

    filled: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (slot, message)
    clarify: tuple[str, tuple[SlotValue, ...]] | None = None
    unchanged: list[str] = field(default_factory=list)  # repeated with the same value
    marks: list[str] = field(default_factory=list)  # what happened, for coverage and logs
    clarified: bool = False  # set by the scope when it asked the clarification question
    corrected: list[str] = field(default_factory=list)  # replaced while another was asked


class Behaviour(Protocol):
    """What a state kind does; `states.base.StateBehaviour` is the base class of every kind.

    Compile time: its outgoing edges (`edges`) and checks of its YAML keys (`check`). Run
    time: what it says on entry (`enter`), how it interprets caller text (`handle`) and what
    it says after a failed answer (`reprompt`), acting only through the `Scope`."""

    name: str
    spec: StateSpec

    @property
    def waits(self) -> bool:
        """Whether the state stops and waits for the caller (else it moves on by itself)."""
        ...

    def edges(self, flow: FlowSpec) -> list[EdgeSpec]: ...

    def check(self, flow: FlowSpec, report: Report) -> None: ...

    def enter(self, scope: Scope) -> None: ...

    def handle(self, scope: Scope, text: str) -> None: ...

    def reprompt(self, scope: Scope, key: str, attempt: int) -> str: ...


class Scope(Protocol):
    """What a state behaviour (and `pieces`) may do in a turn; `scope.TurnScope` is the one
    implementation, and its methods' docstrings say what each does."""

    flow: CompiledFlow
    ctx: Context
    defer_actions: bool  # async turns: an action state parks its action in `pending_action`
    pending_action: str | None
    arrived_from_elsewhere: bool  # the state was entered from another one this turn
    event: str | None  # what happened this turn ("no_match", "piece", a command, …)
    filled: list[str]  # slots filled this turn
    marks: list[str]  # what happened this turn, for coverage and logs

    # speaking
    def say(self, text: str) -> None: ...

    def ask(self, text: str, expecting: str | None) -> None: ...

    def ask_slot(self, slot: str) -> None: ...

    def message(
        self, key: str, attempt: int = 1, extra: Mapping[str, str] | None = None
    ) -> str: ...

    def render(
        self, template: Template, extra: Mapping[str, str] | None = None, spell: bool = False
    ) -> str: ...

    def render_text(self, text: str) -> str: ...

    def render_state_text(self, state: str, key: str, spell: bool = False) -> str: ...

    # moving
    def fire(self, event: str) -> None: ...

    def resume(self) -> None: ...

    def finish(self, outcome: str) -> None: ...

    # understanding, and failing to
    def fill(
        self,
        text: str,
        candidates: tuple[str, ...] | list[str],
        expected: str | None,
        overwrite: bool = False,
    ) -> FillResult: ...

    def yes_or_no(self, text: str) -> bool | None: ...

    def no_match(self, key: str, message: str | None) -> None: ...

    def reset_no_match(self, key: str) -> None: ...

    def default_reprompt(self, key: str, attempt: int) -> str: ...

    # actions
    def run_action(self, state: str) -> bool: ...

    def after_action(self, state: str, ok: bool) -> None: ...

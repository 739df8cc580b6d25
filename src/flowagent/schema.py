"""Pydantic models of the flow YAML: the *shape* of a flow.

Validation here is about shape only (types, required keys, unknown keys). Meaning — that a
transition names a real state, a template names a real slot — is checked by `compiler`.
Every model forbids unknown keys, so a typo such as `promt:` is an error with its line, not
a silently ignored key.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
StateKind = Literal["say", "collect", "confirm", "retry", "action", "end"]
JsonScalar = str | int | float | bool

_HHMM = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")  # "9:00" is read as "09:00"
_STATE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_SLOT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# `package.module:function`: dotted identifiers (no relative `.x`, no `..`), and a function
# name that is not private or a dunder (`os:__loader__`).
_ACTION_REF = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*:[A-Za-z]\w*", re.ASCII)

#: Upper bounds that keep a flow's numbers meaningful (a retry limit of 10**12, a timeout of a
#: year): counts of retries and silences, and seconds for timeouts.
_MAX_COUNT = 100
_MAX_SECONDS = 600

#: Reply text: one string, or a list (the 1st, 2nd, 3rd... failure says the next one; the
#: last one repeats).
Messages = str | list[str]


class _Model(BaseModel):
    # strict: YAML already gives real types, so nothing is coerced (`max_turns: true` is not
    # 1); no infinities or NaN (`timeout: .inf` is not a timeout).
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class HoursSpec(_Model):
    """Opening hours: used to validate times and to read ambiguous hours ("at 3" → 15:00)."""

    days: list[Weekday] = Field(min_length=1)
    open: str
    close: str

    @field_validator("open", "close")
    @classmethod
    def _hhmm(cls, v: str) -> str:
        if not _HHMM.match(v):
            raise ValueError("expected a 24-hour time like '09:00' or '9:00'")
        return v.zfill(5)

    @model_validator(mode="after")
    def _ordered(self) -> HoursSpec:
        if self.open >= self.close:
            raise ValueError("'open' must be before 'close'")
        return self


class RuleSpec(BaseModel):
    """One validation rule of a slot: `rule` names a registered validator; other keys are
    its parameters (e.g. `days: [mon, tue]`); `message` is said when the value breaks it."""

    model_config = ConfigDict(extra="allow", frozen=True)

    rule: str
    message: str | None = None

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class ChoiceSpec(_Model):
    """A choice with a spoken label and synonyms."""

    label: str | None = None
    synonyms: list[str] = Field(default_factory=list)


class SlotSpec(_Model):
    """A piece of information the flow collects."""

    type: str | list[str] = Field(description="slot type, or a list of types tried in order")
    prompt: str
    reprompts: list[str] = Field(default_factory=list)
    help: str | None = None
    ack: str | None = Field(default=None, description="said when the slot is filled")
    clarify: str | None = Field(
        default=None, description="question when the words leave the value open"
    )
    required: bool = True
    aliases: list[str] = Field(
        default_factory=list, description="words callers use for this slot ('the day')"
    )
    pii: bool | None = Field(default=None, description="personal data: redacted in logs")
    choices: dict[str, list[str] | ChoiceSpec] | None = None
    rules: list[RuleSpec] = Field(default_factory=list)
    messages: dict[str, str] = Field(
        default_factory=dict, description="reprompt per extractor problem, e.g. phone_too_short"
    )
    options: dict[str, Any] = Field(default_factory=dict)
    multi_turn: bool = Field(
        default=False,
        description="free text in several pieces, until a closing cue ('that's it') or a pause",
    )
    confirm: Literal["say", "spell"] | None = Field(
        default=None,
        description="read-back: 'spell' always spells the value, 'say' never; default: "
        "spelled when the caller spelled it",
    )

    @property
    def types(self) -> list[str]:
        return [self.type] if isinstance(self.type, str) else list(self.type)


class EndpointingSpec(_Model):
    """How long (seconds of silence) a voice channel waits before taking the caller's turn in
    this state: `min` once the words so far completely answer the question, `max` while they
    clearly are not finished (see `flowagent.endpointing`)."""

    min: float | None = Field(default=None, ge=0, le=10)
    max: float | None = Field(default=None, gt=0, le=10)


class VoiceSpec(_Model):
    """How a state behaves over a voice channel."""

    interruptible: bool = True
    no_input_timeout: float | None = Field(default=None, gt=0, le=_MAX_SECONDS)
    endpointing: EndpointingSpec | None = None


class ConditionSpec(_Model):
    """All given tests must hold (AND)."""

    filled: list[str] | str | None = None
    missing: list[str] | str | None = None
    equals: dict[str, JsonScalar] | None = None
    one_of: dict[str, list[JsonScalar]] | None = None
    result: dict[str, JsonScalar] | None = None

    @staticmethod
    def _names(v: list[str] | str | None) -> list[str]:
        return [] if v is None else [v] if isinstance(v, str) else list(v)

    @property
    def filled_slots(self) -> list[str]:
        return self._names(self.filled)

    @property
    def missing_slots(self) -> list[str]:
        return self._names(self.missing)


class TransitionSpec(_Model):
    """A conditional way out of a state, tried in priority order (higher first, then as
    written) before the state's default target."""

    to: str
    when: ConditionSpec | None = None
    priority: int = 0
    on: str | None = Field(default=None, description="event; default: the state's done event")


class StateSpec(_Model):
    """One state. `kind` decides which other keys mean something (see docs/yaml.md)."""

    kind: StateKind
    say: str | None = None
    prompt: str | None = None
    reprompts: list[str] = Field(default_factory=list)
    help: str | None = None
    slots: list[str] = Field(default_factory=list)
    next: str | None = None
    wait: bool = False
    on_yes: str | None = None
    on_change: str | None = None
    on_no_match: str | None = None
    on_max_no_match: str | None = None
    on_max_no_input: str | None = None
    on_error: str | None = None
    max_no_match: int | None = Field(default=None, ge=1, le=_MAX_COUNT)
    max_no_input: int | None = Field(default=None, ge=1, le=_MAX_COUNT)
    action: str | None = None
    timeout: float | None = Field(default=None, gt=0, le=_MAX_SECONDS)
    outcome: str | None = None
    transitions: list[TransitionSpec] = Field(default_factory=list)
    voice: VoiceSpec = Field(default_factory=VoiceSpec)

    @field_validator("action")
    @classmethod
    def _action_ref(cls, v: str | None) -> str | None:
        if v is not None and not _ACTION_REF.fullmatch(v):
            raise ValueError(
                "expected 'module:function' with a dotted module name and a public function,"
                " e.g. 'my_actions:book'"
            )
        return v


class LimitsSpec(_Model):
    """Flow-wide limits; states may override the no-match and no-input ones."""

    max_no_match: int = Field(default=3, ge=1, le=_MAX_COUNT)
    max_no_input: int = Field(default=3, ge=1, le=_MAX_COUNT)
    max_turns: int = Field(default=60, ge=1, le=1_000_000)
    max_confirm_rejections: int = Field(default=3, ge=1, le=_MAX_COUNT)
    max_utterance_chars: int = Field(default=400, ge=10, le=100_000)
    action_timeout: float = Field(default=5.0, gt=0, le=_MAX_SECONDS)
    no_input_timeout: float = Field(default=6.0, gt=0, le=_MAX_SECONDS)
    on_max_no_match: str | None = None
    on_max_no_input: str | None = None
    on_max_turns: str | None = None
    max_unanswered: int = Field(
        default=3,
        ge=1,
        le=_MAX_COUNT,
        description="questions in a row the flow has no answer for",
    )
    max_pieces: int = Field(
        default=4, ge=1, le=_MAX_COUNT, description="turns one answer may be given over"
    )
    piece_timeout: float = Field(
        default=2.5,
        gt=0,
        le=_MAX_SECONDS,
        description="seconds of silence that end an answer given in pieces",
    )


class AnswerSpec(_Model):
    """An answer to a question callers ask (hours, location, prices): in every listening
    state, like a command; the current question is asked again afterwards (or `to:`)."""

    phrases: list[str] = Field(
        default_factory=list, description="example questions; their words, in any order"
    )
    keywords: list[str] = Field(
        default_factory=list, description="topic words: a question with one of them matches"
    )
    say: str
    to: str | None = None


MarkerKind = Literal["silence", "no_match"]


class InputSpec(_Model):
    """How caller text is read before anything else: non-speech markers from STT."""

    markers: dict[str, MarkerKind] = Field(
        default_factory=dict,
        description="extra non-speech markers ('<noise>') and what a turn of only them is",
    )
    default_markers: bool = Field(
        default=True, description="the Whisper, Deepgram and LiveKit forms ([BLANK_AUDIO], ...)"
    )


class CommandSpec(_Model):
    """A global command: phrases that trigger it in any state, what to say, where to go."""

    phrases: list[str] = Field(default_factory=list)
    say: str | None = None
    to: str | None = None
    enabled: bool = True


class MessagesSpec(_Model):
    """Default wording. Each may be a list: the 1st, 2nd, ... occurrence says the next one."""

    no_match: Messages = ["Sorry, I didn't catch that.", "Sorry, I still didn't get that."]
    no_input: Messages = ["Are you still there?", "I can't hear anything."]
    too_long: Messages = "That was a lot at once — let's take it one step at a time."
    clarify: str = "Just to be sure — did you mean {{ options }}?"
    ask_change: str = "What would you like to change?"
    changed: str = "Okay, I've updated that."
    action_error: str = "Sorry, something went wrong on my side."
    ended: str = "This call has ended."
    unanswered: Messages = [
        "Sorry, I can't answer that on this line.",
        "I'm afraid I can't help with that here. Say \"a real person\" to talk to someone.",
    ]
    go_on: str = "Mm-hmm, go on."
    corrected: str = "Okay, {{ value }} instead."
    out_of_scope: str = "I can't do that on this line, so let me connect you with someone who can."


class FlowSpec(_Model):
    """A whole flow file."""

    flow: str = Field(description="the flow's name")
    version: int | str = 1  # informational: authors write 1, "1" or "2.0"
    description: str | None = None
    start: str
    fallback: str | None = None
    timezone: str = "UTC"
    region: str = "US"
    locale: str = "en"
    hours: HoursSpec | None = None
    vars: dict[str, JsonScalar] = Field(default_factory=dict)
    limits: LimitsSpec = Field(default_factory=LimitsSpec)
    messages: MessagesSpec = Field(default_factory=MessagesSpec)
    commands: dict[str, CommandSpec] = Field(default_factory=dict)
    answers: dict[str, AnswerSpec] = Field(default_factory=dict)
    input: InputSpec = Field(default_factory=InputSpec)
    slots: dict[Annotated[str, Field(pattern=_SLOT_NAME.pattern)], SlotSpec] = Field(
        default_factory=dict
    )
    states: dict[Annotated[str, Field(pattern=_STATE_NAME.pattern)], StateSpec] = Field(
        min_length=1
    )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA timezone {v!r} (e.g. 'America/New_York')") from None
        return v

"""Pydantic models of a conversation test file (`*.flowtest.yaml`): its *shape*.

As strict as a flow: every model forbids unknown keys, so a misspelled check (`expcet:`,
`reply_contain:`) or an unsupported key (`xfail:`) is an error with its file and line, never
a check silently skipped. A check that can never fail (`reply_contains: ""`, `slots: {}`) is
an error too. Meaning — that `state: CONFRIM` names a state of the flow, that an `actions:`
key is one of its actions, that case names are unique — is checked against the loaded flow
in `testing.files`. `flowagent schema --tests` prints the JSON Schema generated from these
models.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

JsonScalar = str | int | float | bool


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FakeSpec(_Model):
    """What an action does in a test instead of running: returns a dict (default: `{}`),
    raises, or takes so long it times out. No real time passes."""

    returns: dict[str, Any] | None = Field(
        default=None, description="the dict the action returns, readable as {{ result.key }}"
    )
    raises: str | None = Field(
        default=None, description="the action fails with this message (the state's on_error)"
    )
    takes: float = Field(
        default=0.0,
        ge=0,
        description="seconds it would take; at or over the state's timeout it times out",
    )

    @model_validator(mode="after")
    def _one_outcome(self) -> FakeSpec:
        if self.returns is not None and self.raises is not None:
            raise ValueError("an action either 'returns' or 'raises', not both")
        return self


def _cannot_fail(what: str) -> ValueError:
    return ValueError(f"{what}: this check can never fail")


class CountersSpec(_Model):
    """Conversation counters to check (only those given)."""

    no_match: dict[str, int] | None = Field(
        default=None,
        description="failed answers per question: {slot: n} (or confirmation / change)",
    )
    no_input: int | None = Field(default=None, description="consecutive silences")
    total_no_match: int | None = None
    total_no_input: int | None = None
    confirm_rejections: int | None = None

    @field_validator("no_match")
    @classmethod
    def _names_one(cls, v: dict[str, int] | None) -> dict[str, int] | None:
        if v is not None and not v:
            raise _cannot_fail("names no question; write {slot: n}")
        return v


class ExpectSpec(_Model):
    """What must hold after a turn. Only the checks given are made."""

    state: str | None = Field(default=None, description="the state after the turn")
    expecting: str | None = Field(
        default=None, description="the slot asked for next, or 'confirmation' / 'change'"
    )
    ended: bool | None = Field(default=None, strict=True, description="true or false")
    outcome: str | None = Field(default=None, description="e.g. complete, fallback, handoff")
    event: str | None = Field(
        default=None, description="what the turn was: no_match, no_input, a command name…"
    )
    slots: dict[str, Any] | None = Field(
        default=None, description="these slots hold these values (others may be filled too)"
    )
    slots_exact: dict[str, Any] | None = Field(
        default=None, description="the filled slots are exactly these"
    )
    reply: str | None = Field(default=None, description="the reply is exactly this")
    reply_contains: str | None = Field(default=None, description="the reply contains this")
    reply_matches: str | None = Field(
        default=None, description="a regular expression searched for in the reply"
    )
    counters: CountersSpec | None = None
    called: list[str] | None = Field(
        default=None,
        description="actions (state or module:function) that ran during this turn; [] checks"
        " that none ran",
    )

    @field_validator("reply_matches")
    @classmethod
    def _regex(cls, v: str | None) -> str | None:
        if v is not None:
            if v == "":
                raise _cannot_fail("an empty expression matches every reply")
            try:
                re.compile(v)
            except re.error as err:
                raise ValueError(f"not a regular expression: {err}") from None
        return v

    @field_validator("reply_contains")
    @classmethod
    def _some_text(cls, v: str | None) -> str | None:
        if v == "":
            raise _cannot_fail("every reply contains the empty text")
        return v

    @field_validator("slots")
    @classmethod
    def _some_slot(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        if v is not None and not v:
            raise _cannot_fail("names no slot (slots_exact: {} checks that none is filled)")
        return v

    @field_validator("counters")
    @classmethod
    def _some_counter(cls, v: CountersSpec | None) -> CountersSpec | None:
        if v is not None and not v.model_fields_set:
            raise _cannot_fail("names no counter")
        return v


class TurnSpec(_Model):
    """One caller turn and what must hold after it."""

    say: str = Field(description='what the caller says; "" is silence. Quote numbers.')
    times: int = Field(
        default=1, ge=1, strict=True, description="say it this many times; checks the last"
    )
    expect: ExpectSpec = Field(default_factory=ExpectSpec)

    @field_validator("say", mode="before")
    @classmethod
    def _said(cls, v: Any) -> Any:
        if v is None:  # `say:` left empty by mistake is not silence
            raise ValueError('has no value: write say: "" for a silence')
        return v

    @field_validator("expect", mode="before")
    @classmethod
    def _checks(cls, v: Any) -> Any:
        if v is None:
            raise ValueError("has no value: give it checks ({state: …}) or remove it")
        return v


class CaseSpec(_Model):
    """One conversation, from the greeting."""

    name: str = Field(min_length=1, description="unique in the file (ignoring case and spaces)")
    description: str | None = None
    now: datetime | None = Field(default=None, description="reference time for this case")
    actions: dict[str, FakeSpec] = Field(
        default_factory=dict, description="per action (state or module:function): what it does"
    )
    turns: list[TurnSpec] = Field(min_length=1)


class TestFileSpec(_Model):
    """A whole conversation test file."""

    __test__ = False  # not a pytest test class

    flow: str = Field(description="the flow file, relative to this file")
    description: str | None = None
    now: datetime | None = Field(
        default=None, description="reference time for relative dates (a case may override)"
    )
    actions: dict[str, FakeSpec] = Field(
        default_factory=dict,
        description="per action (state or module:function): what it does in every case",
    )
    cases: list[CaseSpec] = Field(min_length=1)


def flowtest_schema() -> dict[str, Any]:
    """The JSON Schema of the test file format, for editors."""
    schema = TestFileSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "flowagent conversation test"
    schema["$id"] = "https://flowagent.dev/flowtest.schema.json"
    return schema

"""stdlib log lines (`flowagent.*`) never carry what the caller said or a slot value: not in a
message, not in a traceback a formatter prints. A failure is logged by its type and where it
was raised; an exception's own message — where values hide — is only in the record's
structured `error` field."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import flowagent
from flowagent.slots import registry
from flowagent.slots.base import ExtractContext, Extractor
from flowagent.slots.validators import Check, _validators, validator

FLOW = """\
flow: intake
start: ASK
slots:
  name:
    type: name
    prompt: What is your name?
{name_rules}
  phone:
    type: phone
    prompt: What number can we reach you on?
{extra_slot}
states:
  ASK:
    kind: collect
    slots: [name, phone{extra_name}]
    next: BOOK
  BOOK:
    kind: action
    action: acts:{function}
    timeout: 1
    next: DONE
  DONE:
    kind: end
    outcome: complete
    say: Booked, reference {{{{ result.reference }}}}.
  FALLBACK:
    kind: end
    outcome: fallback
"""

ACTS = """\
class Unprintable:
    def __init__(self, text):
        self.text = text
    def __str__(self):
        raise ValueError(self.text)
    __repr__ = __str__

def raises_with_values(slots):
    raise ValueError(f"no booking for {slots['name']} at {slots['phone']}")

def key_error(slots):
    return {}[slots["phone"]]

def unprintable_error(slots):
    raise RuntimeError(Unprintable(slots["name"]))

async def async_raises_with_values(slots):
    raise LookupError(slots["name"])

def returns_text(slots):
    return f"Booked {slots['name']} at {slots['phone']}"

def returns_list(slots):
    return [slots["name"], slots["phone"]]

def returns_keyed_by_value(slots):
    return {slots["phone"]: "booked", slots["name"]: 1}

def returns_object_under_a_value(slots):
    return {"reference": "K", slots["name"]: object()}

def returns_unprintable(slots):
    return {"reference": Unprintable(slots["phone"])}
"""

SAID = ["my name is Zebulon Quixote", "415 555 0198"]
PROBES = ["Zebulon", "Quixote", "4155550198", "555 0198", "0198"]


def flow_in(tmp_path: Path, function: str, **parts: str) -> flowagent.Flow:
    (tmp_path / "acts.py").write_text(ACTS)
    path = tmp_path / "intake.yaml"
    fields = {"name_rules": "", "extra_slot": "", "extra_name": "", **parts}
    path.write_text(FLOW.format(function=function, **fields))
    return flowagent.load_flow(path)


def logged_text(caplog: pytest.LogCaptureFixture) -> str:
    """Every record as a formatter prints it, tracebacks included."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(r) for r in caplog.records)


def assert_no_personal_data(caplog: pytest.LogCaptureFixture) -> None:
    text = logged_text(caplog)
    assert caplog.records  # something failed and was logged
    leaked = [p for p in PROBES if p in text]
    assert not leaked, text


@pytest.mark.parametrize(
    "function",
    [
        "raises_with_values",
        "key_error",
        "unprintable_error",
        "async_raises_with_values",
        "returns_text",
        "returns_list",
        "returns_keyed_by_value",
        "returns_object_under_a_value",
        "returns_unprintable",
    ],
)
def test_a_failing_action_is_logged_without_the_values_it_was_given(
    tmp_path: Path, function: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The reviewer's call: a name and a phone number, then an action that fails in a way
    that quotes them (its exception, its result). Sync and async turns alike."""
    flow = flow_in(tmp_path, function)
    with caplog.at_level(logging.DEBUG, "flowagent"):
        conv = flow.new_conversation()
        conv.start()
        for line in SAID:
            turn = conv.handle(line)
        assert turn.outcome == "fallback"

        async def again() -> flowagent.Turn:
            conv = flow.new_conversation()
            await conv.start_async()
            for line in SAID:
                turn = await conv.handle_async(line)
            return turn

        assert asyncio.run(again()).outcome == "fallback"
    assert_no_personal_data(caplog)


def test_the_actions_own_message_is_kept_in_a_structured_field(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """For a handler the host trusts with personal data: `error` holds the message, `reason`
    says where it was raised."""
    flow = flow_in(tmp_path, "raises_with_values")
    with caplog.at_level(logging.ERROR, "flowagent"):
        conv = flow.new_conversation()
        conv.start()
        for line in SAID:
            conv.handle(line)
    (record,) = [
        r for r in caplog.records if getattr(r, "action", None) == "acts:raises_with_values"
    ]
    assert record.error == "no booking for Zebulon Quixote at +14155550198"  # type: ignore[attr-defined]
    assert record.reason.startswith("raised ValueError at acts.py:")  # type: ignore[attr-defined]


@pytest.fixture
def fragile_extensions() -> Iterator[None]:
    """A validator and a slot type that raise with the value they were given in the message
    (a host's bug), removed again afterwards."""

    @validator("quotes_value", message="That doesn't look right.")
    def quotes_value(check: Check) -> dict[str, str] | None:
        raise ValueError(f"cannot check {check.value}")

    class Fragile(Extractor):
        def _extract_all(self, text: str, ctx: ExtractContext) -> list[Any]:
            raise ValueError(f"cannot read {text!r}")

    registry.register("fragile")(Fragile)
    try:
        yield
    finally:
        _validators.pop("quotes_value", None)
        registry._registry.pop("fragile", None)


@pytest.mark.usefixtures("fragile_extensions")
def test_a_failing_rule_or_extractor_is_logged_without_the_callers_words(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    flow = flow_in(
        tmp_path,
        "raises_with_values",
        name_rules="    rules:\n      - rule: quotes_value",
        extra_slot="  code:\n    type: fragile\n    prompt: Your code?\n    required: false",
        extra_name=", code",
    )
    with caplog.at_level(logging.DEBUG, "flowagent"):
        conv = flow.new_conversation()
        conv.start()
        for line in SAID:
            conv.handle(line)
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "validator quotes_value" in messages and "extractor fragile failed" in messages
    assert_no_personal_data(caplog)

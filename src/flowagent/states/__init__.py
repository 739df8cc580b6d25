"""State kinds: one module per kind of behaviour."""

from __future__ import annotations

from flowagent.schema import StateSpec
from flowagent.states.action import ActionState
from flowagent.states.base import StateBehaviour
from flowagent.states.collect import CollectState
from flowagent.states.confirm import ConfirmState
from flowagent.states.end import EndState
from flowagent.states.retry import RetryState
from flowagent.states.say import SayState

KINDS: dict[str, type[StateBehaviour]] = {
    cls.kind: cls
    for cls in (SayState, CollectState, ConfirmState, RetryState, ActionState, EndState)
}

__all__ = ["KINDS", "StateBehaviour", "behaviour_for"]


def behaviour_for(name: str, spec: StateSpec) -> StateBehaviour:
    return KINDS[spec.kind](name, spec)

"""`FakeAction`: what a user action would do — return a dict, raise, or take too long —
declared instead of run, for tests and simulations that must leave the author's data alone.

A fake stands in for one `module:function` action of a flow when a conversation is created
with it (`Flow.new_conversation(actions={"BOOK": FakeAction(returns={...})})`). It runs inline
and takes no real time: a fake whose `takes` is at least the state's timeout fails at once as
that timeout would (`ActionError` "timed out after 5s"), so the timeout path is tested without
waiting. Every call is recorded in `calls` (a copy of the slots it was given).

A timeout is what the caller hears; what the real function does then depends on its kind. An
`async def` action is cancelled. A plain function cannot be: it runs on in its thread and
finishes — its booking made — after the caller was told it failed. A fake for a plain function
(`sync=True`; `testing.fake_actions` sets it from the flow's action) behaves the same: a call
past the timeout is recorded in `outlived` too, the calls whose side effects would still
happen.

The conversation test files' `actions:` key builds these (see docs/testing.md); the engine
treats a fake exactly like the real action's outcome: a result is stored for `{{ result.key }}`
and `when: {result: …}`, an error routes to the state's `on_error` (default: the fallback).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flowagent.errors import ActionError, ExtensionError
from flowagent.redaction import safe_str

if TYPE_CHECKING:
    from flowagent.compiled import CompiledFlow


@dataclass(slots=True)
class FakeAction:
    """A declared action outcome.

    - `returns`: the dict the action returns (`{}` by default); readable as `{{ result.key }}`.
    - `raises`: an exception (or a message, raised as `RuntimeError`): the action fails.
    - `takes`: seconds the action would take (default 0). At or over the state's timeout it
      fails as a timeout; under it, it returns at once. No real time passes.
    - `sync`: the real action is a plain function (True), `async def` (False) or unknown.
    - `calls`: the slots of every call so far, oldest first.
    - `outlived`: the calls that timed out but, `sync`, would have run on to their end.
    """

    returns: Mapping[str, Any] | None = None
    raises: BaseException | str | None = None
    takes: float = 0.0
    sync: bool | None = None
    calls: list[dict[str, Any]] = field(default_factory=list)
    outlived: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.takes < 0:
            raise ValueError(f"takes must be 0 or more seconds, got {self.takes!r}")
        if self.returns is not None and not isinstance(self.returns, Mapping):
            raise TypeError(f"returns must be a mapping, got {type(self.returns).__name__}")

    def run(self, ref: str, slots: Mapping[str, Any], timeout: float) -> dict[str, Any]:
        """What the engine gets from the action `ref` under `timeout` seconds. Raises
        ActionError with the same reason text the real action's failure would give."""
        self.calls.append(dict(slots))
        if self.takes >= timeout:
            if self.sync:  # a thread cannot be stopped: the real call would finish anyway
                self.outlived.append(dict(slots))
            raise ActionError(ref, f"timed out after {timeout:g}s")
        if self.raises is not None:
            err = self.raises if isinstance(self.raises, BaseException) else None
            if err is None:
                raise ActionError(ref, "raised RuntimeError", str(self.raises))
            raise ActionError(ref, f"raised {type(err).__qualname__}", safe_str(err))
        return {str(k): v for k, v in (self.returns or {}).items()}


#: What may replace an action for one conversation: a fake, or another function.
ActionOverride = FakeAction | Callable[[dict[str, Any]], Any]


def bind_overrides(
    flow: CompiledFlow, overrides: Mapping[str, ActionOverride] | None
) -> dict[str, ActionOverride]:
    """Overrides keyed by action state name, from keys that are a state name (`BOOK`) or an
    action reference (`appointment_actions:book`, every state that calls it). Raises
    ExtensionError naming an unknown key and the flow's actions."""
    if not overrides:
        return {}
    by_state = {name: s.spec.action for name, s in flow.states.items() if s.spec.action}
    bound: dict[str, ActionOverride] = {}
    for key, value in overrides.items():
        if not (isinstance(value, FakeAction) or callable(value)):
            raise ExtensionError(
                f"action override {key!r} must be a FakeAction or a function, "
                f"not {type(value).__name__}"
            )
        states = [key] if key in by_state else [s for s, ref in by_state.items() if ref == key]
        if not states:
            known = ", ".join(f"{s} ({ref})" for s, ref in by_state.items()) or "none"
            raise ExtensionError(
                f"{key!r} is not an action of flow {flow.spec.flow!r}; its actions: {known}"
            )
        for state in states:
            if key in by_state or state not in bound:  # a state name beats a reference
                bound[state] = value
    return bound

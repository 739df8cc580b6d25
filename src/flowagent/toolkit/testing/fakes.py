"""Every action of a flow faked for one conversation: the fakes a test declares, and a
generated stand-in for each action it does not — so `flowagent test`, `flowagent simulate`
and your own pytest tests leave the author's data alone unless asked (`live=True`,
`--live-actions`).

A stand-in succeeds at once and returns, for each `{{ result.key }}` the flow's texts use,
the text `<key>` (so the reply says "Your reference is <reference>"): a reply that reads an
action's result always renders, and a `when: {result: …}` condition takes its default way.

    from flowagent import FakeAction
    from flowagent.testing import fake_actions

    book = FakeAction(returns={"reference": "K 7 P 2"})
    conv = flow.new_conversation(actions=fake_actions(flow, {"BOOK": book}))
    …
    assert book.calls[0]["date"] == "2026-11-27"
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flowagent.fakes import ActionOverride, FakeAction, bind_overrides
from flowagent.flow import Flow

_RESULT = re.compile(r"\{\{\s*result\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def result_keys(flow: Flow) -> list[str]:
    """The `result.key` names the flow's texts read, in first-use order."""
    keys: dict[str, None] = {}

    def walk(value: Any) -> None:
        if isinstance(value, str):
            keys.update(dict.fromkeys(_RESULT.findall(value)))
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(flow.spec.model_dump())
    return list(keys)


def stand_in(flow: Flow) -> FakeAction:
    """A generated stand-in: succeeds at once, returning `<key>` for every result key the
    flow's texts read."""
    # Square brackets: replies are plain text for speech, and "<key>" reads as markup.
    return FakeAction(returns={key: f"[{key}]" for key in result_keys(flow)})


def action_states(flow: Flow) -> dict[str, str]:
    """The flow's action states and the `module:function` each calls."""
    return {n: s.spec.action for n, s in flow.compiled.states.items() if s.spec.action}


def fake_actions(
    flow: Flow, declared: Mapping[str, ActionOverride] | None = None, *, live: bool = False
) -> dict[str, ActionOverride]:
    """Overrides for every action of `flow`, by state: those in `declared` (keyed by state
    or `module:function`), and a fresh stand-in for each other one — or, with `live`, the
    real action for each other one. Pass the result as `new_conversation(actions=…)`.
    A fake whose `sync` is unset learns it from the real function (a plain function runs on
    past its timeout: see `FakeAction.outlived`). Raises ExtensionError for a declared key
    that is not one of the flow's actions."""
    bound = bind_overrides(flow.compiled, declared)
    out: dict[str, ActionOverride] = (
        {} if live else {s: stand_in(flow) for s in action_states(flow)}
    )
    out.update(bound)
    for state, fake in out.items():
        check = flow.compiled.action_checks.get(state)
        known = check is not None and check.is_async is not None
        if isinstance(fake, FakeAction) and fake.sync is None and check is not None and known:
            fake.sync = not check.is_async  # a plain function outlives its timeout
    return out

"""Loading conversation test files: YAML → `TestFileSpec` (shape) → checked against the flow
(meaning) → a `TestFile` ready to run.

Every problem is a `FlowDefinitionError` naming the test file, line, column and field, with a
suggestion when a close one exists — like a flow's. Meaning checked against the flow: the
states, slots and actions a file names exist (`state: CONFRIM` → did you mean 'CONFIRM'?).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

from flowagent.errors import FlowDefinitionError, Problem
from flowagent.fakes import FakeAction, bind_overrides
from flowagent.flow import Flow, load_flow, validation_problems
from flowagent.loader import Loc, LocatedDocument, read_yaml_file
from flowagent.testing import spec as spec_module
from flowagent.testing.spec import CaseSpec, FakeSpec, TestFileSpec

SUFFIX = ".flowtest.yaml"
#: What `expecting` can be besides a slot name.
EXPECTING_EXTRA = ("confirmation", "change")
#: Directories never searched for test files (as pytest's `norecursedirs`).
SKIP_DIRS = {"node_modules", "venv", "build", "dist", "__pycache__", "site-packages", "CVS"}


def _all_keys() -> list[str]:
    keys: set[str] = set()
    for obj in vars(spec_module).values():
        if (
            isinstance(obj, type)
            and issubclass(obj, BaseModel)
            and obj.__module__ == spec_module.__name__
        ):
            keys.update(obj.model_fields)
    return sorted(keys)


_KEYS = _all_keys()


@dataclass(slots=True)
class TestFile:
    """A loaded conversation test file and its flow."""

    __test__ = False  # not a pytest test class

    path: Path
    flow: Flow
    spec: TestFileSpec
    live_actions: bool = False
    action_states: dict[str, str] = field(default_factory=dict)  # state → module:function

    @property
    def cases(self) -> list[CaseSpec]:
        return list(self.spec.cases)

    @property
    def now(self) -> datetime | None:
        return self.spec.now

    def declared(self, case: CaseSpec | None = None) -> dict[str, FakeAction]:
        """The fakes this file (and `case`) declare, by action state: the file's, then the
        case's replacing them action by action (whether named by state or by reference).
        Fresh objects, so their `calls` start empty."""
        out: dict[str, FakeAction] = {}
        for level in (self.spec.actions, case.actions if case is not None else {}):
            fakes = {key: to_fake(spec) for key, spec in level.items()}
            bound = bind_overrides(self.flow.compiled, fakes)
            out.update(
                {state: fake for state, fake in bound.items() if isinstance(fake, FakeAction)}
            )
        return out


def to_fake(spec: FakeSpec) -> FakeAction:
    return FakeAction(returns=spec.returns, raises=spec.raises, takes=spec.takes)


def load_test_file(path: str | Path, *, live_actions: bool = False) -> TestFile:
    """Read and check a `*.flowtest.yaml` file and load its flow. The flow's action modules
    are imported only with `live_actions` (otherwise no author code runs). Raises
    FlowDefinitionError naming the file, line and field of every problem."""
    p = Path(path)
    doc = read_yaml_file(p)
    if not isinstance(doc.data, dict):
        raise FlowDefinitionError(
            [Problem("a conversation test file needs 'flow' and a list of 'cases'", str(p), 1)]
        )
    try:
        spec = TestFileSpec.model_validate(doc.data)
    except ValidationError as err:
        raise FlowDefinitionError(validation_problems(doc, err, _KEYS)) from None
    flow_path = (p.parent / spec.flow).resolve()
    if not flow_path.is_file():
        raise FlowDefinitionError(
            [
                doc.problem(
                    ("flow",),
                    f"no flow file at {flow_path}",
                    "the path is relative to this test file",
                )
            ]
        )
    flow = load_flow(flow_path, import_actions=live_actions)
    problems = list(_meaning(doc, spec, flow))
    if problems:
        raise FlowDefinitionError(problems)
    actions = {n: s.spec.action for n, s in flow.compiled.states.items() if s.spec.action}
    return TestFile(p, flow, spec, live_actions, actions)


def _meaning(doc: LocatedDocument, spec: TestFileSpec, flow: Flow) -> Iterator[Problem]:
    compiled = flow.compiled
    states = set(compiled.states)
    slots = set(compiled.slots)
    actions = {n for n, s in compiled.states.items() if s.spec.action}
    refs = {s.spec.action for s in compiled.states.values() if s.spec.action}
    action_keys = actions | {r for r in refs if r}

    def unknown(loc: Loc, what: str, name: str, known: Iterable[str]) -> Problem:
        options = sorted(known)
        close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(options) or 'none'}"
        return doc.problem(loc, f"{name!r} is not {what} of flow {compiled.spec.flow!r}", hint)

    def check_actions(loc: Loc, declared: dict[str, FakeSpec]) -> Iterator[Problem]:
        for key in declared:
            if key not in action_keys:
                yield unknown((*loc, key), "an action", key, action_keys)

    yield from check_actions(("actions",), spec.actions)
    for i, case in enumerate(spec.cases):
        yield from check_actions(("cases", i, "actions"), case.actions)
        for j, turn in enumerate(case.turns):
            loc: Loc = ("cases", i, "turns", j, "expect")
            e = turn.expect
            if e.state is not None and e.state not in states:
                yield unknown((*loc, "state"), "a state", e.state, states)
            if e.expecting is not None and e.expecting not in slots | set(EXPECTING_EXTRA):
                yield unknown((*loc, "expecting"), "a slot", e.expecting, slots)
            for key in ("slots", "slots_exact"):
                for name in getattr(e, key) or {}:
                    if name not in slots:
                        yield unknown((*loc, key, name), "a slot", name, slots)
            for k, name in enumerate(e.called or []):
                if name not in action_keys:
                    yield unknown((*loc, "called", k), "an action", name, action_keys)


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Test files under `paths`: files are taken as given; directories are searched for
    `*.flowtest.yaml`, skipping hidden directories, virtualenvs and build output as pytest
    does. Sorted within each directory given."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            found.append(path)
            continue
        below: list[Path] = []
        for root, dirs, files in os.walk(path):
            dirs[:] = [
                d
                for d in dirs
                if not d.startswith(".")
                and d not in SKIP_DIRS
                and not d.endswith(".egg-info")
                and not os.path.exists(os.path.join(root, d, "pyvenv.cfg"))
            ]
            below += [Path(root) / f for f in files if f.endswith(SUFFIX)]
        found += sorted(below)
    return found

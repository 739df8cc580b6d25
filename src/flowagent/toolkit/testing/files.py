"""Loading conversation test files: YAML → `TestFileSpec` (shape) → checked against the flow
(meaning) → a `TestFile` ready to run.

Every problem is a `FlowDefinitionError` naming the test file, line, column and field, with a
suggestion when a close one exists — like a flow's. Meaning checked against the flow: the
states, slots and actions a file names exist (`state: CONFRIM` → did you mean 'CONFIRM'?).
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from flowagent.commands import DEFAULT_PHRASES
from flowagent.errors import FlowDefinitionError, Problem
from flowagent.fakes import FakeAction, bind_overrides
from flowagent.flow import Flow, load_flow, model_keys, validation_problems
from flowagent.loader import Loc, LocatedDocument, read_yaml_file
from flowagent.slot_checks import value_problem
from flowagent.toolkit.testing import spec as spec_module
from flowagent.toolkit.testing.spec import CaseSpec, ExpectSpec, FakeSpec, TestFileSpec

SUFFIX = ".flowtest.yaml"
#: Every name ending a test file is collected by (`.yml` too, as many YAML tools write).
SUFFIXES = (SUFFIX, ".flowtest.yml")
#: What `expecting` can be besides a slot name.
EXPECTING_EXTRA = ("confirmation", "change")
#: What a turn's `event` can be besides a command's name (scope.py and pieces.py set them).
EVENTS = ("no_match", "no_input", "action_error", "answer", "unanswered", "piece")
#: The outcome the engine gives a conversation it had to stop (besides end states' outcomes).
ENGINE_OUTCOMES = ("error",)
#: Where each model's keys belong, for "'expect' belongs in a turn" hints.
_PLACES = {
    "TestFileSpec": "the top level",
    "CaseSpec": "a case",
    "TurnSpec": "a turn",
    "ExpectSpec": "a turn's expect",
    "CountersSpec": "expect.counters",
    "FakeSpec": "an action's fake",
}
#: Directories never searched for test files (as pytest's `norecursedirs`).
SKIP_DIRS = {"node_modules", "venv", "build", "dist", "__pycache__", "site-packages", "CVS"}


_KEYS = model_keys(spec_module, _PLACES)


@dataclass(slots=True)
class TestFile:
    """A loaded conversation test file and its flow."""

    __test__ = False  # not a pytest test class

    path: Path
    flow: Flow
    spec: TestFileSpec
    live_actions: bool = False
    action_states: dict[str, str] = field(default_factory=dict)  # state → module:function
    #: What may make a case fail or pass for another reason than its checks: a fake that
    #: returns no key the flow reads next, an action that could not be checked.
    warnings: list[Problem] = field(default_factory=list)

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
    doc = read_yaml_file(p, what="test file")
    if not isinstance(doc.data, dict):
        raise FlowDefinitionError(
            [Problem("a conversation test file needs 'flow' and a list of 'cases'", str(p), 1)]
        )
    if "cases" not in doc.data and {"states", "start"} & set(doc.data):
        raise FlowDefinitionError(
            [
                Problem(
                    "this looks like a flow file, not a conversation test file"
                    " (a test file has 'flow:' and 'cases:')",
                    str(p),
                    1,
                    hint="check a flow with `flowagent check`; name test files *.flowtest.yaml",
                )
            ]
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
    warnings = [*_unchecked_actions(doc, flow), *_result_warnings(doc, spec, flow, live_actions)]
    if spec.now is None and any(case.now is None for case in spec.cases):
        warnings.append(
            dataclasses.replace(
                doc.problem(
                    (),
                    "no 'now': relative dates ('tomorrow', 'Friday') are read against the real"
                    " clock, so a case may pass today and fail tomorrow",
                    "set now: 2026-11-23T10:00 at the top (a case may override it)",
                ),
                severity="note",
            )
        )
    return TestFile(p, flow, spec, live_actions, actions, warnings)


def _warning(problem: Problem) -> Problem:
    return dataclasses.replace(problem, severity="warning")


def _unchecked_actions(doc: LocatedDocument, flow: Flow) -> Iterator[Problem]:
    """Actions whose function could not be checked without running code: tests of them pass
    without showing the flow can run."""
    for state, check in flow.compiled.action_checks.items():
        if not check.verified:
            yield _warning(
                doc.problem(
                    ("flow",),
                    f"action {state}: {check.note}",
                    "the tests fake it; --live-actions imports it",
                )
            )


def _result_warnings(
    doc: LocatedDocument, spec: TestFileSpec, flow: Flow, live: bool
) -> Iterator[Problem]:
    """A declared fake that returns no key the flow reads after its action (and no other
    fake or stand-in provides it): at run time the action fails to its `on_error`."""
    compiled = flow.compiled
    by_state = {n: s.spec.action for n, s in compiled.states.items() if s.spec.action}

    def bind(level: dict[str, FakeSpec], loc: Loc) -> dict[str, tuple[FakeSpec, Loc]]:
        out: dict[str, tuple[FakeSpec, Loc]] = {}
        for key, fake in level.items():
            states = [key] if key in by_state else [s for s, r in by_state.items() if r == key]
            out.update(dict.fromkeys(states, (fake, (*loc, key))))
        return out

    file_level = bind(spec.actions, ("actions",))
    contexts = [
        file_level | bind(case.actions, ("cases", i, "actions"))
        for i, case in enumerate(spec.cases)
    ]
    reported: set[tuple[Loc, str]] = set()
    for fakes in contexts:
        provided = {k for fake, _ in fakes.values() for k in (fake.returns or {})}
        if not live and set(by_state) - set(fakes):  # undeclared: stand-ins return every key
            provided |= {k for reads in compiled.result_reads.values() for k in reads}
        for state, (fake, loc) in fakes.items():
            info = compiled.states[state]
            timeout = info.spec.timeout or compiled.spec.limits.action_timeout
            if fake.raises is not None or fake.takes >= timeout:
                continue  # it fails anyway
            returned = list(fake.returns or {})
            for key, reader in compiled.result_reads.get(state, {}).items():
                if key in returned or key in provided or (loc, key) in reported:
                    continue
                reported.add((loc, key))
                close = difflib.get_close_matches(key, returned, n=1, cutoff=0.6)
                target = info.spec.on_error or compiled.fallback
                yield _warning(
                    doc.problem(
                        loc,
                        f"{state}'s fake returns no {key!r}, which {reader} reads as"
                        f" {{{{ result.{key} }}}}: the action will fail to {target}",
                        f"did you mean {close[0]!r}?" if close else f"add {key}: … to returns",
                    )
                )


def _same_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def _meaning(doc: LocatedDocument, spec: TestFileSpec, flow: Flow) -> Iterator[Problem]:
    compiled = flow.compiled
    states = set(compiled.states)
    slots = set(compiled.slots)
    actions = {n for n, s in compiled.states.items() if s.spec.action}
    refs = {s.spec.action for s in compiled.states.values() if s.spec.action}
    action_keys = actions | {r for r in refs if r}
    questions = slots | set(EXPECTING_EXTRA)
    outcomes = {
        info.spec.outcome or name.lower()
        for name, info in compiled.states.items()
        if info.spec.kind == "end"
    } | set(ENGINE_OUTCOMES)
    events = set(EVENTS) | set(DEFAULT_PHRASES) | set(compiled.spec.commands)

    def unknown(
        loc: Loc, what: str, name: str, known: Iterable[str], note: str | None = None
    ) -> Problem:
        options = sorted(known)
        close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(options) or 'none'}"
        if note:
            hint = f"{hint}; {note}"
        return doc.problem(loc, f"{name!r} is not {what} of flow {compiled.spec.flow!r}", hint)

    def check_actions(loc: Loc, declared: dict[str, FakeSpec]) -> Iterator[Problem]:
        for key in declared:
            if key not in action_keys:
                yield unknown((*loc, key), "an action", key, action_keys)

    def check_values(loc: Loc, values: dict[str, object]) -> Iterator[Problem]:
        for name, value in values.items():
            if name not in slots:
                yield unknown((*loc, name), "a slot", name, slots)
            elif value is not None:  # null: the slot is not filled
                info = compiled.slots[name]
                never = value_problem(
                    name, info.types, value, info.options.get("choices"), info.labels
                )
                if never is not None:
                    yield doc.problem((*loc, name), never.message, never.hint)

    yield from check_actions(("actions",), spec.actions)
    seen: dict[str, int] = {}
    for i, case in enumerate(spec.cases):
        first = seen.setdefault(_same_name(case.name), i)
        if first != i:
            earlier = spec.cases[first].name
            same = "the same name" if earlier == case.name else f"the same name as {earlier!r}"
            yield doc.problem(
                ("cases", i, "name"),
                f"case {case.name!r} has {same} (names are compared ignoring case and spaces)",
                "each case needs its own name",
            )
        yield from check_actions(("cases", i, "actions"), case.actions)
        for j, turn in enumerate(case.turns):
            loc: Loc = ("cases", i, "turns", j, "expect")
            yield from _expect_meaning(
                doc, loc, turn.expect, unknown, check_values, states, questions, outcomes, events
            )
            for k, name in enumerate(turn.expect.called or []):
                if name not in action_keys:
                    yield unknown((*loc, "called", k), "an action", name, action_keys)


def _expect_meaning(
    doc: LocatedDocument,
    loc: Loc,
    e: ExpectSpec,
    unknown: Callable[..., Problem],
    check_values: Callable[[Loc, dict[str, object]], Iterator[Problem]],
    states: set[str],
    questions: set[str],
    outcomes: set[str],
    events: set[str],
) -> Iterator[Problem]:
    if e.state is not None and e.state not in states:
        yield unknown((*loc, "state"), "a state", e.state, states)
    if e.expecting is not None and e.expecting not in questions:
        note = None
        if e.expecting.strip().lower() in ("none", "null", "nothing", "~"):
            note = "for 'expecting nothing' write null without quotes"
        yield unknown((*loc, "expecting"), "a question", e.expecting, questions, note)
    if e.outcome is not None and e.outcome not in outcomes:
        yield unknown((*loc, "outcome"), "an outcome", e.outcome, outcomes)
    if e.event is not None and e.event not in events:
        yield unknown((*loc, "event"), "an event", e.event, events)
    for key in ("slots", "slots_exact"):
        yield from check_values((*loc, key), getattr(e, key) or {})
    if e.counters is not None:
        for name in e.counters.no_match or {}:
            if name not in questions:
                yield unknown((*loc, "counters", "no_match", name), "a question", name, questions)


def is_test_file(name: str) -> bool:
    """Whether a file name is a conversation test's: `*.flowtest.yaml` or `*.flowtest.yml`."""
    return name.endswith(SUFFIXES)


#: Names that look meant as test files but are not collected: other case, `flowtests`,
#: `flow_test`, `_flowtest.yaml`.
_NEAR_MISS = re.compile(r"[._-]flow[._-]?tests?\.ya?ml$", re.IGNORECASE)


def near_miss(name: str) -> str | None:
    """For a file name that looks meant as a test file but is not one, the name it needs
    (`x.FlowTest.yaml` → `x.flowtest.yaml`); None otherwise."""
    if is_test_file(name):
        return None
    found = _NEAR_MISS.search(name)
    return name[: found.start()] + SUFFIX if found else None


@dataclass(slots=True)
class Discovery:
    """What `find_tests` found: the test files, and files skipped for a near-miss name."""

    files: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


def find_tests(paths: Iterable[str | Path]) -> Discovery:
    """Test files under `paths`: files are taken as given; directories are searched for
    `*.flowtest.yaml` and `*.flowtest.yml`, skipping hidden directories, virtualenvs and build
    output as pytest does. Sorted within each directory given. Files whose names look meant as
    test files (`x.flowtests.yaml`, `x.FlowTest.yaml`) are listed as skipped."""
    found = Discovery()
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            found.files.append(path)
            continue
        below: list[Path] = []
        near: list[Path] = []
        for root, dirs, files in os.walk(path):
            dirs[:] = [
                d
                for d in dirs
                if not d.startswith(".")
                and d not in SKIP_DIRS
                and not d.endswith(".egg-info")
                and not os.path.exists(os.path.join(root, d, "pyvenv.cfg"))
            ]
            below += [Path(root) / f for f in files if is_test_file(f)]
            near += [Path(root) / f for f in files if near_miss(f)]
        found.files += sorted(below)
        found.skipped += sorted(near)
    return found


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """The test files `find_tests` finds under `paths`."""
    return find_tests(paths).files

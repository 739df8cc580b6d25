"""Running conversation test files: one conversation per case, every check after each turn.

    flow: ../appointment.yaml          # relative to this file
    now: 2026-11-23T10:00              # reference time (default for every case)
    actions:                           # what each action does instead of running
      BOOK: {returns: {reference: "K 7 P 2"}}
    cases:
      - name: over-informative opening books
        turns:
          - say: Hi, this is Maria, I need a checkup on Friday at 2pm
            expect:
              state: COLLECT_INFO
              expecting: contact
              slots: {name: Maria, date: "2026-11-27"}   # these slots, others may be filled too
          - say: ""                                       # silence
            expect: {reply_matches: "didn't hear"}        # a regular-expression search

The shape of a file is `testing.spec`; loading and checking it against its flow is
`testing.files`. Actions run as declared fakes or generated stand-ins (`testing.fakes`)
unless the file was loaded with `live_actions=True`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flowagent.fakes import FakeAction
from flowagent.toolkit.testing.coverage import Coverage
from flowagent.toolkit.testing.fakes import fake_actions
from flowagent.toolkit.testing.files import TestFile, load_test_file
from flowagent.toolkit.testing.spec import CaseSpec, ExpectSpec
from flowagent.turn import Turn


@dataclass(slots=True)
class CaseResult:
    """How one case went: `failures` says what differed at the first failing turn."""

    file: str
    name: str
    passed: bool
    failures: list[str] = field(default_factory=list)
    # (caller, agent): the greeting's caller is None, a silence's "".
    dialogue: list[tuple[str | None, str]] = field(default_factory=list)
    turns: int = 0  # caller turns said
    seconds: float = 0.0
    stand_ins: list[str] = field(default_factory=list)  # action states run as stand-ins
    checks: int = 0  # expectations evaluated (0: the case only shows nothing crashed)
    warnings: list[str] = field(default_factory=list)  # the test file's (see TestFile)
    notes: list[str] = field(default_factory=list)  # what this run may hide

    def report(self) -> str:
        """A readable diff: the dialogue up to the failing turn, then what differed."""
        lines = [f"FAILED {self.file} :: {self.name}"]
        for caller, agent in self.dialogue:
            if caller is not None:
                lines.append(f"  caller: {caller or '(silence)'}")
            lines.append(f"  agent:  {agent}")
        lines += [f"  ✗ {f}" for f in self.failures]
        if self.stand_ins:
            lines.append(
                f"  note: {', '.join(self.stand_ins)} ran as a generated stand-in;"
                " declare what it returns under 'actions:'"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (`flowagent test --json`): file, case, passed, failures, turns,
        seconds, stand_ins, checks, and the dialogue when the case failed (`caller` is null for
        the greeting and "" for a silence)."""
        out: dict[str, Any] = {
            "file": self.file,
            "case": self.name,
            "passed": self.passed,
            "failures": self.failures,
            "turns": self.turns,
            "seconds": round(self.seconds, 4),
            "stand_ins": self.stand_ins,
            "checks": self.checks,
        }
        if self.warnings:
            out["warnings"] = self.warnings
        if self.notes:
            out["notes"] = self.notes
        if not self.passed:
            out["dialogue"] = [{"caller": c, "agent": a} for c, a in self.dialogue]
        return out


def run_test_file(
    path: str | Path, coverage: Coverage | None = None, *, live_actions: bool = False
) -> list[CaseResult]:
    """Load and run every case of a test file. Raises FlowDefinitionError if it is broken."""
    tf = load_test_file(path, live_actions=live_actions)
    if coverage is not None:
        coverage.add_flow(tf.flow)
    return [run_case(tf, case, coverage) for case in tf.cases]


def run_case(tf: TestFile, case: CaseSpec, coverage: Coverage | None = None) -> CaseResult:
    started = time.perf_counter()
    result = CaseResult(str(tf.path), case.name, True, warnings=[str(w) for w in tf.warnings])
    declared = tf.declared(case)
    actions = fake_actions(tf.flow, declared, live=tf.live_actions)
    stood_in = set(actions) - set(declared)
    conv = tf.flow.new_conversation(
        now=case.now or tf.now, conversation_id=f"test-{case.name}", actions=actions
    )
    greeting = conv.start()
    if coverage is not None:
        coverage.record(tf.flow, greeting)
    result.dialogue.append((None, greeting.text))
    ran: set[str] = set()
    for i, turn_spec in enumerate(case.turns, start=1):
        said = turn_spec.say or ""
        turn = greeting
        for _ in range(turn_spec.times):  # `times: N` says the line N times
            before = conv.context.state
            turn = conv.handle(said)
            result.turns += 1
            ran |= _actions_run(turn)
            if coverage is not None:
                coverage.record(tf.flow, turn, before)
            result.dialogue.append((said, turn.text))
        result.checks += len(turn_spec.expect.model_fields_set)
        failures = compare(turn, conv.context.counters.to_dict(), turn_spec.expect, tf)
        if failures:
            result.passed = False
            result.failures = [f"turn {i}: {f}" for f in failures]
            break
    result.stand_ins = sorted(ran & stood_in)
    result.notes = _outlived(tf, actions)
    result.seconds = time.perf_counter() - started
    return result


def _outlived(tf: TestFile, actions: Mapping[str, object]) -> list[str]:
    """A note for each plain-function action that timed out here: the real one would not
    have stopped (see `FakeAction.outlived`)."""
    return [
        f"{state} timed out, but {tf.action_states.get(state, state)} is a plain function: a"
        " real call is not stopped at its timeout and finishes in the background, side"
        " effects included, after the caller hears the failure (make it async def to have it"
        " cancelled)"
        for state, fake in actions.items()
        if isinstance(fake, FakeAction) and fake.outlived
    ]


def _actions_run(turn: Turn) -> set[str]:
    return {m.partition(":")[2] for m in turn.marks if m.startswith(("action:", "action_error:"))}


def compare(
    turn: Turn, counters: dict[str, Any], expect: ExpectSpec, tf: TestFile | None = None
) -> list[str]:
    """What differs between `turn` and the checks in `expect` (empty: all hold)."""
    out: list[str] = []

    def differ(what: str, want: Any, got: Any) -> None:
        out.append(f"{what}: expected {want!r}, got {got!r}{_type_hint(want, got)}")

    given = expect.model_fields_set
    for key in ("state", "expecting", "ended", "outcome", "event"):
        if key in given and getattr(turn, key) != getattr(expect, key):
            differ(key, getattr(expect, key), getattr(turn, key))
    if expect.reply is not None and turn.text != expect.reply:
        differ("reply", expect.reply, turn.text)
    if expect.reply_contains is not None and expect.reply_contains not in turn.text:
        differ("reply containing", expect.reply_contains, turn.text)
    if expect.reply_matches is not None and not re.search(expect.reply_matches, turn.text):
        differ("reply matching", expect.reply_matches, turn.text)
    for key, want in (expect.slots or {}).items():
        if turn.slots.get(key) != want:
            differ(f"slot {key}", want, turn.slots.get(key))
    if expect.slots_exact is not None and turn.slots != expect.slots_exact:
        differ("slots", expect.slots_exact, turn.slots)
    if expect.counters is not None:
        for key, want in expect.counters.model_dump(exclude_none=True).items():
            if key == "no_match":
                for slot, n in want.items():
                    if counters["no_match"].get(slot, 0) != n:
                        differ(f"counter no_match.{slot}", n, counters["no_match"].get(slot, 0))
            elif counters.get(key) != want:
                differ(f"counter {key}", want, counters.get(key))
    if expect.called is not None:
        ran = _actions_run(turn)
        refs = tf.action_states if tf is not None else {}
        if not expect.called and ran:
            out.append(f"called: expected no action to run this turn, ran {sorted(ran)}")
        for name in expect.called:
            if name not in ran and not any(refs.get(s) == name for s in ran):
                out.append(f"called: expected {name!r} to run this turn, ran {sorted(ran)}")
    return out


def _type_hint(want: Any, got: Any) -> str:
    """A YAML number or boolean compared with text that reads the same: say to quote it."""
    if isinstance(want, int | float | bool) and isinstance(got, str):
        return " (the test file's value is a YAML number or boolean: put it in quotes)"
    if isinstance(want, str) and isinstance(got, int | float) and not isinstance(got, bool):
        return " (the slot holds a number: write it without quotes)"
    return ""

"""Loading and running conversation test files.

    flow: ../appointment.yaml          # relative to this file
    now: 2026-11-23T10:00              # reference time (default for every case)
    cases:
      - name: over-informative opening books
        turns:
          - say: Hi, this is Maria, I need a checkup on Friday at 2pm
            expect:
              state: COLLECT_INFO
              expecting: contact
              slots: {name: Maria, date: "2026-11-27"}   # these slots, others may be filled too
              reply: "Thanks, Maria. What's the best phone number or email to reach you?"
          - say: ""                                       # silence
            expect: {reply_matches: "didn't hear"}        # a regular-expression search
          - say: yes
            expect: {ended: true, outcome: complete, counters: {total_no_input: 1}}

A turn may say its line several times (`times: 40`); the checks apply to the last reply.
Checks per turn: `state`, `expecting`, `slots` (subset), `slots_exact`, `reply` (exact),
`reply_matches` (regex), `reply_contains`, `ended`, `outcome`, `counters` (subset of
`conversation.context.counters`), `event`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flowagent.errors import FlowDefinitionError, Problem
from flowagent.flow import Flow, load_flow
from flowagent.loader import read_yaml_file
from flowagent.testing.coverage import Coverage
from flowagent.turn import Turn

_CHECKS = {
    "state",
    "expecting",
    "slots",
    "slots_exact",
    "reply",
    "reply_matches",
    "reply_contains",
    "ended",
    "outcome",
    "counters",
    "event",
}


@dataclass(slots=True)
class CaseResult:
    file: str
    name: str
    passed: bool
    failures: list[str] = field(default_factory=list)
    dialogue: list[tuple[str, str]] = field(default_factory=list)  # (caller, agent)

    def report(self) -> str:
        """A readable diff: the dialogue up to the failing turn, then what differed."""
        lines = [f"FAILED {self.file} :: {self.name}"]
        for caller, agent in self.dialogue:
            if caller:
                lines.append(f"  caller: {caller if caller != '<silence>' else '(silence)'}")
            lines.append(f"  agent:  {agent}")
        lines += [f"  ✗ {f}" for f in self.failures]
        return "\n".join(lines)


@dataclass(slots=True)
class TestFile:
    path: Path
    flow: Flow
    now: datetime | None
    cases: list[dict[str, Any]]


def load_test_file(path: str | Path) -> TestFile:
    p = Path(path)
    doc = read_yaml_file(p)
    data = doc.data
    if not isinstance(data, dict) or "flow" not in data or not isinstance(data.get("cases"), list):
        raise FlowDefinitionError(
            [
                Problem(
                    "a conversation test file needs 'flow' and a list of 'cases'",
                    file=str(p),
                    line=1,
                )
            ]
        )
    flow = load_flow((p.parent / str(data["flow"])).resolve())
    now = _when(data.get("now"))
    for i, case in enumerate(data["cases"]):
        for j, turn in enumerate(case.get("turns", []) if isinstance(case, dict) else []):
            unknown = set((turn or {}).get("expect", {}) or {}) - _CHECKS
            if unknown:
                line, _ = doc.where(("cases", i, "turns", j, "expect"))
                raise FlowDefinitionError(
                    [
                        Problem(
                            f"unknown check(s) {sorted(unknown)}; known: {sorted(_CHECKS)}",
                            file=str(p),
                            line=line,
                        )
                    ]
                )
    return TestFile(p, flow, now, data["cases"])


def _when(value: Any) -> datetime | None:
    if value is None:
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def run_test_file(path: str | Path, coverage: Coverage | None = None) -> list[CaseResult]:
    tf = load_test_file(path)
    if coverage is not None:
        coverage.add_flow(tf.flow)
    return [run_case(tf, case, coverage) for case in tf.cases]


def run_case(tf: TestFile, case: dict[str, Any], coverage: Coverage | None = None) -> CaseResult:
    name = str(case.get("name", "unnamed"))
    result = CaseResult(str(tf.path), name, True)
    conv = tf.flow.new_conversation(
        now=_when(case.get("now")) or tf.now, conversation_id=f"test-{name}"
    )
    greeting = conv.start()
    if coverage is not None:
        coverage.record(tf.flow, greeting)
    result.dialogue.append(("", greeting.text))
    for i, turn_spec in enumerate(case.get("turns", []), start=1):
        said = str(turn_spec.get("say", "") if turn_spec.get("say") is not None else "")
        for _ in range(int(turn_spec.get("times", 1))):  # `times: N` says the line N times
            before = conv.context.state
            turn = conv.handle(said)
            if coverage is not None:
                coverage.record(tf.flow, turn, before)
            result.dialogue.append((said or "<silence>", turn.text))
        failures = _compare(turn, conv.context.counters.to_dict(), turn_spec.get("expect") or {})
        if failures:
            result.passed = False
            result.failures = [f"turn {i}: {f}" for f in failures]
            break
    return result


def _compare(turn: Turn, counters: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    out: list[str] = []

    def differ(what: str, want: Any, got: Any) -> None:
        out.append(f"{what}: expected {want!r}, got {got!r}")

    for key in ("state", "expecting", "ended", "outcome", "event"):
        if key in expect and getattr(turn, key) != expect[key]:
            differ(key, expect[key], getattr(turn, key))
    if "reply" in expect and turn.text != expect["reply"]:
        differ("reply", expect["reply"], turn.text)
    if "reply_contains" in expect and str(expect["reply_contains"]) not in turn.text:
        differ("reply containing", expect["reply_contains"], turn.text)
    if "reply_matches" in expect and not re.search(str(expect["reply_matches"]), turn.text):
        differ("reply matching", expect["reply_matches"], turn.text)
    for key, want in (expect.get("slots") or {}).items():
        if turn.slots.get(key) != want:
            differ(f"slot {key}", want, turn.slots.get(key))
    if "slots_exact" in expect and turn.slots != expect["slots_exact"]:
        differ("slots", expect["slots_exact"], turn.slots)
    for key, want in (expect.get("counters") or {}).items():
        if counters.get(key) != want:
            differ(f"counter {key}", want, counters.get(key))
    return out

"""`flowagent check`: static analysis of a flow beyond schema validation, and a termination
proof — before a caller hears it.

Findings (each with file:line): load errors (the compiler's: unknown states, placeholders,
keys, action functions missing or unable to take the slots…); actions that could not be
checked without importing them; unreachable states; states from which no end state can be
reached (traps); loops of states that never wait for the caller; slots collected but never
used, or used but never collected; choice synonyms shared by two choices; listening states
without a retry or silence limit. The termination proof (`termination.py`) states the most
caller turns any conversation can take, and names the cycles that only `limits.max_turns`
bounds.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from flowagent.compiled import CompiledFlow
from flowagent.errors import FlowDefinitionError
from flowagent.flow import load_flow
from flowagent.loader import Loc, LocatedDocument, format_loc, read_yaml_file
from flowagent.toolkit.termination import Termination, prove_termination

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*\}\}")


@dataclass(frozen=True, slots=True)
class Finding:
    severity: str  # "error" | "warning"
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    column: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        """`file:line:column: severity: [code] field: message (hint: …)` — what `run` prints
        for a broken flow, with the finding's code."""
        where = self.file or "<flow>"
        if self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        text = f"{where}: {self.severity}: [{self.code}] "
        if self.field:
            text += f"{self.field}: "
        return text + self.message + (f" (hint: {self.hint})" if self.hint else "")


@dataclass(slots=True)
class CheckReport:
    file: str
    findings: list[Finding] = field(default_factory=list)
    termination: Termination | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "ok": not self.errors,
            "findings": [asdict(f) for f in self.findings],
            "termination": asdict(self.termination) if self.termination else None,
        }


def check_flow(
    path: str | Path, *, import_actions: bool = False, allow_modules: Iterable[str] | None = None
) -> CheckReport:
    """Every finding for the flow at `path`. Reading a flow runs none of its code: actions are
    checked (allowed? their file beside the flow present?) but imported only with
    `import_actions=True`."""
    report = CheckReport(str(path))
    try:
        flow = load_flow(path, import_actions=import_actions, allow_modules=allow_modules)
    except FlowDefinitionError as err:
        for p in err.problems:
            report.findings.append(
                Finding("error", "load", p.message, p.file, p.line, p.field, p.column, p.hint)
            )
        return report
    doc = read_yaml_file(path)
    _Checker(flow.compiled, doc, report).run()
    return report


class _Checker:
    def __init__(self, flow: CompiledFlow, doc: LocatedDocument, report: CheckReport) -> None:
        self.flow = flow
        self.doc = doc
        self.report = report

    def add(self, severity: str, code: str, loc: Loc, message: str) -> None:
        line, column = self.doc.where(loc)
        self.report.findings.append(
            Finding(severity, code, message, self.doc.file, line, format_loc(loc), column)
        )

    def run(self) -> None:
        for state, check in self.flow.action_checks.items():
            if not check.verified:
                self.add(
                    "warning",
                    "action-unchecked",
                    ("states", state, "action"),
                    check.note or "could not be checked",
                )
            if check.blocking:
                self.add(
                    "warning",
                    "action-blocks-loop",
                    ("states", state, "action"),
                    f"the async def calls {', '.join(check.blocking)}, which blocks: while it"
                    " runs, every call on the worker's event loop waits. Await an async"
                    " equivalent, or write the action as a plain def (it runs in its own"
                    " thread)",
                )
        self.reachability()
        self.slot_usage()
        self.shared_synonyms()
        self.limits()
        traps = sorted(
            f.field.split(".")[-1] for f in self.report.findings if f.code == "trap" and f.field
        )
        proof = prove_termination(self.flow, traps)
        for loop in proof.transient_loops:
            self.add(
                "error",
                "transient-loop",
                ("states", loop[0]),
                f"{' → '.join([*loop, loop[0]])} loops without waiting for the caller:"
                " the engine stops it and ends the call as an error",
            )
        self.report.termination = proof

    # --- graph -------------------------------------------------------------------------
    def successors(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {s: set() for s in self.flow.states}
        for e in self.flow.machine.edges:
            out[e.source].add(e.dest)
        return out

    def reachability(self) -> None:
        succ = self.successors()
        seen = {self.flow.spec.start}
        queue = deque(seen)
        while queue:
            for nxt in succ[queue.popleft()]:
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        implicit = {c.to for c in self.flow.spec.commands.values() if c.to}
        for name in self.flow.states:
            if name not in seen and name not in implicit and (("states", name) in self.doc.lines):
                self.add(
                    "warning",
                    "unreachable",
                    ("states", name),
                    f"state {name!r} can never be reached from {self.flow.spec.start!r}",
                )
        ends = {n for n, s in self.flow.states.items() if s.spec.kind == "end"}
        for name in self.flow.states:  # in file order, so reports are stable
            if name not in seen or name in ends:
                continue
            if not self._reaches(name, ends, succ):
                self.add(
                    "error",
                    "trap",
                    ("states", name),
                    f"state {name!r} has no way to an end state:"
                    " a caller who reaches it can never finish",
                )

    @staticmethod
    def _reaches(start: str, targets: set[str], succ: dict[str, set[str]]) -> bool:
        seen = {start}
        queue = deque([start])
        while queue:
            cur = queue.popleft()
            if cur in targets:
                return True
            for nxt in succ[cur]:
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return False

    # --- slots -------------------------------------------------------------------------
    def slot_usage(self) -> None:
        spec = self.flow.spec
        used: set[str] = set()
        texts: list[str] = []
        for st in spec.states.values():
            texts += [x for x in (st.say, st.prompt, st.help) if x] + list(st.reprompts)
            for tr in st.transitions:
                if tr.when is not None:
                    w = tr.when
                    used.update(w.filled_slots, w.missing_slots, w.equals or {}, w.one_of or {})
        for name, slot in spec.slots.items():
            for text in [slot.prompt, slot.help, slot.ack, slot.clarify, *slot.reprompts]:
                if text:
                    used.update(n for n in _PLACEHOLDER.findall(text) if n != name)
        for text in texts:
            used.update(_PLACEHOLDER.findall(text))
        has_action = any(st.action for st in spec.states.values())
        collected = set(self.flow.collectable_slots)
        for name in spec.slots:
            if name not in collected and name in used:
                self.add(
                    "warning",
                    "never-collected",
                    ("slots", name),
                    f"slot {name!r} is used in a prompt or"
                    " condition but no collect state asks for it",
                )
            elif name in collected and name not in used and not has_action:
                self.add(
                    "warning",
                    "never-used",
                    ("slots", name),
                    f"slot {name!r} is collected but never used in a prompt, condition or action",
                )
            elif name not in collected and name not in used:
                self.add(
                    "warning",
                    "unused-slot",
                    ("slots", name),
                    f"slot {name!r} is neither collected nor used",
                )

    def shared_synonyms(self) -> None:
        for name, slot in self.flow.slots.items():
            owners: dict[str, str] = {}
            for key, synonyms in slot.options.get("choices", {}).items():
                for phrase in {key.replace("_", " ").lower(), *(s.lower() for s in synonyms)}:
                    other = owners.setdefault(phrase, key)
                    if other != key:
                        self.add(
                            "warning",
                            "shared-synonym",
                            ("slots", name, "choices", key),
                            f"synonym {phrase!r} belongs to both {other!r}"
                            f" and {key!r}: callers saying it get {other!r}",
                        )

    def limits(self) -> None:
        events_by_state: dict[str, set[str]] = {}
        for e in self.flow.machine.edges:
            events_by_state.setdefault(e.source, set()).add(e.event)
        for name, info in self.flow.states.items():
            if not info.behaviour.waits:
                continue
            events = events_by_state.get(name, set())
            retry = info.spec.on_no_match
            if retry and "no_match_limit" in events_by_state.get(retry, set()):
                events = events | {"no_match_limit"}  # its failures are limited in the retry state
            for event, what in (
                ("no_match_limit", "failed answers"),
                ("no_input_limit", "silences"),
            ):
                if event not in events:
                    self.add(
                        "error",
                        "no-limit",
                        ("states", name),
                        f"state {name!r} has no limit on {what}: a caller could loop forever",
                    )


def format_report(report: CheckReport, verbose: bool = False) -> str:
    """The findings, then the termination proof: one summary line, or with `verbose` the
    cycles only `limits.max_turns` bounds and how the counters' bound adds up."""
    lines = [str(f) for f in report.findings]
    t = report.termination
    if t is not None and t.bound is None:
        lines.append("termination: NOT proven — " + "; ".join(t.unbounded_cycles))
    elif t is not None and t.unbounded_cycles:
        if verbose:
            lines.append(
                f"termination: every conversation ends within {t.bound} caller turns"
                " (limits.max_turns);\n  without that limit these cycles would be unbounded:"
            )
            lines += [f"  - {c}" for c in t.unbounded_cycles]
            lines.append(
                f"  without those cycles the counters alone bound it at {t.structural_bound}"
            )
        else:
            n = len(t.unbounded_cycles)
            lines.append(
                f"termination: every conversation ends within {t.bound} caller turns"
                f" (limits.max_turns; {n} cycle{'s' if n > 1 else ''} only it bounds: -v explains)"
            )
    elif t is not None:
        source = "limits.max_turns" if t.bound != t.structural_bound else "the counters"
        lines.append(
            f"termination: every conversation ends within {t.bound} caller turns ({source})"
        )
    if t is not None and t.breakdown and verbose:
        lines += [f"    {row}" for row in t.breakdown]
    verdict = "FAILED" if report.errors else "ok"
    lines.append(
        f"{report.file}: {verdict} — {len(report.errors)}"
        f" error(s), {len(report.warnings)} warning(s)"
    )
    return "\n".join(lines)

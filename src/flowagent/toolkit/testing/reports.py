"""Test results for CI systems: JSON Lines (one object per case) and JUnit XML, the format
CI dashboards (GitLab, Jenkins, GitHub test reporters) show beside unit tests.

JUnit layout (the de-facto schema of Ant/Surefire, as pytest's `--junitxml` writes it):
one `<testsuite>` per test file, one `<testcase>` per case (`classname` = the file's path,
`name` = the case's name, `time` in seconds) with a `<failure>` holding the dialogue diff;
a test file that does not load is a suite with one `<error>`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from flowagent.errors import FlowDefinitionError
from flowagent.toolkit.testing.runner import CaseResult


@dataclass(slots=True)
class FileOutcome:
    """One test file: its case results, or the error that kept it from loading."""

    file: str
    results: list[CaseResult] = field(default_factory=list)
    error: FlowDefinitionError | None = None

    def error_dict(self) -> dict[str, Any]:
        assert self.error is not None
        return {
            "file": self.file,
            "case": None,
            "passed": False,
            "error": str(self.error),
            "problems": [
                {
                    "file": p.file,
                    "line": p.line,
                    "column": p.column,
                    "field": p.field,
                    "message": p.message,
                    "hint": p.hint,
                }
                for p in self.error.problems
            ],
        }


def junit_xml(outcomes: list[FileOutcome]) -> str:
    """The outcomes as a JUnit XML document (UTF-8 text)."""
    root = ET.Element("testsuites", name="flowagent")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    seconds = 0.0
    for outcome in outcomes:
        failures = sum(not r.passed for r in outcome.results)
        errors = 1 if outcome.error is not None else 0
        tests = len(outcome.results) + errors
        time = sum(r.seconds for r in outcome.results)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=outcome.file,
            tests=str(tests),
            failures=str(failures),
            errors=str(errors),
            skipped="0",
            time=f"{time:.3f}",
        )
        if outcome.error is not None:
            case = ET.SubElement(suite, "testcase", classname=outcome.file, name="(load)")
            ET.SubElement(case, "error", message=str(outcome.error).splitlines()[0]).text = str(
                outcome.error
            )
        for r in outcome.results:
            case = ET.SubElement(
                suite, "testcase", classname=outcome.file, name=r.name, time=f"{r.seconds:.3f}"
            )
            if not r.passed:
                first = r.failures[0] if r.failures else "failed"
                ET.SubElement(case, "failure", message=first).text = r.report()
        totals["tests"] += tests
        totals["failures"] += failures
        totals["errors"] += errors
        seconds += time
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", str(totals["errors"]))
    root.set("time", f"{seconds:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

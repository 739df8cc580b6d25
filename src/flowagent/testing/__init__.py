"""Conversation tests: YAML files that pin a flow's behaviour turn by turn, run offline and
replay exactly (`flowagent test`, or plain `pytest` for files named `*.flowtest.yaml`).

Actions never run for real here unless asked: a test file declares what each returns,
raises or how long it takes (`actions:`), and the others get a generated stand-in. From
Python, `fake_actions(flow, {...})` gives a conversation the same fakes.

This package is the public face of the conversation tests: the names below, and the pytest
plugin (`pytest_plugin`, the `flowagent` entry point). They are built in the authoring
toolkit, `flowagent.toolkit.testing`.
"""

from __future__ import annotations

from flowagent.fakes import FakeAction
from flowagent.toolkit.testing.coverage import Coverage
from flowagent.toolkit.testing.fakes import fake_actions, stand_in
from flowagent.toolkit.testing.files import TestFile, discover, load_test_file
from flowagent.toolkit.testing.runner import CaseResult, run_case, run_test_file
from flowagent.toolkit.testing.spec import flowtest_schema

__all__ = [
    "CaseResult",
    "Coverage",
    "FakeAction",
    "TestFile",
    "discover",
    "fake_actions",
    "flowtest_schema",
    "load_test_file",
    "run_case",
    "run_test_file",
    "stand_in",
]

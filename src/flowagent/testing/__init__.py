"""Conversation tests: YAML files that pin a flow's behaviour turn by turn, run offline and
replay exactly (`flowagent test`, or plain `pytest` for files named `*.flowtest.yaml`)."""

from __future__ import annotations

from flowagent.testing.coverage import Coverage
from flowagent.testing.runner import CaseResult, load_test_file, run_test_file

__all__ = ["CaseResult", "Coverage", "load_test_file", "run_test_file"]

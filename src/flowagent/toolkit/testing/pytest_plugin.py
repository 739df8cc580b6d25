"""pytest plugin (registered as the `flowagent` entry point): every `*.flowtest.yaml` (or
`*.flowtest.yml`) file under the test paths is collected, one pytest item per case. Actions
run as the file's fakes and generated stand-ins; `pytest --flowagent-live-actions` runs the
undeclared ones for real. A broken test file is a collection error naming its file, line and
field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flowagent.errors import FlowDefinitionError
from flowagent.toolkit.testing.files import TestFile, is_test_file, load_test_file
from flowagent.toolkit.testing.runner import run_case
from flowagent.toolkit.testing.spec import CaseSpec


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("flowagent").addoption(
        "--flowagent-live-actions",
        action="store_true",
        default=False,
        help="conversation tests call the real actions a test file does not fake",
    )


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if is_test_file(file_path.name):
        return FlowTestFile.from_parent(parent, path=file_path)
    return None


class FlowTestFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        live = bool(self.config.getoption("flowagent_live_actions", default=False))
        try:
            test_file = load_test_file(self.path, live_actions=live)
        except FlowDefinitionError as err:
            raise self.CollectError(str(err)) from None
        for case in test_file.cases:
            yield FlowTestCase.from_parent(self, name=case.name, test_file=test_file, case=case)


class FlowTestCase(pytest.Item):
    def __init__(self, *, test_file: TestFile, case: CaseSpec, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.test_file = test_file
        self.case = case

    def runtest(self) -> None:
        result = run_case(self.test_file, self.case)
        if not result.passed:
            raise FlowTestFailure(result.report())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, FlowTestFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"conversation: {self.name}"


class FlowTestFailure(AssertionError):
    """A conversation case did not go as its file says."""

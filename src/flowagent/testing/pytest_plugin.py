"""The pytest plugin's entry point (`[project.entry-points.pytest11] flowagent`): its hooks are
`flowagent.toolkit.testing.pytest_plugin`'s, which collects every `*.flowtest.yaml` file."""

from __future__ import annotations

from flowagent.toolkit.testing.pytest_plugin import pytest_addoption, pytest_collect_file

__all__ = ["pytest_addoption", "pytest_collect_file"]

"""Fixtures for the caller-behaviour tests (issue #11): the reference flow and a plumbing flow
written from the docs (benchmarks/data/calls/plumbing.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import APPOINTMENT, NOW

import flowagent

PLUMBING = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "calls" / "plumbing.yaml"


@pytest.fixture(scope="session")
def plumbing() -> flowagent.Flow:
    return flowagent.load_flow(PLUMBING)


@pytest.fixture(scope="session")
def reference() -> flowagent.Flow:
    return flowagent.load_flow(APPOINTMENT)


def say(flow: flowagent.Flow, *lines: str) -> tuple[flowagent.Conversation, flowagent.Turn]:
    """A new call at Monday 2026-11-23 10:00: the greeting, then `lines`; the last turn."""
    conv = flow.new_conversation(now=NOW)
    turn = conv.start()
    for line in lines:
        turn = conv.handle(line)
    return conv, turn

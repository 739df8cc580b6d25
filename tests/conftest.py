"""Shared fixtures: the reference flow and a fixed reference time (Monday 2026-11-23 10:00)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

import flowagent

ROOT = Path(__file__).resolve().parent.parent
APPOINTMENT = ROOT / "flows" / "appointment.yaml"
NOW = datetime(2026, 11, 23, 10, 0)  # a Monday


@pytest.fixture(scope="session")
def appointment() -> flowagent.Flow:
    return flowagent.load_flow(APPOINTMENT)


@pytest.fixture
def conv(appointment: flowagent.Flow) -> flowagent.Conversation:
    c = appointment.new_conversation(now=NOW)
    c.start()
    return c

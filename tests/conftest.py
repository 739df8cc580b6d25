"""Shared fixtures: the reference flow and a fixed reference time (Monday 2026-11-23 10:00);
and a suite that writes nothing outside pytest's temporary directory."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
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


@pytest.fixture(scope="session", autouse=True)
def _writes_stay_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Point the temp, home, cache and config directories — of this process and of every
    program a test starts (espeak-ng's audio client, onnxruntime's telemetry id, a test's own
    `tempfile`) — below pytest's temporary directory, so the suite leaves nothing behind."""
    base = tmp_path_factory.mktemp("environment")
    places = {
        "TMPDIR": base / "tmp",
        "HOME": base / "home",
        "XDG_CACHE_HOME": base / "cache",
        "XDG_CONFIG_HOME": base / "config",
        "XDG_RUNTIME_DIR": base / "runtime",
    }
    saved = {key: os.environ.get(key) for key in places}
    for key, path in places.items():
        path.mkdir(mode=0o700)
        os.environ[key] = str(path)
    saved_tempdir, tempfile.tempdir = tempfile.tempdir, str(places["TMPDIR"])
    yield
    tempfile.tempdir = saved_tempdir
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value

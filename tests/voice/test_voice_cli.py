"""`flowagent voice` says what is missing instead of failing with a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from tests.conftest import APPOINTMENT, ROOT

pytest.importorskip("livekit.agents", reason="needs pip install 'flowagent[livekit]'")


def voice(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LIVEKIT_", "OPENAI_"))}
    base["PYTHONPATH"] = str(ROOT / "src")
    return subprocess.run(
        [sys.executable, "-m", "flowagent.cli", "voice", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, **(env or {})},
        check=False,
    )


def test_openai_without_a_key_names_the_variable_and_the_offline_option() -> None:
    result = voice(str(APPOINTMENT), "console")
    assert result.returncode == 1
    assert "OPENAI_API_KEY" in result.stderr and "--stt whisper --tts espeak" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_server_mode_without_livekit_settings_says_what_to_set() -> None:
    result = voice(str(APPOINTMENT), "start", "--offline")
    if "espeak-ng is not installed" in result.stderr:
        pytest.skip("espeak-ng is not installed here")
    assert result.returncode == 1
    assert "LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET" in result.stderr


def test_a_broken_flow_is_reported_with_its_line(tmp_path: object) -> None:
    result = voice(str(ROOT / "tests" / "toolkit" / "flows" / "unknown_state.yaml"), "--offline")
    assert result.returncode == 1 and "unknown_state.yaml:11" in result.stderr


def test_voice_help() -> None:
    result = voice("--help")
    assert (
        result.returncode == 0 and "--offline" in result.stdout and "LIVEKIT_URL" in result.stdout
    )


def test_a_whisper_model_that_cannot_be_fetched_says_to_pass_a_directory() -> None:
    result = voice(
        str(APPOINTMENT),
        "console",
        "--offline",
        "--whisper-model",
        "small.en",
        env={"HF_HUB_OFFLINE": "1", "HF_HOME": "/nonexistent-flowagent-hf"},
    )
    if "espeak-ng is not installed" in result.stderr:
        pytest.skip("espeak-ng is not installed here")
    assert result.returncode == 1
    assert "'small.en'" in result.stderr and "--whisper-model DIR" in result.stderr
    assert "Traceback" not in result.stderr

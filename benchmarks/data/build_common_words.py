"""Build `src/flowagent/slots/data/common_words.txt`: common English words that are not
people's names, so that "sink", "tub" or "maybe" is never taken for a caller's name.

    pip install wordfreq names gender-guesser   # only to rebuild the list
    python benchmarks/data/build_common_words.py

Words: every English word with a Zipf frequency of at least 3.0 in wordfreq (about once per
million words or more; wordfreq's data is CC BY-SA 4.0 — Robyn Speer, wordfreq v3.1), minus
anything that is a first name (US Census 1990 first-name lists in the `names` package, public
domain; or a name gender-guesser knows as male or female, unless the word is very common,
Zipf ≥ 5.5, like "here" or "may") or one of the 4,000 commonest US surnames (Census 1990). The result is CC BY-SA 4.0, like the wordfreq data it comes from.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import gender_guesser.detector  # type: ignore[import-untyped]
import names  # type: ignore[import-untyped]
import wordfreq  # type: ignore[import-untyped]

OUT = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "flowagent"
    / "slots"
    / "data"
    / "common_words.txt"
)
ZIPF = 3.0
SURNAMES = 4000


def census(file: str) -> list[str]:
    folder = os.path.dirname(names.__file__)
    with open(os.path.join(folder, file), encoding="ascii") as fh:
        return [line.split()[0].lower() for line in fh if line.strip()]


def main() -> None:
    detector = gender_guesser.detector.Detector(case_sensitive=False)
    known = {"male", "female", "mostly_male", "mostly_female"}
    first = set(census("dist.male.first")) | set(census("dist.female.first"))
    surnames = set(census("dist.all.last")[:SURNAMES])
    words = []
    for word in wordfreq.iter_wordlist("en"):
        if wordfreq.zipf_frequency(word, "en") < ZIPF:
            break
        if not re.fullmatch(r"[a-z][a-z']+", word):
            continue
        zipf = wordfreq.zipf_frequency(word, "en")
        bare = word.replace("'", "")  # the Census writes "O'Brien" as "OBRIEN"
        if word in first or word in surnames or bare in first or bare in surnames:
            continue
        if zipf < 5.5 and detector.get_gender(word) in known:
            continue
        words.append(word)
    header = (
        "# Common English words that are not names. Built by benchmarks/data/build_common_words.py\n"
        "# from wordfreq (CC BY-SA 4.0, Robyn Speer) minus US Census 1990 names; CC BY-SA 4.0.\n"
    )
    OUT.write_text(header + "\n".join(sorted(words)) + "\n", encoding="utf-8")
    print(f"{len(words)} words → {OUT}")


if __name__ == "__main__":
    main()

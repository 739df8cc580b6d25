"""Build the name extractor's two word lists, shipped as package data in
`src/flowagent/slots/data/`:

- `common_words.txt`: common English words that are not people's names anywhere, so that
  "sink", "tub" or "maybe" is never taken for a caller's name;
- `name_words.txt`: names that are also everyday English words ("Hope", "Will", "Fan",
  "He"), which the extractor confirms with the caller when one is said alone.

    pip install wordfreq names gender-guesser names-dataset   # only to rebuild the lists
    apt-get install wamerican                                 # /usr/share/dict/american-english
    python benchmarks/data/build_common_words.py

Words: every English word with a Zipf frequency of at least 3.0 in wordfreq (about once per
million words or more; wordfreq v3.1, Robyn Speer; its data is CC BY-SA 4.0), and the
lower-case entries of an English dictionary (SCOWL's american-english list, Debian
`wamerican`: Kevin Atkinson's permissive SCOWL licence) down to Zipf 2.5, which adds the
rarer words callers say for the reason of their call ("toothache", "checkup", "reschedule").

Names, from four sources (the union):
- US Census 1990 first names (all) and the 4,000 commonest surnames, from the `names`
  package (public domain, US government work);
- names gender-guesser knows as male or female (its data: Jörg Michael's nam_dict, GNU FDL
  1.2), unless the word is very common (Zipf ≥ 5.5, like "here" or "may");
- names-dataset (philipperemy/name-dataset, v3.3.1: first and last names of 105 countries,
  counted in the 2021 Facebook scrape of 533M accounts): the top `TOP_N` first names and the
  top `TOP_N` last names of *every* country, folded to ASCII ("José" → "jose"). Its code is
  under the Apache License 2.0 (its LICENSE file; the PyPI metadata says MIT); its README says
  lists of names are generally not copyrightable. Only which words are names is taken from it
  — no name, count or person of it is shipped — and it is a build-time tool only, never a
  runtime dependency (a 55 MB wheel, 3 GB of memory to load).
`TOP_N` = 300 was chosen by measurement (docs/slots/name.md): at 100, names such as Sai, Xi
and Dev stay blocked; past 300 words callers say for the reason of their call leave the list
("music", "pain", "kids", "heater" at 1,000).

`common_words.txt` = words − names. `name_words.txt` = the words of Zipf ≥ 4.6 (about 40 per
million or more) that are names *and* lower-case entries of the dictionary, less
the US first names and surnames borne by at least 0.05% of people (of one sex, for first
names) in the Census: "Mark", "Rose", "Grace", "Smith", "King" are names first. Both outputs are CC BY-SA 4.0, like the wordfreq data
they come from.
"""

from __future__ import annotations

import gzip
import os
import pickle
import re
import unicodedata
from pathlib import Path

import gender_guesser.detector  # type: ignore[import-untyped]
import names  # type: ignore[import-untyped]
import names_dataset  # type: ignore[import-untyped]
import wordfreq  # type: ignore[import-untyped]

DATA = Path(__file__).resolve().parents[2] / "src" / "flowagent" / "slots" / "data"
ZIPF = 3.0
SURNAMES = 4000
TOP_N = 300
EVERYDAY_ZIPF = 4.6
DICTIONARY_ZIPF = 2.5
COMMON_NAME = 0.05  # % of people of one sex (first names) or of all (surnames), Census 1990
DICTIONARY = Path("/usr/share/dict/american-english")


def census(file: str) -> list[tuple[str, float]]:
    """(name, % of people) in Census order."""
    folder = os.path.dirname(names.__file__)
    with open(os.path.join(folder, file), encoding="ascii") as fh:
        return [(ln.split()[0].lower(), float(ln.split()[1])) for ln in fh if ln.strip()]


def fold(name: str) -> str:
    """ASCII lower case, as wordfreq and an English STT write it: "José" → "jose"."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def world_names(top_n: int) -> set[str]:
    """The top `top_n` first names and last names of every country in names-dataset."""
    folder = Path(os.path.dirname(names_dataset.__file__)) / "v3"
    found: set[str] = set()
    for file in ("first_names.pkl.gz", "last_names.pkl.gz"):
        with gzip.open(folder / file, "rb") as fh:
            table = pickle.load(fh)  # the package's own data file
        for name, info in table.items():
            ranks = [r for r in info["rank"].values() if r is not None]
            if ranks and min(ranks) <= top_n:
                found.add(fold(name.strip()))
        del table
    return found


def main() -> None:
    detector = gender_guesser.detector.Detector(case_sensitive=False)
    known = {"male", "female", "mostly_male", "mostly_female"}
    firsts = census("dist.male.first") + census("dist.female.first")
    first = {n for n, _ in firsts}
    lasts = census("dist.all.last")
    surnames = {n for n, _ in lasts[:SURNAMES]}
    # names first: "Mark", "Rose", "Smith", "King" (about the 300 commonest of each list)
    common_names = {n for n, share in firsts + lasts if share >= COMMON_NAME}
    world = world_names(TOP_N)
    lexicon = {w for w in DICTIONARY.read_text(encoding="utf-8").split() if w.islower()}
    frequent = []
    for word in wordfreq.iter_wordlist("en"):
        if wordfreq.zipf_frequency(word, "en") < ZIPF:
            break
        frequent.append(word)
    rarer = sorted(
        lexicon - set(frequent) - {w for w in lexicon if w.endswith("'s")},
    )
    common, everyday = [], []
    for word in frequent + rarer:
        zipf = wordfreq.zipf_frequency(word, "en")
        if zipf < DICTIONARY_ZIPF or not re.fullmatch(r"[a-z][a-z']+", word):
            continue
        bare = word.replace("'", "")  # the Census writes "O'Brien" as "OBRIEN"
        is_name = bool({word, bare} & (first | surnames | world)) or (
            zipf < 5.5 and detector.get_gender(word) in known
        )
        if not is_name:
            common.append(word)
        elif zipf >= EVERYDAY_ZIPF and word in lexicon and word not in common_names:
            everyday.append(word)
    licence = "wordfreq (CC BY-SA 4.0, Robyn Speer); CC BY-SA 4.0.\n"
    (DATA / "common_words.txt").write_text(
        "# Common English words that are not names. Built by benchmarks/data/build_common_words.py\n"
        "# from wordfreq and SCOWL minus the names of US Census 1990, gender-guesser and names-dataset\n"
        f"# (top {TOP_N} first and last names of each of its 105 countries). Data: "
        + licence
        + "\n".join(sorted(common))
        + "\n",
        encoding="utf-8",
    )
    (DATA / "name_words.txt").write_text(
        "# Names that are also everyday English words, confirmed when said alone. Built by\n"
        "# benchmarks/data/build_common_words.py (see there: wordfreq, SCOWL, Census 1990,\n"
        "# gender-guesser, names-dataset). Data: " + licence + "\n".join(sorted(everyday)) + "\n",
        encoding="utf-8",
    )
    print(f"{len(common)} common words, {len(everyday)} everyday-word names → {DATA}")


if __name__ == "__main__":
    main()

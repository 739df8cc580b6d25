"""Normalisation and tokens: caller text (typed, spoken, or as STT wrote it) → typed tokens.

One regular expression cuts the text into clock times ("4:30", "4.30", "3h18", "15h"),
ordinals ("1st"), numbers, meridiems ("pm", "p.m.", "p m", "a.m"), "o'clock" in any STT
spelling (`o"clock`, "oclock", "o clock"), words and punctuation. A second pass joins
number words ("twenty three" → 23, "thirty-first" → 31st), reads a meridiem glued to a
number ("3p", "3:18a"), and drops the "ish" of "3ish" / "noonish" (marking the token
approximate). Every token keeps its span in the original text, so an extraction can report
the words it used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flowagent.slots.temporal.lexicon import LEXICON, ORDINAL_WORDS, TENS_WORDS

_TOKEN = re.compile(
    # No leading `\s*`: a token starts at a non-space, so inside a run of spaces every start
    # fails at once. (With `\s*` first, each position of a trailing run re-scanned the whole
    # run — quadratic on the spaces that masking leaves behind.)
    r"(?=\S)(?:"
    r"(?P<word>(?![ap]\.?\s?m\b|o\s?['\"’`]?\s?clock|(?<=\d)[ap]\.?(?![a-z]))"
    r"[a-z]+(?:['’][a-z]+)?)"
    r"|(?P<clock>\d{1,2}\s?[:.]\s?\d\d(?!\d|[.:]\d)|\d{1,2}h\d\d(?!\d))"
    r"|(?P<h24>\d{1,2}h)(?![a-z])"
    r"|(?P<ord>\d{1,2}\s?(?:st|nd|rd|th)(?![a-z]))"
    r"|(?P<num>\d+)"
    r"|(?P<mer>(?<![a-z])[ap]\.?\s?m\.?(?![a-z])|(?<=\d)[ap]\.?(?![a-z]))"
    r"|(?P<oclock>o\s?['\"’`]?\s?clock)"
    r"|(?P<punct>\S))"
)


# A longer run of digits is read as a word: no date or time is written with it.
_MAX_DIGITS = 18


@dataclass(slots=True)
class Tok:
    """One token. `kind` is a lexicon kind (`wd`, `month`, `part`, `rel`, `unit`, `named`,
    `holiday`), a shape (`num`, `ord`, `clock`, `mer`, `oclock`), `w` for any other word or
    `p` for punctuation. `val` is its value (a number, `(hour, minute)` for a clock, the
    lower-case word for `w` and `p`); `n` the number of a `num` or `ord` (else 0). `text` is
    the original spelling, `low` the same in lower case."""

    kind: str
    val: object
    start: int
    end: int
    text: str
    low: str
    n: int = 0
    approx: bool = False

    @property
    def digits(self) -> bool:
        """Written with digits (not a number word)."""
        return self.text[:1].isdigit()


def _tok(kind: str, val: object, start: int, end: int, text: str, approx: bool = False) -> Tok:
    return Tok(
        kind, val, start, end, text, text.lower(), val if isinstance(val, int) else 0, approx
    )


def tokenize(text: str) -> list[Tok]:
    """Typed tokens of `text`; see the module docstring."""
    out: list[Tok] = []
    lower = text.lower()
    lexicon = LEXICON
    for m in _TOKEN.finditer(lower):
        kind = m.lastgroup or "punct"
        start, end = m.span(kind)
        if kind == "word":
            low = m.group(kind)
            raw = text[start:end]
            entry = lexicon.get(low)
            if entry is None:
                if "’" in low:
                    low = low.replace("’", "'")
                if low.endswith("ish") and len(low) > 4 and low[:-3] in lexicon:
                    k, v = lexicon[low[:-3]]  # "noonish", "fiveish"
                    out.append(_tok(k, v, start, end, raw, approx=True))
                    continue
                if low == "ish" and out:
                    out[-1].approx = True
                    out[-1].end = end
                    continue
                if low.endswith("'s"):
                    entry = lexicon.get(low[:-2])
                if entry is None:
                    out.append(Tok("w", low, start, end, raw, low))
                    continue
            k, v = entry
            if k == "num" and out and _join_number(out, k, v, start, end, raw, text):
                continue
            if k == "ord" and out and _join_ordinal(out, v, start, end, raw, text):
                continue
            out.append(Tok(k, v, start, end, raw, low, v if isinstance(v, int) else 0))
        elif kind == "num":
            raw = text[start:end]
            if len(raw) > _MAX_DIGITS:  # no date or time; int() of 5,000 digits raises
                out.append(Tok("w", raw, start, end, raw, raw))
                continue
            out.append(Tok("num", int(raw), start, end, raw, raw, int(raw)))
        elif kind == "punct":
            raw = text[start:end]
            out.append(Tok("p", raw, start, end, raw, raw))
        elif kind == "ord":
            raw = text[start:end]
            value = int(raw.rstrip("stndrhSTNDRH "))
            out.append(Tok("ord", value, start, end, raw, raw.lower(), value))
        elif kind == "clock":
            raw = text[start:end]
            h, _, mm = (
                raw.lower().replace("h", ":").replace(".", ":").replace(" ", "").partition(":")
            )
            out.append(_tok("clock", (int(h), int(mm)), start, end, raw, approx="." in raw))
        elif kind == "h24":
            raw = text[start:end]
            out.append(_tok("clock", (int(raw[:-1]), 0), start, end, raw))
        elif kind == "mer":
            raw = text[start:end]
            out.append(_tok("mer", "am" if raw[0] in "aA" else "pm", start, end, raw))
        else:
            out.append(_tok("oclock", "oclock", start, end, text[start:end]))
    return out


def _gap(text: str, a: int, b: int) -> str:
    return text[a:b].strip()


def _join_number(
    out: list[Tok], kind: str, value: object, start: int, end: int, raw: str, text: str
) -> bool:
    """ "twenty three", "twenty-three": a tens word then a unit joins into one number."""
    if len(out) > 1 and out[-1].text == "-" and out[-1].start == out[-2].end:
        out.pop()  # the hyphen of "twenty-three"
        if not _join_number(out, kind, value, start, end, raw, text):
            out.append(_tok("p", "-", out[-1].end, out[-1].end + 1, "-"))
            return False
        return True
    prev = out[-1]
    if (
        prev.kind == "num"
        and not prev.digits
        and prev.low in TENS_WORDS
        and isinstance(value, int)
        and 1 <= value <= 9
        and _gap(text, prev.end, start) in ("", "-")
    ):
        out[-1] = _tok("num", prev.n + value, prev.start, end, text[prev.start : end])
        return True
    return False


def _join_ordinal(out: list[Tok], value: object, start: int, end: int, raw: str, text: str) -> bool:
    """ "twenty first", "thirty-first": a tens word then an ordinal joins into one ordinal."""
    if len(out) > 1 and out[-1].text == "-" and out[-1].start == out[-2].end:
        out.pop()
        if not _join_ordinal(out, value, start, end, raw, text):
            out.append(_tok("p", "-", out[-1].end, out[-1].end + 1, "-"))
            return False
        return True
    prev = out[-1]
    if (
        prev.kind == "num"
        and not prev.digits
        and prev.low in TENS_WORDS
        and isinstance(value, int)
        and value <= 9
        and raw.lower() in ORDINAL_WORDS
        and _gap(text, prev.end, start) in ("", "-")
    ):
        out[-1] = _tok("ord", prev.n + value, prev.start, end, text[prev.start : end])
        return True
    return False

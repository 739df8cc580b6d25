"""Time rules: small named compositions of typed tokens into a time of day.

A rule reads tokens from `i` and returns a `TimeMatch`: an hour and minute on a 12- or
24-hour clock, with whatever fixes AM/PM in the same words (a meridiem, a part of day said
right after it, a named time). Parts of day said *elsewhere* ("afternoon 3", "tomorrow
evening at 5", "Saturday morning at 9") are joined by the analysis, which also settles what is
still open against the opening hours (`ampm.settle`).

Rule names (reported in `Extraction.rule`): clock, hour-meridiem, oclock, hour-minute,
minutes-past, minutes-to, named-time, in-duration, fuzzy-part, bare-hour; `ampm.settle` adds
part-of-day, 24-hour, noon and opening-hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flowagent.slots.temporal.readers import word
from flowagent.slots.temporal.tokens import Tok


@dataclass(slots=True)
class TimeMatch:
    """A time read from tokens `start` … `end - 1`.

    `h`, `m`: as said (h may be 1-12 with AM/PM open). `mer`: "am"/"pm" when the words fix
    it. `part`: a part of day said with it. `fixed`: a 24-hour or named time, nothing open.
    `strong`: certainly a time (a colon, a meridiem, "o'clock", "quarter past"); a bare
    number is weak and counts only with a cue, a part of day, or as the answer to "what
    time?". `delta`: "in an hour" — a moment relative to now."""

    start: int
    end: int
    h: int
    m: int
    rule: str
    mer: str | None = None
    part: str | None = None
    fixed: bool = False
    strong: bool = True
    delta: timedelta | None = None
    cue: bool = False


_COUNT_NOUNS = frozenset(
    {
        "people",
        "persons",
        "person",
        "guests",
        "guest",
        "adults",
        "adult",
        "kids",
        "children",
        "child",
        "of",
        "dollars",
        "dollar",
        "bucks",
        "percent",
        "tickets",
        "ticket",
        "seats",
        "seat",
        "rooms",
        "room",
        "nights",
        "cars",
        "bags",
        "pets",
        "more",
        "times",
        "stars",
        "miles",
        "st",
        "nd",
        "rd",
        "th",
        "others",
        "passengers",
        "bedrooms",
        "baths",
        "am",
        "star",
        "way",
        "ways",
        "x",
        "year",
        "years",
        "things",
        "items",
        "pm",
        "floor",
    }
)
_STRONG_CUES = frozenset({"at", "@", "around", "by", "about", "approximately", "say"})
_SOFT_CUES = frozenset({"after", "before", "from", "until", "till", "til", "like", "do"})


def _minute_at(t: list[Tok], j: int) -> tuple[int, int] | None:
    """The minutes after an hour word: "thirty", "fifty nine", "o five", "oh five", "15"."""
    if j >= len(t):
        return None
    tok = t[j]
    if tok.kind == "w" and tok.val in ("o", "oh") and j + 1 < len(t):
        nxt = t[j + 1]
        if nxt.kind == "num" and 0 <= nxt.n <= 9 and not nxt.digits:
            return nxt.n, j + 2
        return None
    if tok.kind == "num" and 10 <= tok.n <= 59:
        if tok.digits and len(tok.text) != 2:
            return None
        return tok.n, j + 1
    if tok.kind == "w" and tok.val == "hundred":
        return 0, j + 1
    return None


def _meridiem_after(t: list[Tok], j: int) -> tuple[str | None, int]:
    """am/pm right after a time, or "in the AM", with an "ish" or "approximately" between."""
    k = j
    if word(t, k, "approximately", "ish"):
        k += 1
    if k < len(t) and t[k].kind == "mer":
        return str(t[k].val), k + 1
    if word(t, k, "in") and word(t, k + 1, "the") and k + 2 < len(t) and t[k + 2].kind == "mer":
        return str(t[k + 2].val), k + 3
    return None, j


def _part_after(t: list[Tok], j: int) -> tuple[str | None, int]:
    """ "in the afternoon", "in afternoon", "at night", "this evening" right after a time."""
    k = j
    if word(t, k, "in", "this", "during") or (
        word(t, k, "at") and k + 1 < len(t) and t[k + 1].val == "night"
    ):
        k += 1
        if word(t, k, "the"):
            k += 1
    if k < len(t) and t[k].kind == "part" and (k > j or t[k].low not in ("tonight", "tonite")):
        if t[k].low in ("tonight", "tonite") or (k > j and t[k - 1].val == "this"):
            return None, j  # "8 tonight", "10 this morning": the day part names a date too
        return str(t[k].val), k + 1
    return None, j


def _after_hour(
    t: list[Tok], i: int, j: int, h: int, m: int, rule: str, strong: bool, fixed: bool = False
) -> TimeMatch:
    """Read what follows an hour (and minutes) at `j`: o'clock, am/pm, a part of day."""
    oclock = j < len(t) and t[j].kind == "oclock"
    if oclock:
        j += 1
        rule = "oclock" if rule == "bare-hour" else rule
        strong = True
    mer, j = _meridiem_after(t, j)
    part = None
    if mer is None:
        part, j = _part_after(t, j)
    else:
        rule = "hour-meridiem" if rule in ("bare-hour", "oclock") else rule
    return TimeMatch(
        i,
        j,
        h,
        m,
        rule,
        mer=mer,
        part=part,
        fixed=fixed,
        strong=strong or mer is not None or part is not None,
    )


def clock_time(t: list[Tok], i: int) -> TimeMatch | None:
    """ "4:30", "4.30 pm", "09:30", "15h", "3h18", "12:15p"."""
    tok = t[i]
    assert isinstance(tok.val, tuple)
    h, m = int(tok.val[0]), int(tok.val[1])
    if not (0 <= h <= 24 and 0 <= m <= 59):
        return None
    fixed = h == 0 or h >= 13 or tok.text.startswith("0") or "h" in tok.text.lower()
    return _after_hour(t, i, i + 1, h % 24, m, "clock", strong=not tok.approx, fixed=fixed)


def hour_time(t: list[Tok], i: int) -> TimeMatch | None:
    """An hour said as a number: "3pm", "3 o'clock", "ten thirty", "10 30", "330 p.m.",
    "1430", and a bare "3" (weak: it needs a cue, a part of day, or a question about time)."""
    tok = t[i]
    n = tok.n
    j = i + 1
    if j < len(t) and t[j].kind == "named" and n == 12:  # "12 noon", "twelve midnight"
        return TimeMatch(i, j + 1, t[j].n // 60, 0, "named-time", fixed=True)
    if tok.digits and len(tok.text) in (3, 4):
        h, m = divmod(n, 100)
        if h > 23 or m > 59 or (i > 0 and t[i - 1].kind == "num"):
            return None
        if j < len(t) and t[j].kind in ("num", "p") and t[j].val not in (".", ",", "!", "?"):
            return None  # "1430 5551234": a longer digit run
        if j < len(t) and (t[j].kind == "unit" or (t[j].kind == "w" and t[j].val in _COUNT_NOUNS)):
            return None  # "1500 dollars", "300 people"
        found = _after_hour(
            t, i, j, h, m, "clock", strong=False, fixed=h >= 13 or tok.text[0] == "0"
        )
        return found
    if not 0 <= n <= 24:
        return None
    minute = _minute_at(t, j)
    if minute is None and j + 1 < len(t) and t[j].val == "-" and t[j].start == tok.end:
        minute = _minute_at(t, j + 1)  # "four-thirty", "Ten-thirty.", and STT's "1-30"
        if minute is not None and t[j + 1].digits != tok.digits:
            minute = None
        if minute is not None and tok.digits:
            k = minute[1]
            if t[j + 1].start != t[j].end or (k < len(t) and t[k].val in ("-", "/")):
                return None
            return _after_hour(t, i, k, n, minute[0], "hour-minute", strong=False)
    if (minute is not None and n <= 12) or (minute is not None and tok.digits and n <= 23):
        m, k = minute
        if tok.digits and t[j].digits:
            # "10 30": STT writes "ten thirty" as two numbers; not inside a digit run
            if (i > 0 and t[i - 1].kind == "num") or (k < len(t) and t[k].kind == "num"):
                return None
            if t[j].start - tok.end > 1:
                return None
        if k < len(t) and t[k].kind == "unit":
            return None  # "2 30 minute sessions"
        return _after_hour(
            t, i, k, n, m, "hour-minute", strong=not (tok.digits and t[j].digits), fixed=n >= 13
        )
    if j < len(t) and t[j].kind == "w" and t[j].val in _COUNT_NOUNS:
        return None
    if j < len(t) and t[j].kind in ("unit", "ord", "month"):
        return None
    if (
        j + 1 < len(t)
        and t[j].kind == "p"
        and t[j].val in ("/", "-", "%", "$")
        and t[j + 1].kind == "num"
    ):
        return None
    if i > 0 and t[i - 1].kind == "p" and t[i - 1].val in ("$", "#", "/", "-", "+"):
        return None
    found = _after_hour(t, i, j, n, 0, "bare-hour", strong=False, fixed=n == 0 or n >= 13)
    return found


_MINUTE_WORDS = {"quarter": 15, "half": 30}


def minutes_past(t: list[Tok], i: int) -> TimeMatch | None:
    """ "quarter past 3", "20 minutes past 3pm", "half past 12 in the afternoon", "ten to
    five", "a quarter to noon", "twenty after 3pm", "15 minutes from 1pm"."""
    j = i
    if word(t, j, "a"):
        j += 1
    tok = t[j] if j < len(t) else None
    if tok is None:
        return None
    if (
        word(t, j, "half")
        and j == i
        and j + 1 < len(t)
        and t[j + 1].kind == "num"
        and (1 <= t[j + 1].n <= 12 and (t[j + 1].digits is False or len(t[j + 1].text) <= 2))
    ):  # British "half two": half past two
        after = _after_hour(t, j + 1, j + 2, t[j + 1].n, 30, "minutes-past", strong=True)
        after.start = i
        return after
    if tok.kind == "w" and tok.val in _MINUTE_WORDS:
        mins = _MINUTE_WORDS[str(tok.val)]
    elif tok.kind == "num" and 1 <= tok.n <= 59 and j == i:
        mins = tok.n
    else:
        return None
    j += 1
    said_minutes = False
    if j < len(t) and t[j].kind == "unit" and t[j].val == "minute":
        j, said_minutes = j + 1, True
    if not (word(t, j, "past", "after", "to", "till", "til", "before", "of", "from")):
        return None
    direction = str(t[j].val)
    if direction == "from" and not said_minutes:
        return None
    if (
        direction in ("to", "till", "til")
        and not said_minutes
        and i > 0
        and t[i - 1].kind == "w"
        and t[i - 1].val in ("from", "between")
    ):
        return None  # "from 9 to 11": a range, not nine minutes to eleven
    if direction == "half" and direction in ("to", "till", "til", "before", "of"):
        return None
    j += 1
    if j >= len(t):
        return None
    base = t[j]
    if base.kind == "named":
        h, fixed, k, mer, part = base.n // 60, True, j + 1, None, None
    elif base.kind == "clock" and base.val[1] == 0:  # type: ignore[index]
        h, fixed, k, mer, part = base.val[0], True, j + 1, None, None  # type: ignore[index]
    elif base.kind == "num" and 1 <= base.n <= 24:
        after = _after_hour(t, j, j + 1, base.n, 0, "x", strong=True, fixed=base.n >= 13)
        h, fixed, k, mer, part = base.n, after.fixed, after.end, after.mer, after.part
    else:
        return None
    if mer is not None:
        h, fixed = h % 12 + (12 if mer == "pm" else 0), True
    back = direction in ("to", "till", "til", "before", "of")
    if back and mins in (30,) and not said_minutes and tok.val == "half":
        return None
    total = h * 60 + (-mins if back else mins)
    if fixed:
        total %= 24 * 60
    elif total < 60:
        total += 12 * 60  # "quarter to 1" on a 12-hour clock is 12:45
    hh, mm = divmod(total, 60)
    return TimeMatch(i, k, hh, mm, "minutes-to" if back else "minutes-past", part=part, fixed=fixed)


def named_time(t: list[Tok], i: int) -> TimeMatch | None:
    """noon, midday, midnight, lunchtime, noonish."""
    minutes = t[i].n
    return TimeMatch(i, i + 1, minutes // 60, minutes % 60, "named-time", fixed=True)


def in_clock_duration(t: list[Tok], i: int) -> TimeMatch | None:
    """ "in an hour", "in 30 minutes", "in a couple of hours", "in 1h", "in half an hour",
    "in an hour and a half", "20 minutes from now"."""
    j = i + 1 if word(t, i, "in", "within") else i
    minutes = _duration_at(t, j)
    if minutes is None:
        return None
    total, k = minutes
    if j == i:
        if not (word(t, k, "from") and word(t, k + 1, "now")):
            return None
        k += 2
    return TimeMatch(i, k, 0, 0, "in-duration", fixed=True, delta=timedelta(minutes=total))


def _duration_at(t: list[Tok], j: int) -> tuple[int, int] | None:
    """A span of hours or minutes: (minutes, end index)."""
    if j >= len(t):
        return None
    tok = t[j]
    if tok.kind == "clock" and tok.text.lower().endswith("h"):  # "1h"
        return tok.val[0] * 60, j + 1  # type: ignore[index]
    count: float | None = None
    k = j
    if word(t, k, "half") and word(t, k + 1, "an", "a"):
        count, k = 0.5, k + 2
    elif tok.kind == "num" and (not tok.digits or len(tok.text) <= 3):
        count, k = tok.n, k + 1
    elif word(t, k, "a", "an"):
        count, k = 1, k + 1
        if word(t, k, "couple", "few"):
            count, k = (2 if t[k].val == "couple" else 3), k + 1
            if word(t, k, "of"):
                k += 1
    elif word(t, k, "couple", "few", "several"):
        count, k = (2 if t[k].val == "couple" else 3), k + 1
        if word(t, k, "of"):
            k += 1
    if count is None or k >= len(t) or t[k].kind != "unit" or t[k].val not in ("hour", "minute"):
        return None
    scale = 60 if t[k].val == "hour" else 1
    k += 1
    if word(t, k, "and") and word(t, k + 1, "a") and word(t, k + 2, "half"):
        count, k = count + 0.5, k + 3
    return int(count * scale), k


_FUZZY = {"morning": (10, 0), "afternoon": (15, 0), "day": (12, 0)}


def fuzzy_part(t: list[Tok], i: int) -> TimeMatch | None:
    """ "mid-morning", "midmorning", "mid afternoon": the middle of a part of day."""
    tok = t[i]
    if tok.low.startswith("mid") and tok.low[3:] in _FUZZY:
        h, m = _FUZZY[tok.low[3:]]
        return TimeMatch(i, i + 1, h, m, "fuzzy-part", fixed=True)
    if tok.low == "mid":
        j = i + 2 if i + 1 < len(t) and t[i + 1].val == "-" else i + 1
        if j < len(t) and t[j].kind == "part" and t[j].val in _FUZZY:
            h, m = _FUZZY[str(t[j].val)]
            return TimeMatch(i, j + 1, h, m, "fuzzy-part", fixed=True)
    return None


def match_time(t: list[Tok], i: int) -> TimeMatch | None:
    """The longest time any rule reads from token `i`, or None."""
    tok = t[i]
    kind = tok.kind
    if kind == "clock":
        return clock_time(t, i)
    if kind == "num":
        a = minutes_past(t, i)
        if a is not None:
            return a
        b = in_clock_duration(t, i)
        return b if b is not None else hour_time(t, i)
    if kind == "named":
        return named_time(t, i)
    if kind == "w":
        if tok.val in ("quarter", "half", "a"):
            return minutes_past(t, i) or (in_clock_duration(t, i) if tok.val != "quarter" else None)
        if tok.val in ("in", "within", "an", "couple", "few"):
            return in_clock_duration(t, i)
        if str(tok.val).startswith("mid"):
            return fuzzy_part(t, i)
    return None


#: The plain words a time rule can start at ("mid" covers "midmorning", "mid-afternoon").
STARTERS = frozenset(
    {
        "quarter",
        "half",
        "a",
        "in",
        "within",
        "an",
        "couple",
        "few",
        "several",
        "mid",
        "midmorning",
        "midafternoon",
        "midday",
    }
)

"""What the date rules share: the calendar they resolve against (`Cal`, which also reads the
anchor of a composed date: `Cal.date_at`), what a rule returns (`DateMatch`), and small
readers of the token stream — a word, a day of the month, a year, a count ("a couple of"),
a month reference ("of next month"), a part of day after a date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flowagent.slots.temporal.lexicon import COUNT_WORDS
from flowagent.slots.temporal.tokens import Tok


@dataclass(slots=True)
class Cal:
    """What a date rule resolves against: today, and whether a date was asked for."""

    today: date
    expected: bool
    text: str
    month_first: bool = True  # "12/9" is December 9th (US, CA, PH) or 12 September
    last: DateMatch | None = None  # the date read before: "the day after", "the one after"
    # the whole date grammar (`dates.match_date`), for rules that compose: "the day after
    # <date>" reads its <date> with it
    read_date: DateReader = field(kw_only=True)

    def date_at(self, t: list[Tok], i: int) -> DateMatch | None:
        """The longest date any rule reads from token `i` (the anchor of a composed date)."""
        return self.read_date(t, i, self)


@dataclass(slots=True)
class DateMatch:
    """A date read from tokens `start` … `end - 1`: a value, or candidates, or a problem."""

    end: int
    value: date | None
    rule: str
    candidates: tuple[date, ...] = ()
    problem: str | None = None
    part: str | None = None  # a part of day said with the date: "tomorrow morning"
    start: int = 0
    past: bool = False  # said in the past tense ("I came in on Saturday"): narrative, not a wish


#: A date rule, or all of them: `(tokens, i, cal) -> DateMatch | None`, reading from token `i`.
DateReader = Callable[[list[Tok], int, Cal], DateMatch | None]


def word(t: list[Tok], j: int, *words: str) -> bool:
    return j < len(t) and t[j].kind == "w" and t[j].val in words


def skip(t: list[Tok], j: int, *words: str) -> int:
    """Index after any run of the filler `words` (and commas) from `j`."""
    while j < len(t) and (
        (t[j].kind == "w" and t[j].val in words) or (t[j].kind == "p" and t[j].val == ",")
    ):
        j += 1
    return j


def time_follows(t: list[Tok], j: int) -> bool:
    """A number followed by am/pm, o'clock, ':' or "in the morning" is an hour, not a day of
    the month (an ordinal is always a day: "the 8th in the morning")."""
    if j < 1 or t[j - 1].kind == "ord":
        return False
    return j < len(t) and (
        t[j].kind in ("mer", "oclock")
        or (t[j].kind == "p" and t[j].val == ":")
        or (
            word(t, j, "in")
            and word(t, j + 1, "the")
            and j + 2 < len(t)
            and t[j + 2].kind in ("mer", "part")
        )
    )


NOT_A_DAY = frozenset(
    {
        "time",
        "times",
        "floor",
        "one",
        "ones",
        "person",
        "people",
        "place",
        "option",
        "street",
        "st",
        "avenue",
        "ave",
        "grade",
        "row",
        "try",
        "attempt",
        "visit",
        "appointment",
        "choice",
        "thing",
        "things",
        "minute",
        "minutes",
        "hour",
        "hours",
        "slot",
        "flight",
        "flights",
        "part",
        "thought",
        "leg",
        "trip",
        "half",
        "class",
        "round",
        "stop",
        "step",
        "priority",
        "name",
        "date",
        "day",
        "week",
        "month",
        "year",
        "of",
        "ticket",
        "tickets",
        "room",
        "rooms",
        "persons",
        "guests",
        "adults",
        "kids",
        "children",
    }
)


def day_number(t: list[Tok], j: int) -> int | None:
    """A day of the month at `j`: an ordinal, or a number 1-31 written as digits or words."""
    if j >= len(t):
        return None
    tok = t[j]
    if tok.kind == "ord" and 1 <= tok.n <= 31:
        return tok.n
    if (tok.kind == "num" and 1 <= tok.n <= 31 and len(tok.text) <= 2) or (
        tok.kind == "num" and not tok.digits and 1 <= tok.n <= 31
    ):
        return tok.n
    return None


def year_at(t: list[Tok], j: int) -> int | None:
    j = skip(t, j)
    if j < len(t) and t[j].kind == "num" and t[j].digits and len(t[j].text) == 4:
        year = t[j].n
        return year if 1900 <= year <= 2100 else None
    return None


def part_after(t: list[Tok], j: int) -> tuple[str | None, int]:
    """A part of day right after a date ("tomorrow morning", "Saturday in the evening")."""
    k = skip(t, j, "in", "the")
    if k < len(t) and t[k].kind == "part" and t[k].low not in ("tonight", "tonite"):
        return str(t[k].val), k + 1
    return None, j


def count_at(t: list[Tok], j: int) -> tuple[int, int] | None:
    """A count before a unit: "3", "three", "a", "a couple of", "a few"."""
    if j >= len(t):
        return None
    tok = t[j]
    if tok.kind == "num" and (not tok.digits or len(tok.text) <= 3):
        return tok.n, j + 1
    if tok.kind == "w" and tok.val in COUNT_WORDS:
        n = COUNT_WORDS[str(tok.val)]
        k = j + 1
        if tok.val in ("a", "an") and word(t, k, "couple", "few"):
            n, k = COUNT_WORDS[str(t[k].val)], k + 1
        if word(t, k, "of"):
            k += 1
        return n, k
    return None


def month_ref(t: list[Tok], j: int, cal: Cal) -> tuple[int, int, int, bool] | None:
    """ "(of|in) March [2027]" / "of this|next|last month" / "of the month" →
    (year, month, end, said-with-a-year-or-relative)."""
    if not word(t, j, "of", "in"):
        return None
    j += 1
    if j < len(t) and t[j].kind == "month":
        month = t[j].n
        k = j + 2 if word(t, j + 1, "the") else j + 1
        if (
            day_number(t, k) is not None
            and not time_follows(t, k + 1)
            and not (t[k].kind == "num" and len(t[k].text) == 4)
        ):
            return None  # "one in March 12th": March 12th is the date
        year = year_at(t, j + 1)
        if year is not None:
            return year, month, skip(t, j + 1) + 1, True
        return cal.today.year, month, j + 1, False
    k = j + 1 if word(t, j, "the") else j
    shift = 0
    if k < len(t) and t[k].kind == "w" and t[k].val in _MONTH_SHIFT:
        shift = _MONTH_SHIFT[str(t[k].val)]
        k += 1
    elif not word(t, j, "the"):
        return None
    if k < len(t) and t[k].kind == "unit" and t[k].val == "month":
        y, m = divmod(cal.today.month - 1 + shift, 12)
        return cal.today.year + y, m + 1, k + 1, True
    return None


_MONTH_SHIFT = {
    "this": 0,
    "current": 0,
    "next": 1,
    "following": 1,
    "coming": 1,
    "last": -1,
    "previous": -1,
    "past": -1,
}

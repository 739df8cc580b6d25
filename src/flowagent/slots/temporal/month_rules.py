"""Month and day rules: "March 3", "the 1st of March", "15th February", "the 9th of this
month", "20th of the previous month", a lone "the 11th", "2/15", "2026-12-09". A month and
day without a year that has passed this year is next year's (rule `next-year`); a day of the
month that has passed is next month's (rule `next-month`); a month and day said with
"this / last month" stay where they are, past or not.
"""

from __future__ import annotations

from datetime import date

from flowagent.slots.calendar_rules import add_months, safe_date
from flowagent.slots.temporal.guards import ordinal_guard
from flowagent.slots.temporal.lexicon import WEAK_MONTHS
from flowagent.slots.temporal.readers import (
    NOT_A_DAY,
    Cal,
    DateMatch,
    day_number,
    month_ref,
    skip,
    time_follows,
    word,
    year_at,
)
from flowagent.slots.temporal.tokens import Tok


def month_day(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """ "March 3", "march first", "February the 15th", "Dec. 24, 2026", "Feb13"."""
    tok = t[i]
    if tok.kind != "month":
        return None
    j = i + 1
    if j < len(t) and t[j].kind == "p" and t[j].val == ".":
        j += 1
    j = skip(t, j, "the")
    dom = day_number(t, j)
    if dom is None or time_follows(t, j + 1):
        return None
    if tok.low in WEAK_MONTHS and not (tok.text[0].isupper() or t[j].kind == "ord" or cal.expected):
        return None
    if (
        t[j].kind == "num"
        and j + 1 < len(t)
        and t[j + 1].kind in ("w", "unit")
        and (t[j + 1].val in NOT_A_DAY or t[j + 1].kind == "unit")
    ):
        return None
    year = year_at(t, j + 1)
    end = skip(t, j + 1) + 1 if year is not None else j + 1
    return month_date(tok.n, dom, year, end, cal, "month-day")


def month_date(month: int, dom: int, year: int | None, end: int, cal: Cal, rule: str) -> DateMatch:
    if year is not None:
        found = safe_date(year, month, dom)
        if found is None:
            return DateMatch(end, None, rule, problem="date_invalid")
        return DateMatch(end, found, rule)
    found = safe_date(cal.today.year, month, dom)
    if found is None:
        if month == 2 and dom == 29:
            for y in range(cal.today.year + 1, cal.today.year + 5):
                leap = safe_date(y, 2, 29)
                if leap is not None:
                    return DateMatch(end, leap, "next-year")
        return DateMatch(end, None, rule, problem="date_invalid")
    if found < cal.today:
        later = safe_date(cal.today.year + 1, month, dom)
        return DateMatch(end, later, "next-year")
    return DateMatch(end, found, rule)


def ordinal_day(dom: int, today: date) -> date | None:
    """The coming day `dom` of a month: this month's, else the next month that has it."""
    found = safe_date(today.year, today.month, dom)
    if found is not None and found >= today:
        return found
    probe = today.replace(day=1)
    for n in range(1, 4):
        nxt = add_months(probe, n)
        found = safe_date(nxt.year, nxt.month, dom) if nxt else None
        if found is not None:
            return found
    return None


_DAY_CUES = frozenset(
    {
        "on",
        "for",
        "to",
        "by",
        "until",
        "til",
        "till",
        "said",
        "meant",
        "it",
        "that",
        "from",
        "before",
        "after",
        "through",
        "thru",
        "mean",
    }
)


def day_of_month(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """ "the 1st of March", "15 of february", "15th February", "the third day of October",
    "the 9th of this month", "20th of the previous month", and a lone "the 11th"."""
    j = i + 1 if word(t, i, "the") else i
    dom = day_number(t, j)
    if dom is None:
        return None
    k = j + 1
    if k < len(t) and t[k].kind == "unit" and t[k].val == "day":
        k += 1
    ref = month_ref(t, k, cal)
    if ref is not None and t[j].kind == "num" and not (t[j].digits or word(t, k, "of")):
        ref = None  # "one in March": a count, not the 1st
    if ref is not None:
        year, month, end, fixed = ref
        rule = "day-of-relative-month" if fixed and t[end - 1].kind == "unit" else "day-of-month"
        return month_date(month, dom, year if fixed else None, end, cal, rule)
    if k < len(t) and t[k].kind == "month" and (t[j].kind == "ord" or t[j].digits):
        if t[k].low in WEAK_MONTHS and not t[k].text[0].isupper() and t[j].kind != "ord":
            return None
        said_year = year_at(t, k + 1)
        end = skip(t, k + 1) + 1 if said_year is not None else k + 1
        return month_date(t[k].n, dom, said_year, end, cal, "day-of-month")
    if t[j].kind != "ord" or time_follows(t, j + 1):
        return None
    if k < len(t) and ((t[k].kind == "w" and t[k].val in NOT_A_DAY) or t[k].kind == "num"):
        return None
    if j == i and not t[j].digits and cal.text.strip(" .,!?").lower() != t[j].low:
        return None  # "on second thought": a word ordinal alone needs "the"
    said_after = (i > 0 and t[i - 1].kind == "w" and t[i - 1].val in _DAY_CUES) or _joined(t, i)
    if j > i and ordinal_guard(t, k, said_after) is not None:
        return None  # "the second house on the left": a rank, not a day
    cued = j > i or said_after
    alone = len(cal.text.strip(" .,!?")) <= len(t[j].text) + 12 and j == i
    if not (cal.expected and (cued or alone)) and not said_after:
        return None
    found = ordinal_day(dom, cal.today)
    if found is None:
        return None
    rolled = found.month != cal.today.month
    return DateMatch(k, found, "next-month" if rolled else "ordinal-day")


_JOINERS = frozenset({"or", ",", "sorry", "actually", "rather", "no", "mean"})


def _joined(t: list[Tok], i: int) -> bool:
    """ "the 8th or 9th", "the 3rd, sorry, 4th": an ordinal offered beside or corrected from
    a day of the month just said."""
    k = i - 1
    seen = False
    while k >= 0 and k >= i - 3 and (t[k].low in _JOINERS or t[k].val == ","):
        seen = seen or t[k].low in _JOINERS
        k -= 1
    return seen and k >= 0 and t[k].kind == "ord"


def numeric_date(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """ "2/15", "12/09/2026", "2026-12-09", "2 - 15" (as an answer about dates)."""
    tok = t[i]
    if tok.kind != "num" or not tok.digits or i + 2 >= len(t):
        return None
    sep = t[i + 1]
    if sep.kind != "p" or sep.val not in ("/", "-") or t[i + 2].kind != "num":
        return None
    if i > 0 and (t[i - 1].kind == "num" or t[i - 1].val in ("-", "/", ".")):
        return None  # part of a longer run: a phone number or a range
    a, b = tok.n, t[i + 2].n
    end = i + 3
    third = None
    if (
        end + 1 < len(t)
        and t[end].kind == "p"
        and t[end].val == sep.val
        and t[end + 1].kind == "num"
    ):
        third = t[end + 1]
        end += 2
        if end < len(t) and t[end].kind == "p" and t[end].val in ("-", "/"):
            return None
    elif end < len(t) and t[end].kind == "p" and t[end].val in ("-", "/") and end + 1 < len(t):
        return None
    if len(tok.text) == 4 and third is not None:  # ISO 2026-12-09
        found = safe_date(a, b, third.n)
        return DateMatch(end, found, "numeric-date", problem=None if found else "date_invalid")
    if sep.val == "-" and third is None and not cal.expected:
        return None  # "12-9" outside an answer about dates: a score, a range
    month, day = (a, b) if cal.month_first else (b, a)
    if third is not None:
        year = third.n + (2000 if len(third.text) == 2 else 0)
        found = safe_date(year, month, day)
        return DateMatch(end, found, "numeric-date", problem=None if found else "date_invalid")
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return month_date(month, day, None, end, cal, "numeric-date")

"""Weekday rules: a weekday and what modifies it.

"Friday" (the coming one), "this / next / last / coming Friday", "Friday after next",
"Wednesday of next week", "next week, maybe Tuesday", "Sunday from last week", "Tuesday the
19th", "Monday, Feb 18", "the weekend", "the first Friday of next month", "the last day of
the month", "the closest Monday to Oct 5th".
"""

from __future__ import annotations

from datetime import date, timedelta

from flowagent.slots.calendar_rules import add_months, monday, safe_date, upcoming
from flowagent.slots.temporal.lexicon import WEAK_WEEKDAYS
from flowagent.slots.temporal.month_rules import month_day, ordinal_day
from flowagent.slots.temporal.readers import (
    NOT_A_DAY,
    Cal,
    DateMatch,
    day_number,
    month_ref,
    part_after,
    skip,
    time_follows,
    word,
)
from flowagent.slots.temporal.tokens import Tok


def _week_ref(t: list[Tok], j: int) -> tuple[int, int] | None:
    """ "(of|from) (this|next|last|the coming|the following) week", "of the week after next"
    → (weeks from this, end)."""
    k = skip(t, j, "of", "from", "on", "in", "the")
    if (
        k + 2 < len(t)
        and t[k].kind == "unit"
        and t[k].val == "week"
        and word(t, k + 1, "after")
        and word(t, k + 2, "next")
        and k > j
    ):
        return 2, k + 3
    if k + 1 < len(t) and t[k + 1].kind == "unit" and t[k + 1].val == "week":
        shift = {
            "this": 0,
            "current": 0,
            "next": 1,
            "coming": 1,
            "following": 1,
            "last": -1,
            "previous": -1,
            "past": -1,
        }.get(str(t[k].val) if t[k].kind == "w" else "")
        if shift is not None:
            return shift, k + 2
    return None


def weekday(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """A weekday and what follows it: "Tuesday the 19th", "Monday, Feb 18", "Friday after
    next", "Wednesday of next week", "Sunday from last week", or the coming one."""
    tok = t[i]
    if tok.kind != "wd" or (
        tok.low.endswith("s")
        and tok.low[:-1]
        in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    ):
        return None
    wd = tok.n
    j = skip(t, i + 1)
    if j < len(t) and t[j].kind == "month":
        inner = month_day(t, j, cal)
        if inner is not None and inner.value is not None:
            return _checked_weekday(wd, inner, cal)
    k = j + 1 if word(t, j, "the") else j
    dom = day_number(t, k)
    if (
        dom is not None
        and (t[k].kind == "ord" or k > j)
        and not time_follows(t, k + 1)
        and not (k + 1 < len(t) and t[k + 1].kind == "w" and t[k + 1].val in NOT_A_DAY)
    ):
        return _weekday_date(wd, dom, k + 1, cal)
    if word(t, i + 1, "after") and word(t, i + 2, "next") and not _week_ahead(t, i + 3):
        return DateMatch(i + 3, upcoming(cal.today, wd) + timedelta(weeks=1), "weekday-after-next")
    if word(t, i + 1, "before", "after", "following") or (
        word(t, i + 1, "prior") and word(t, i + 2, "to")
    ):
        anchored = _anchored(t, i, wd, cal)
        if anchored is not None:
            return anchored
    ref = _week_ref(t, i + 1)
    if ref is not None:
        shift, end = ref
        return DateMatch(end, monday(cal.today, shift) + timedelta(days=wd), "weekday-of-week")
    nxt = t[i + 1] if i + 1 < len(t) else None
    if (
        nxt is not None
        and nxt.kind == "unit"
        and nxt.val in ("week", "fortnight")
        and nxt.start - tok.end <= 1
        and not word(t, i + 2, "of", "after", "before", "from", "ago")
    ):  # British "Friday week": a week on Friday; "Tuesday fortnight"
        weeks = 2 if nxt.val == "fortnight" else 1
        return DateMatch(i + 2, upcoming(cal.today, wd) + timedelta(weeks=weeks), "weekday-week")
    if tok.low in WEAK_WEEKDAYS and not cal.expected and not tok.text[0].isupper():
        return None
    part, end = part_after(t, i + 1)
    return DateMatch(end, upcoming(cal.today, wd), "upcoming-weekday", part=part)


def _week_ahead(t: list[Tok], j: int) -> bool:
    """ "after next week": a week, not "the Friday after next"."""
    return j < len(t) and t[j].kind == "unit" and t[j].val == "week"


def _anchored(t: list[Tok], i: int, wd: int, cal: Cal) -> DateMatch | None:
    """ "the Friday before Christmas", "the Monday after Thanksgiving", "the Wednesday before
    the 4th of July", "the Tuesday after the 15th", "the Monday following Labor Day", "the
    Thursday prior to the 10th": the nearest such weekday strictly before
    or after any date the grammar reads (rule `weekday-anchored`). With no date after it,
    "Friday or the Monday after" counts from the date said before."""
    after = t[i + 1].val in ("after", "following")
    j = i + 3 if t[i + 1].val == "prior" else i + 2  # "prior to"
    anchor = cal.date_at(t, j)
    if anchor is None and cal.last is not None and _ends_phrase(t, j):
        anchor = DateMatch(j + int(word(t, j, "that", "it")), cal.last.value, "")
    if anchor is None or anchor.value is None:
        return None
    day = anchor.value
    if after:
        found = day + timedelta(days=(wd - day.weekday()) % 7 or 7)
    else:
        found = day - timedelta(days=(day.weekday() - wd) % 7 or 7)
    return DateMatch(anchor.end, found, "weekday-anchored", part=anchor.part)


def _ends_phrase(t: list[Tok], j: int) -> bool:
    """Nothing more to the phrase at `j`: the end, punctuation, "that", "it", "then"."""
    return j >= len(t) or t[j].kind == "p" or word(t, j, "that", "it", "then", "instead")


def one_after(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """ "not this Friday but the one after", "the following one", "the next one", "the
    following Friday", "the week after", "not this Friday, next": a week after the weekday
    said before (rule `one-after`)."""
    last = cal.last
    if last is None or last.value is None or last.rule not in _WEEKDAY_BASED:
        return None
    j = i + 1 if word(t, i, "the") else i
    if j == i and word(t, j, "next") and _ends_phrase(t, j + 1):
        end = j + 1  # "not this Friday — next"
    elif _one(t, j) and word(t, j + 1, "after") and _ends_phrase(t, j + 2):
        end = j + 2 + int(word(t, j + 2, "that", "it"))
    elif word(t, j, "following", "next") and _one(t, j + 1):
        end = j + 2
    elif (
        j > i
        and word(t, j, "following")
        and j + 1 < len(t)
        and t[j + 1].kind == "wd"
        and t[j + 1].n == last.value.weekday()
    ):
        end = j + 2  # "not this Friday but the following Friday"
    elif (
        j > i
        and j < len(t)
        and t[j].kind == "unit"
        and t[j].val == "week"
        and word(t, j + 1, "after")
        and _ends_phrase(t, j + 2)
    ):
        end = j + 2 + int(word(t, j + 2, "that", "it"))
    else:
        return None
    return DateMatch(end, last.value + timedelta(weeks=1), "one-after")


def _one(t: list[Tok], j: int) -> bool:
    return j < len(t) and t[j].low == "one"


_WEEKDAY_BASED = frozenset(
    {
        "upcoming-weekday",
        "next-week",
        "weekday-of-week",
        "weekday-after-next",
        "weekday-week",
        "weekday-anchored",
        "one-after",
        "this-weekday",
    }
)


def _checked_weekday(wd: int, inner: DateMatch, cal: Cal) -> DateMatch:
    """ "Monday, Feb 18": the weekday picks the year when the date has none and it matches."""
    assert inner.value is not None
    if inner.value.weekday() == wd:
        return inner
    for year in (cal.today.year, cal.today.year + 1, cal.today.year - 1):
        found = safe_date(year, inner.value.month, inner.value.day)
        if found is not None and found.weekday() == wd and abs((found - cal.today).days) < 300:
            return DateMatch(inner.end, found, "weekday-date")
    near = inner.value - timedelta(days=(inner.value.weekday() - wd + 3) % 7 - 3)
    return DateMatch(inner.end, None, "weekday-date", candidates=tuple(sorted({near, inner.value})))


def _weekday_date(wd: int, dom: int, end: int, cal: Cal) -> DateMatch:
    """ "Wednesday the 2nd": the coming month whose `dom` falls on that weekday; when none
    does within two months, the caller misspoke one of them: offer both readings."""
    first = cal.today.replace(day=1)
    for n in range(3):
        probe = add_months(first, n)
        found = safe_date(probe.year, probe.month, dom) if probe else None
        if found is not None and found >= cal.today and found.weekday() == wd:
            return DateMatch(end, found, "weekday-date")
    said = ordinal_day(dom, cal.today)
    if said is None:
        return DateMatch(end, None, "weekday-date", problem="date_invalid")
    near = said - timedelta(days=(said.weekday() - wd + 3) % 7 - 3)
    return DateMatch(end, None, "weekday-date", candidates=tuple(sorted({near, said})))


def modified(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """this / next / last / coming / past + weekday, week or weekend."""
    mod = str(t[i].val)
    j = i + 1
    if mod == "this" and word(t, j, "coming", "past"):
        mod = "this " + str(t[j].val)
        j += 1
    if j >= len(t):
        return None
    tok = t[j]
    if tok.kind == "wd":
        wd = tok.n
        part, end = part_after(t, j + 1)
        if mod == "next":
            return DateMatch(end, monday(cal.today, 1) + timedelta(days=wd), "next-week", part=part)
        if mod in ("last", "past", "previous", "this past"):
            back = (cal.today.weekday() - wd) % 7 or 7
            return DateMatch(end, cal.today - timedelta(days=back), "last-weekday", part=part)
        if mod == "this":
            if wd == cal.today.weekday():  # "this Monday" said on a Monday: today or next?
                week = cal.today + timedelta(weeks=1)
                return DateMatch(end, None, "this-weekday", candidates=(cal.today, week))
            return DateMatch(end, upcoming(cal.today, wd, True), "upcoming-weekday", part=part)
        if mod in ("coming", "this coming"):
            return DateMatch(end, upcoming(cal.today, wd), "upcoming-weekday", part=part)
        return None
    if tok.kind == "unit" and tok.val == "week" and mod in ("this", "next", "last"):
        # "next week on Tuesday", "next week, maybe Tuesday", "this week Thursday"
        k = skip(
            t,
            j + 1,
            "on",
            "maybe",
            "perhaps",
            "probably",
            "say",
            "like",
            "uh",
            "um",
            "how",
            "about",
            "the",
            "is",
            "fine",
            "good",
            "for",
            "me",
            "then",
            "sometime",
        )
        if k < len(t) and t[k].kind == "wd" and _week_ref(t, k + 1) is None:
            shift = {"this": 0, "next": 1, "last": -1}[mod]
            part, end = part_after(t, k + 1)
            return DateMatch(
                end, monday(cal.today, shift) + timedelta(days=t[k].n), "weekday-of-week", part=part
            )
        return None
    if tok.kind == "w" and tok.val in ("weekend", "weekends") and mod in ("this", "next"):
        return _weekend(j + 1, cal, 1 if mod == "next" else 0)
    return None


def _weekend(end: int, cal: Cal, weeks: int) -> DateMatch:
    today = cal.today
    saturday = monday(today, weeks) + timedelta(days=5)
    days = [d for d in (saturday, saturday + timedelta(days=1)) if d >= today]
    if len(days) == 1:
        return DateMatch(end, days[0], "weekend")
    return DateMatch(end, None, "weekend", candidates=tuple(days))


def the_weekend(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """ "the weekend", "over the weekend": Saturday or Sunday — the caller is asked which;
    "the weekend before Christmas", "the weekend after the 10th": the one before or after
    that date (rule `weekend`)."""
    if not (word(t, i, "the") and word(t, i + 1, "weekend")):
        return None
    if word(t, i + 2, "before", "after"):
        anchor = cal.date_at(t, i + 3)
        if anchor is not None and anchor.value is not None:
            day = anchor.value
            if t[i + 2].val == "after":
                saturday = day + timedelta(days=(5 - day.weekday()) % 7 or 7)
            else:
                saturday = day - timedelta(days=(day.weekday() - 5) % 7 or 7)
                if saturday + timedelta(days=1) >= day:
                    saturday -= timedelta(weeks=1)  # the whole weekend lies before the date
            pair = (saturday, saturday + timedelta(days=1))
            return DateMatch(anchor.end, None, "weekend", candidates=pair)
    return _weekend(i + 2, cal, 0)


_NTH = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}


def _nth_at(t: list[Tok], j: int) -> int | None:
    tok = t[j] if j < len(t) else None
    if tok is None:
        return None
    if tok.kind == "ord" and 1 <= tok.n <= 5:
        return tok.n
    if tok.kind == "w" and tok.val == "last":
        return -1
    return None


def nth_weekday(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """ "the first Friday of next month", "last Monday of March", "first monday in the month",
    "the 5th last day of May", "the last day of the month"."""
    j = i + 1 if word(t, i, "the") else i
    nth = _nth_at(t, j)
    if nth is None:
        return None
    k = j + 1
    from_end = False
    if nth > 0 and word(t, k, "last"):
        from_end, k = True, k + 1
    if k >= len(t):
        return None
    if t[k].kind == "wd" and not from_end:
        ref = month_ref(t, k + 1, cal)
        if ref is None:
            return None
        year, month, end, fixed = ref
        for y in (year, year + 1) if not fixed else (year,):
            days = [
                d
                for d in (safe_date(y, month, n) for n in range(1, 32))
                if d is not None and d.weekday() == t[k].n
            ]
            found = days[-1] if nth == -1 else days[nth - 1] if nth <= len(days) else None
            if found is None:
                return DateMatch(end, None, "nth-weekday", problem="date_invalid")
            if fixed or found >= cal.today:
                return DateMatch(end, found, "nth-weekday" if y == year else "next-year")
        return None
    if t[k].kind == "unit" and t[k].val == "day":
        ref = month_ref(t, k + 1, cal)
        if ref is None:
            return None
        year, month, end, fixed = ref
        for y in (year, year + 1) if not fixed else (year,):
            last = (safe_date(y + month // 12, month % 12 + 1, 1) or date(y, 12, 31)) - timedelta(
                days=1
            )
            if nth == -1:
                found = last
            elif from_end:
                found = last - timedelta(days=nth - 1)
            else:
                found = safe_date(y, month, nth) or last
            if fixed or found >= cal.today:
                return DateMatch(end, found, "nth-day-of-month" if y == year else "next-year")
    return None


def closest_weekday(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """ "the closest Monday to Oct 5th", "the second closest Mon to October fifth"."""
    j = i + 1 if word(t, i, "the") else i
    rank = 1
    if j < len(t) and t[j].kind == "ord" and t[j].n <= 3:
        rank, j = t[j].n, j + 1
    if not (
        word(t, j, "closest", "nearest")
        and j + 2 < len(t)
        and t[j + 1].kind == "wd"
        and word(t, j + 2, "to")
    ):
        return None
    anchor = cal.date_at(t, j + 3)
    if anchor is None or anchor.value is None:
        return None
    wd = t[j + 1].n
    said = anchor.value
    days = [said + timedelta(days=d) for d in range(-21, 22)]
    ranked = sorted((d for d in days if d.weekday() == wd), key=lambda d: abs(d - said))
    return DateMatch(anchor.end, ranked[rank - 1], "closest-weekday")

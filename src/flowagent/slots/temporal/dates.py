"""Date rules: small named compositions of typed tokens, each resolved against today.

A rule is a function `(tokens, i, cal) -> DateMatch | None` that reads the tokens from `i`.
The driver (`analysis.py`) tries the rules for the kind of token at `i` and keeps the longest
match. Rules compose: "the day after <date>", "<N> weeks from <date>" and "the closest
<weekday> to <date>" read their anchor with `match_date` itself, so "three weeks from
tomorrow" and "the day after Thanksgiving" need no rule of their own.

Rule names (reported in `Extraction.rule`): relative-day, day-after, day-before,
upcoming-weekday, this-weekday, next-week, last-weekday, weekday-after-next, weekday-of-week,
weekday-date, weekend, month-day, day-of-month, day-of-relative-month, ordinal-day,
next-month, next-year, nth-weekday, nth-day-of-month, closest-weekday, numeric-date,
counted-weekdays, offset, in-duration, holiday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flowagent.slots.calendar_rules import holiday, safe_date
from flowagent.slots.temporal.lexicon import COUNT_WORDS, WEAK_MONTHS, WEAK_WEEKDAYS
from flowagent.slots.temporal.tokens import Tok


@dataclass(slots=True)
class Cal:
    """What a date rule resolves against: today, and whether a date was asked for."""

    today: date
    expected: bool
    text: str
    month_first: bool = True  # "12/9" is December 9th (US, CA, PH) or 12 September


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


# --- small readers ---------------------------------------------------------------------------


def word(t: list[Tok], j: int, *words: str) -> bool:
    return j < len(t) and t[j].kind == "w" and t[j].val in words


def skip(t: list[Tok], j: int, *words: str) -> int:
    """Index after any run of the filler `words` (and commas) from `j`."""
    while j < len(t) and (
        (t[j].kind == "w" and t[j].val in words) or (t[j].kind == "p" and t[j].val == ",")
    ):
        j += 1
    return j


def _time_follows(t: list[Tok], j: int) -> bool:
    """A number followed by am/pm, o'clock, ':' or "in the morning" is an hour, not a day of
    the month (an ordinal is always a day: "the 8th in the morning")."""
    if j < 1 or t[j - 1].kind == "ord":
        return False
    return j < len(t) and (
        t[j].kind in ("mer", "oclock")
        or (t[j].kind == "p" and t[j].val == ":")
        or (word(t, j, "in") and word(t, j + 1, "the") and j + 2 < len(t)
            and t[j + 2].kind in ("mer", "part"))
    )


_NOT_A_DAY = frozenset(
    {"time", "times", "floor", "one", "ones", "person", "people", "place", "option", "street",
     "st", "avenue", "ave", "grade", "row", "try", "attempt", "visit", "appointment", "choice",
     "thing", "things", "minute", "minutes", "hour", "hours", "slot", "flight", "flights", "part",
     "thought", "leg", "trip", "half", "class", "round", "stop", "step", "priority", "name",
     "date", "day", "week", "month", "year", "of", "ticket", "tickets", "room", "rooms",
     "people", "persons", "guests", "adults", "kids", "children", "of"}
)


def day_number(t: list[Tok], j: int) -> int | None:
    """A day of the month at `j`: an ordinal, or a number 1-31 written as digits or words."""
    if j >= len(t):
        return None
    tok = t[j]
    if tok.kind == "ord" and 1 <= tok.n <= 31:
        return tok.n
    if tok.kind == "num" and 1 <= tok.n <= 31 and len(tok.text) <= 2 or (
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


def upcoming(today: date, wd: int, include_today: bool = False) -> date:
    delta = (wd - today.weekday()) % 7
    if delta == 0 and not include_today:
        delta = 7
    return today + timedelta(days=delta)


def monday(today: date, weeks: int = 0) -> date:
    return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)


def add_months(d: date, n: int) -> date | None:
    y, m = divmod(d.month - 1 + n, 12)
    return safe_date(d.year + y, m + 1, d.day)


def _part_after(t: list[Tok], j: int) -> tuple[str | None, int]:
    """A part of day right after a date ("tomorrow morning", "Saturday in the evening")."""
    k = skip(t, j, "in", "the")
    if k < len(t) and t[k].kind == "part" and t[k].low not in ("tonight", "tonite"):
        return str(t[k].val), k + 1
    return None, j


# --- rules -----------------------------------------------------------------------------------


def relative_day(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """today / tonight / tomorrow / yesterday, and "this morning|afternoon|evening"."""
    tok = t[i]
    if tok.kind == "rel":
        part: str | None = "night" if tok.low.startswith("toni") else None
        end = i + 1
        if part is None:
            part, end = _part_after(t, end)
        return DateMatch(end, cal.today + timedelta(days=tok.n), "relative-day", part=part)
    if word(t, i, "this") and i + 1 < len(t) and t[i + 1].kind == "part":
        return DateMatch(i + 2, cal.today, "relative-day", part=str(t[i + 1].val))
    return None


def day_after(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """ "(the) day after|before <date>": "the day after tomorrow", "day before Christmas"."""
    j = i + 1 if word(t, i, "the") else i
    if not (j + 1 < len(t) and t[j].kind == "unit" and t[j].val == "day"):
        return None
    if not word(t, j + 1, "after", "before"):
        return None
    anchor = match_date(t, j + 2, cal)
    if anchor is None or anchor.value is None:
        return None
    step = 1 if t[j + 1].val == "after" else -1
    rule = "day-after" if step == 1 else "day-before"
    return DateMatch(anchor.end, anchor.value + timedelta(days=step), rule, part=anchor.part)


def _week_ref(t: list[Tok], j: int) -> tuple[int, int] | None:
    """ "(of|from) (this|next|last|the coming|the following) week" → (weeks from this, end)."""
    k = skip(t, j, "of", "from", "on", "in", "the")
    if k + 1 < len(t) and t[k + 1].kind == "unit" and t[k + 1].val == "week":
        shift = {"this": 0, "current": 0, "next": 1, "coming": 1, "following": 1, "last": -1,
                 "previous": -1, "past": -1}.get(str(t[k].val) if t[k].kind == "w" else "")
        if shift is not None:
            return shift, k + 2
    return None


def weekday(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """A weekday and what follows it: "Tuesday the 19th", "Monday, Feb 18", "Friday after
    next", "Wednesday of next week", "Sunday from last week", or the coming one."""
    tok = t[i]
    if tok.kind != "wd" or tok.low.endswith("s") and tok.low[:-1] in (
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
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
    if dom is not None and (t[k].kind == "ord" or k > j) and not _time_follows(t, k + 1):
        if not (k + 1 < len(t) and t[k + 1].kind == "w" and t[k + 1].val in _NOT_A_DAY):
            return _weekday_date(wd, dom, k + 1, cal)
    if word(t, i + 1, "after") and word(t, i + 2, "next"):
        return DateMatch(i + 3, upcoming(cal.today, wd) + timedelta(weeks=1), "weekday-after-next")
    ref = _week_ref(t, i + 1)
    if ref is not None:
        shift, end = ref
        return DateMatch(end, monday(cal.today, shift) + timedelta(days=wd), "weekday-of-week")
    if tok.low in WEAK_WEEKDAYS and not cal.expected and not tok.text[0].isupper():
        return None
    part, end = _part_after(t, i + 1)
    return DateMatch(end, upcoming(cal.today, wd), "upcoming-weekday", part=part)


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
    said = _ordinal_day(dom, cal.today)
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
        part, end = _part_after(t, j + 1)
        if mod == "next":
            return DateMatch(end, monday(cal.today, 1) + timedelta(days=wd), "next-week", part=part)
        if mod in ("last", "past", "previous", "this past"):
            back = (cal.today.weekday() - wd) % 7 or 7
            return DateMatch(end, cal.today - timedelta(days=back), "last-weekday", part=part)
        if mod == "this":
            return DateMatch(end, upcoming(cal.today, wd, True), "upcoming-weekday", part=part)
        if mod in ("coming", "this coming"):
            return DateMatch(end, upcoming(cal.today, wd), "upcoming-weekday", part=part)
        return None
    if tok.kind == "unit" and tok.val == "week" and mod in ("this", "next", "last"):
        # "next week on Tuesday", "next week, maybe Tuesday", "this week Thursday"
        k = skip(t, j + 1, "on", "maybe", "perhaps", "probably", "say", "like", "uh", "um",
                 "how", "about", "the", "is", "fine", "good", "for", "me", "then", "sometime")
        if k < len(t) and t[k].kind == "wd":
            shift = {"this": 0, "next": 1, "last": -1}[mod]
            part, end = _part_after(t, k + 1)
            return DateMatch(end, monday(cal.today, shift) + timedelta(days=t[k].n),
                             "weekday-of-week", part=part)
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
    """ "the weekend", "over the weekend": Saturday or Sunday — the caller is asked which."""
    if word(t, i, "the") and word(t, i + 1, "weekend"):
        return _weekend(i + 2, cal, 0)
    return None


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


def _month_ref(t: list[Tok], j: int, cal: Cal) -> tuple[int, int, int, bool] | None:
    """ "(of|in) March [2027]" / "of this|next|last month" / "of the month" →
    (year, month, end, said-with-a-year-or-relative)."""
    if not word(t, j, "of", "in"):
        return None
    j += 1
    if j < len(t) and t[j].kind == "month":
        month = t[j].n
        k = j + 2 if word(t, j + 1, "the") else j + 1
        if day_number(t, k) is not None and not _time_follows(t, k + 1) and not (
            t[k].kind == "num" and len(t[k].text) == 4
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


_MONTH_SHIFT = {"this": 0, "current": 0, "next": 1, "following": 1, "coming": 1, "last": -1,
                "previous": -1, "past": -1}


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
        ref = _month_ref(t, k + 1, cal)
        if ref is None:
            return None
        year, month, end, fixed = ref
        for y in (year, year + 1) if not fixed else (year,):
            days = [d for d in (safe_date(y, month, n) for n in range(1, 32))
                    if d is not None and d.weekday() == t[k].n]
            found = days[-1] if nth == -1 else days[nth - 1] if nth <= len(days) else None
            if found is None:
                return DateMatch(end, None, "nth-weekday", problem="date_invalid")
            if fixed or found >= cal.today:
                return DateMatch(end, found, "nth-weekday" if y == year else "next-year")
        return None
    if t[k].kind == "unit" and t[k].val == "day":
        ref = _month_ref(t, k + 1, cal)
        if ref is None:
            return None
        year, month, end, fixed = ref
        for y in (year, year + 1) if not fixed else (year,):
            last = (safe_date(y + month // 12, month % 12 + 1, 1) or date(y, 12, 31)) - timedelta(days=1)
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
    if not (word(t, j, "closest", "nearest") and j + 2 < len(t) and t[j + 1].kind == "wd"
            and word(t, j + 2, "to")):
        return None
    anchor = match_date(t, j + 3, cal)
    if anchor is None or anchor.value is None:
        return None
    wd = t[j + 1].n
    days = [anchor.value + timedelta(days=d) for d in range(-21, 22)]
    ranked = sorted((d for d in days if d.weekday() == wd), key=lambda d: abs(d - anchor.value))
    return DateMatch(anchor.end, ranked[rank - 1], "closest-weekday")


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
    if dom is None or _time_follows(t, j + 1):
        return None
    if tok.low in WEAK_MONTHS and not (tok.text[0].isupper() or t[j].kind == "ord"
                                       or cal.expected):
        return None
    if t[j].kind == "num" and j + 1 < len(t) and t[j + 1].kind in ("w", "unit") and (
        t[j + 1].val in _NOT_A_DAY or t[j + 1].kind == "unit"
    ):
        return None
    year = year_at(t, j + 1)
    end = skip(t, j + 1) + 1 if year is not None else j + 1
    return _month_date(tok.n, dom, year, end, cal, "month-day")


def _month_date(month: int, dom: int, year: int | None, end: int, cal: Cal,
                rule: str) -> DateMatch:
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


def _ordinal_day(dom: int, today: date) -> date | None:
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


_DAY_CUES = frozenset({"on", "for", "to", "by", "until", "til", "till", "said", "meant",
                       "it", "that", "from", "before", "after", "through", "thru", "mean"})


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
    ref = _month_ref(t, k, cal)
    if ref is not None and t[j].kind == "num" and not (t[j].digits or word(t, k, "of")):
        ref = None  # "one in March": a count, not the 1st
    if ref is not None:
        year, month, end, fixed = ref
        rule = "day-of-relative-month" if fixed and t[end - 1].kind == "unit" else "day-of-month"
        return _month_date(month, dom, year if fixed else None, end, cal, rule)
    if k < len(t) and t[k].kind == "month" and (t[j].kind == "ord" or t[j].digits):
        if t[k].low in WEAK_MONTHS and not t[k].text[0].isupper() and t[j].kind != "ord":
            return None
        year = year_at(t, k + 1)
        end = skip(t, k + 1) + 1 if year is not None else k + 1
        return _month_date(t[k].n, dom, year, end, cal, "day-of-month")
    if t[j].kind != "ord" or _time_follows(t, j + 1):
        return None
    if k < len(t) and (t[k].kind == "w" and t[k].val in _NOT_A_DAY or t[k].kind == "num"):
        return None
    if j == i and not t[j].digits and not cal.text.strip(" .,!?").lower() == t[j].low:
        return None  # "on second thought": a word ordinal alone needs "the"
    cued = j > i or (i > 0 and t[i - 1].kind == "w" and t[i - 1].val in _DAY_CUES)
    alone = len(cal.text.strip(" .,!?")) <= len(t[j].text) + 12 and j == i
    if not (cal.expected and (cued or alone)) and not (i > 0 and t[i - 1].kind == "w"
                                                         and t[i - 1].val in _DAY_CUES):
        return None
    found = _ordinal_day(dom, cal.today)
    if found is None:
        return None
    rolled = found.month != cal.today.month
    return DateMatch(k, found, "next-month" if rolled else "ordinal-day")


def numeric_date(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """ "2/15", "12/09/2026", "2026-12-09", "2 - 15" (as an answer about dates)."""
    tok = t[i]
    if tok.kind != "num" or not tok.digits or i + 2 >= len(t):
        return None
    sep = t[i + 1]
    if sep.kind != "p" or sep.val not in ("/", "-") or t[i + 2].kind != "num":
        return None
    if i > 0 and t[i - 1].kind in ("num", "p") and t[i - 1].val not in (",", "(", "on"):
        if t[i - 1].kind == "num" or t[i - 1].val in ("-", "/", "."):
            return None  # part of a longer run: a phone number or a range
    a, b = tok.n, t[i + 2].n
    end = i + 3
    third = None
    if end + 1 < len(t) and t[end].kind == "p" and t[end].val == sep.val and t[end + 1].kind == "num":
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
    return _month_date(month, day, None, end, cal, "numeric-date")


def _count_at(t: list[Tok], j: int) -> tuple[int, int] | None:
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


def unit_delta(n: int, unit: str, base: date) -> date | None:
    if unit == "day":
        return base + timedelta(days=n)
    if unit in ("week", "fortnight"):
        return base + timedelta(weeks=n * (2 if unit == "fortnight" else 1))
    if unit == "month":
        return add_months(base, n)
    if unit == "year":
        return safe_date(base.year + n, base.month, base.day)
    return None


def offset(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """ "3 days from now", "three weeks from tomorrow", "a week from Friday", "2 days after
    Christmas", "7 days ago", "a fortnight hence", "two Sundays from now", "2 thursdays ago"."""
    count = _count_at(t, i)
    if count is None:
        if t[i].kind == "unit" and t[i].val == "fortnight":
            count = (1, i)
        else:
            return None
    n, j = count
    if j >= len(t) or (i > 0 and t[i - 1].kind == "w" and t[i - 1].val in ("for", "stay")):
        return None  # "for 3 days from the 2nd": a length of stay starting on the 2nd
    unit_tok = t[j]
    if unit_tok.kind == "wd" and unit_tok.low.endswith("s"):
        k = j + 1
        if word(t, k, "from") and (word(t, k + 1, "now") or (k + 1 < len(t) and t[k + 1].kind == "rel"
                                                            and t[k + 1].n == 0)):
            found = cal.today
            for _ in range(n):
                found = upcoming(found, unit_tok.n)
            return DateMatch(k + 2, found, "counted-weekdays")
        if word(t, k, "ago", "back"):
            found = cal.today
            for _ in range(n):
                found -= timedelta(days=(found.weekday() - unit_tok.n) % 7 or 7)
            return DateMatch(k + 1, found, "counted-weekdays")
        return None
    if unit_tok.kind != "unit" or unit_tok.val in ("minute", "hour"):
        return None
    unit = str(unit_tok.val)
    k = j + 1
    if word(t, k, "ago", "back", "earlier"):
        found = unit_delta(-n, unit, cal.today)
        return DateMatch(k + 1, found, "offset") if found else None
    if unit in ("week", "fortnight") and k < len(t) and (
        t[k].kind == "rel" or t[k].kind == "wd" or (word(t, k, "on") and k + 1 < len(t)
                                                    and t[k + 1].kind == "wd")
    ):
        anchor = match_date(t, k + 1 if word(t, k, "on") else k, cal)  # "a week today"
        if anchor is not None and anchor.value is not None:
            found = unit_delta(n, unit, anchor.value)
            return DateMatch(anchor.end, found, "offset") if found else None
    if word(t, k, "hence", "later"):
        found = unit_delta(n, unit, cal.today)
        return DateMatch(k + 1, found, "offset") if found else None
    if word(t, k, "from", "after", "before"):
        step = -1 if t[k].val == "before" else 1
        if word(t, k + 1, "now") or (t[k].val == "from" and word(t, k + 1, "today")):
            found = unit_delta(n, unit, cal.today)
            return DateMatch(k + 2, found, "offset") if found else None
        anchor = match_date(t, k + 1, cal)
        if anchor is None or anchor.value is None:
            return None
        found = unit_delta(step * n, unit, anchor.value)
        return DateMatch(anchor.end, found, "offset") if found else None
    return None


def in_duration(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """ "in 3 days", "in a week", "in a couple of weeks", "in two months", "within a day"."""
    if not word(t, i, "in"):
        return None
    count = _count_at(t, i + 1)
    if count is None:
        return None
    n, j = count
    if j < len(t) and t[j].kind == "unit" and t[j].val not in ("minute", "hour"):
        if word(t, j + 1, "from", "after", "before"):
            return None  # "in a week from today": the offset rule reads it from "a"
        found = unit_delta(n, str(t[j].val), cal.today)
        return DateMatch(j + 1, found, "in-duration") if found else None
    return None


_HOLIDAYS = (
    ("christmas eve",), ("christmas day",), ("christmas",), ("xmas",), ("thanksgiving day",),
    ("thanksgiving",), ("halloween",), ("new year's eve",), ("new years eve",),
    ("new year's day",), ("new years day",), ("new year's",), ("new years",),
    ("valentine's day",), ("valentines day",), ("valentine's",), ("valentines",),
    ("independence day",), ("memorial day",), ("labor day",), ("labour day",),
    ("veterans day",), ("veteran's day",), ("st patrick's day",), ("st patricks day",),
    ("saint patrick's day",), ("st patrick's",), ("saint patrick's",),
)


def holiday_name(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """US holidays callers name: "Thanksgiving", "Christmas Eve", "New Year's Day", ..."""
    if t[i].kind != "holiday":
        return None
    words = []
    j = i
    while j < len(t) and len(words) < 3:
        if t[j].kind == "p" and t[j].val == ".":
            j += 1
            continue
        words.append(t[j].low.replace("’", "'"))
        j += 1
    for (name,) in _HOLIDAYS:
        parts = name.split()
        if words[: len(parts)] == parts:
            end, seen = i, 0
            while seen < len(parts):
                if not (t[end].kind == "p" and t[end].val == "."):
                    seen += 1
                end += 1
            key = name.replace("xmas", "christmas").replace("saint", "st").replace("labour", "labor")
            key = key.replace("new years", "new year's").replace("valentines", "valentine's")
            found = holiday(key.replace("st patrick", "patrick"), cal.today)
            return DateMatch(end, found, "holiday") if found else None
    return None


#: Rules by the kind (or, for plain words, the word) of the token they start at.
_BY_KIND = {
    "rel": (relative_day,),
    "wd": (weekday,),
    "month": (month_day,),
    "ord": (day_of_month, nth_weekday, closest_weekday),
    "num": (numeric_date, day_of_month, offset),
    "holiday": (holiday_name,),
    "unit": (day_after, offset),
}
_BY_WORD = {
    "the": (day_of_month, nth_weekday, day_after, closest_weekday, the_weekend),
    "this": (relative_day, modified),
    "next": (modified,),
    "last": (modified, nth_weekday),
    "past": (modified,),
    "previous": (modified,),
    "coming": (modified,),
    "in": (in_duration,),
    "a": (offset,),
    "an": (offset,),
    "one": (offset,),
    "couple": (offset,),
    "few": (offset,),
    "closest": (closest_weekday,),
    "nearest": (closest_weekday,),
}


def match_date(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """The longest date any rule reads from token `i`, or None."""
    if i >= len(t):
        return None
    tok = t[i]
    rules = _BY_WORD.get(str(tok.val), ()) if tok.kind == "w" else _BY_KIND.get(tok.kind, ())
    best: DateMatch | None = None
    for rule in rules:
        found = rule(t, i, cal)
        if found is not None and (best is None or found.end > best.end):
            best = found
    if best is not None:
        best.start = i
    return best

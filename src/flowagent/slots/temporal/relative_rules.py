"""Relative rules: days counted from today or from another date.

"today", "tonight", "tomorrow morning", "this afternoon", "the day after tomorrow", "the day
before Christmas", "3 days from now", "three weeks from tomorrow", "a week from Friday", "a
week today", "two Sundays from now", "7 days ago", "a fortnight hence", "in 3 days", and US
holidays by name. An anchor ("from Friday", "after Thanksgiving") is any date the grammar
reads, so these compose.
"""

from __future__ import annotations

from datetime import timedelta

from flowagent.slots.calendar_rules import holiday, unit_delta, upcoming
from flowagent.slots.temporal.readers import Cal, DateMatch, count_at, part_after, word
from flowagent.slots.temporal.tokens import Tok


def relative_day(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """today / tonight / tomorrow / yesterday, and "this morning|afternoon|evening"."""
    tok = t[i]
    if tok.kind == "rel":
        part: str | None = "night" if tok.low.startswith("toni") else None
        end = i + 1
        if part is None:
            part, end = part_after(t, end)
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
    anchor = cal.date_at(t, j + 2)
    if anchor is None and j > i and cal.last is not None and cal.last.value is not None:
        nxt = t[j + 2] if j + 2 < len(t) else None
        if nxt is None or nxt.kind == "p" or word(t, j + 2, "that", "then", "instead"):
            # "tomorrow or the day after": the day after the date said before
            end = j + 2 + int(word(t, j + 2, "that"))
            anchor = DateMatch(end, cal.last.value, "")
    if anchor is None or anchor.value is None:
        return None
    step = 1 if t[j + 1].val == "after" else -1
    rule = "day-after" if step == 1 else "day-before"
    return DateMatch(anchor.end, anchor.value + timedelta(days=step), rule, part=anchor.part)


def offset(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """ "3 days from now", "three weeks from tomorrow", "a week from Friday", "2 days after
    Christmas", "7 days ago", "a fortnight hence", "two Sundays from now", "2 thursdays ago"."""
    count = count_at(t, i)
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
        if word(t, k, "from") and (
            word(t, k + 1, "now") or (k + 1 < len(t) and t[k + 1].kind == "rel" and t[k + 1].n == 0)
        ):
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
        moved = unit_delta(-n, unit, cal.today)
        return DateMatch(k + 1, moved, "offset") if moved else None
    if (
        unit in ("week", "fortnight")
        and k < len(t)
        and (
            t[k].kind == "rel"
            or t[k].kind == "wd"
            or (word(t, k, "on") and k + 1 < len(t) and t[k + 1].kind == "wd")
        )
    ):
        anchor = cal.date_at(t, k + 1 if word(t, k, "on") else k)  # "a week today"
        if anchor is not None and anchor.value is not None:
            moved = unit_delta(n, unit, anchor.value)
            return DateMatch(anchor.end, moved, "offset") if moved else None
    if word(t, k, "hence", "later"):
        moved = unit_delta(n, unit, cal.today)
        return DateMatch(k + 1, moved, "offset") if moved else None
    if word(t, k, "from", "after", "before"):
        step = -1 if t[k].val == "before" else 1
        if word(t, k + 1, "now") or (t[k].val == "from" and word(t, k + 1, "today")):
            moved = unit_delta(n, unit, cal.today)
            return DateMatch(k + 2, moved, "offset") if moved else None
        anchor = cal.date_at(t, k + 1)
        if anchor is None or anchor.value is None:
            return None
        moved = unit_delta(step * n, unit, anchor.value)
        return DateMatch(anchor.end, moved, "offset") if moved else None
    return None


def in_duration(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """ "in 3 days", "in a week", "in a couple of weeks", "in two months", "within a day"."""
    if not word(t, i, "in"):
        return None
    count = count_at(t, i + 1)
    if count is None:
        return None
    n, j = count
    if j < len(t) and t[j].kind == "unit" and t[j].val not in ("minute", "hour"):
        if word(t, j + 1, "from", "after", "before"):
            return None  # "in a week from today": the offset rule reads it from "a"
        moved = unit_delta(n, str(t[j].val), cal.today)
        return DateMatch(j + 1, moved, "in-duration") if moved else None
    return None


_HOLIDAYS = (
    ("christmas eve",),
    ("christmas day",),
    ("christmas",),
    ("xmas",),
    ("thanksgiving day",),
    ("thanksgiving",),
    ("halloween",),
    ("new year's eve",),
    ("new years eve",),
    ("new year's day",),
    ("new years day",),
    ("new year's",),
    ("new years",),
    ("valentine's day",),
    ("valentines day",),
    ("valentine's",),
    ("valentines",),
    ("independence day",),
    ("memorial day",),
    ("labor day",),
    ("labour day",),
    ("veterans day",),
    ("veteran's day",),
    ("st patrick's day",),
    ("st patricks day",),
    ("saint patrick's day",),
    ("st patrick's",),
    ("saint patrick's",),
)


def holiday_name(t: list[Tok], i: int, cal: Cal) -> DateMatch | None:
    """US holidays callers name: "Thanksgiving", "Christmas Eve", "New Year's Day", ..."""
    if t[i].kind != "holiday":
        return None
    words: list[str] = []
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
            key = (
                name.replace("xmas", "christmas").replace("saint", "st").replace("labour", "labor")
            )
            key = key.replace("new years", "new year's").replace("valentines", "valentine's")
            found = holiday(key.replace("st patrick", "patrick"), cal.today)
            return DateMatch(end, found, "holiday") if found else None
    return None


#: Rules by the kind (or, for plain words, the word) of the token they start at.

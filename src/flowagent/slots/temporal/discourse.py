"""Date rules that read the rest of the sentence, applied after every date in it is read.

- `past-weekday` / `past-date`: a weekday, or a day of the month the grammar would move to
  the next month or year, said in the past tense is the last one, so `not_past` can answer it:
  "I came in on Saturday and...", "my last cleaning was Friday", "it's been hurting since
  Monday", "I was in on the 10th". Cues: past-tense verbs (was, came, had, did, went, ...),
  "since", and "last" as an adjective ("my last visit was Friday"); not "I was hoping for
  Friday" or "did you have Friday?", which ask about days to come.
- `weekday-of-week` at a distance: a week said before a weekday scopes it even with words
  between: "next week sometime, maybe Thursday", "any day next week except Monday, so Tuesday",
  "the week after next, say Tuesday". A week the caller rules out ("not next week", "I'm
  away next week") scopes nothing.
- `weekday-date` beside an explicit date: "the 16th, Wednesday", "January 2nd, if you're open
  that Saturday", "December 21st, that's a Monday right?": the explicit date wins when the
  weekday agrees with it; when it does not, both readings are candidates and the flow asks.
  "the 30th, unless that's a Saturday" is the date when it is not that weekday, else nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from flowagent.slots.calendar_rules import add_months, monday, safe_date
from flowagent.slots.temporal.lexicon import words
from flowagent.slots.temporal.readers import Cal, DateMatch
from flowagent.slots.temporal.tokens import Tok

#: Rules whose value is a weekday the caller named (the weekday can be compared or re-scoped).
WEEKDAY_RULES = frozenset(
    {"upcoming-weekday", "next-week", "weekday-of-week", "weekday-after-next", "weekday-week"}
)
#: Rules whose value is a day of the month the caller named.
EXPLICIT_RULES = frozenset(
    {
        "month-day",
        "day-of-month",
        "ordinal-day",
        "next-month",
        "next-year",
        "numeric-date",
        "day-of-relative-month",
    }
)

_PAST_CUES = words(
    """
    was were came had did went happened broke began saw took brought fell been since last
    previous spoke
    """
)
#: Past forms that are also participles or adjectives ("a restaurant called Nopa", "tickets
#: left", "a cracked tooth"): a cue only right after a pronoun ("I called on Friday").
_PAST_AFTER_A_PRONOUN = words(
    """
    called left fixed cleaned checked replaced installed cracked dropped noticed started
    stopped visited finished missed talked
    """
)
_PRONOUNS = words("i we he she they you someone somebody it")
#: Words after was/were/had that make them about days to come: "I was hoping for Friday",
#: "I was told to come Friday", "I had to move Tuesday" (and any "-ing": "I was referring to
#: the 14th").
_NOT_PAST_AFTER = words("told supposed able asked to gonna wanted hoped planned meant")
_ADVERBS = words("actually really just kind sort of only also still originally")
#: A subject after a clause-initial was/were/did/had asks a question: "did you have Friday?",
#: "was there anything Saturday?" ("I was there Saturday" tells what happened).
_SUBJECTS = frozenset(
    ["you", "we", "they", "he", "she", "it", "there", "anyone", "someone", "somebody", "anything"]
)
_QUESTION_WORDS = words("what when where which how why who")
_CLAUSE_BREAKS = words(
    """
    but so and can could would will want need please now next if maybe then
    """
)
_STOP_PUNCT = frozenset({".", "?", "!", ";"})


def past_tense(t: list[Tok], dates: list[DateMatch], cal: Cal) -> None:
    """Resolve a bare weekday, or a day of the month whose month or year the grammar moved
    forward, said in the past tense to the last such day (in place)."""
    for d in dates:
        if d.value is None:
            continue
        if d.rule == "upcoming-weekday" and t[d.start].kind == "wd":
            if _past_cue_before(t, d.start):
                back = (cal.today.weekday() - d.value.weekday()) % 7 or 7
                d.value = cal.today - timedelta(days=back)
                d.rule, d.past = "past-weekday", True
        elif d.rule in _MOVED_FORWARD and d.value > cal.today and _past_cue_before(t, d.start):
            earlier = _last_before(d, cal.today)
            if earlier is not None:  # "I came in on the 10th", "my last visit was November 2nd"
                d.value, d.rule, d.past = earlier, "past-date", True


#: Rules that move a day of the month forward to the next month or year that has it.
_MOVED_FORWARD = frozenset({"ordinal-day", "next-month", "next-year", "month-day"})


def _last_before(d: DateMatch, today: date) -> date | None:
    """The last day before `today` with the month and day (month-day rules) or the day of the
    month (ordinal rules) of `d.value`."""
    assert d.value is not None
    if d.rule in ("next-year", "month-day"):
        for year in (today.year, today.year - 1):
            found = safe_date(year, d.value.month, d.value.day)
            if found is not None and found < today:
                return found
        return None
    probe = today.replace(day=1)
    for n in range(0, -4, -1):
        month = add_months(probe, n)
        found = safe_date(month.year, month.month, d.value.day) if month else None
        if found is not None and found < today:
            return found
    return None


def _past_cue_before(t: list[Tok], i: int) -> bool:
    j = i - 1
    while j >= 0 and j >= i - 8:
        tok = t[j]
        if tok.kind == "p" and tok.val in _STOP_PUNCT:
            return False
        low = tok.low
        if low in _CLAUSE_BREAKS:
            return False
        if low in _PAST_AFTER_A_PRONOUN and j > 0 and t[j - 1].low in _PRONOUNS:
            return True
        if low in _PAST_CUES and not (low == "last" and j == i - 1):
            k = j + 1
            while k < len(t) and t[k].low in _ADVERBS:
                k += 1
            nxt = t[k].low if k < len(t) else ""
            if not (
                nxt in _NOT_PAST_AFTER
                or (nxt.endswith("ing") and low in ("was", "were"))
                or (nxt in _SUBJECTS and _opens_clause(t, j))
            ):
                return True
        j -= 1
    return False


def _opens_clause(t: list[Tok], j: int) -> bool:
    prev = t[j - 1] if j > 0 else None
    return (
        prev is None
        or (prev.kind == "p" and prev.val in _STOP_PUNCT | {","})
        or prev.low in _QUESTION_WORDS
        or prev.low in _CLAUSE_BREAKS
    )


_WEEK_SHIFT = {"this": 0, "current": 0, "next": 1, "coming": 1, "following": 1}
_RULED_OUT = words(
    """
    not n't except away busy unavailable cannot can't won't out than
    """
)


def week_scope(t: list[Tok], dates: list[DateMatch], cal: Cal, weeks: list[int]) -> list[DateMatch]:
    """Put a bare weekday in the week said before it, words between or not. `weeks`: the
    indexes of the tokens "week". "the week of the 7th" names a week, not the 7th: that date
    is dropped and scopes the weekdays after it ("the week of the 7th, maybe Wednesday")."""
    if not weeks:
        return dates
    scopes = _week_scopes(t, weeks)
    named = _weeks_of(t, dates, weeks, cal)
    if named:
        scopes = sorted(scopes + [(s, e, shift) for s, e, shift, _ in named], key=lambda x: x[1])
        dropped = {id(m) for *_, m in named}
        dates = [d for d in dates if id(d) not in dropped]
    if not scopes:
        return dates
    # One pass in order: the last week said before each weekday, unless another day was
    # said after that week ("next week I'm away, the 3rd works, Friday?": not scoped).
    k, current, other_day = 0, None, -1
    for d in dates:
        while k < len(scopes) and scopes[k][1] <= d.start:
            current, k = scopes[k], k + 1
        if d.rule not in WEEKDAY_RULES:
            other_day = d.end
        if d.rule != "upcoming-weekday" or d.value is None or t[d.start].kind != "wd":
            continue
        if current is None or other_day > current[1]:
            continue  # no week said before it, or another day said between
        d.value = monday(cal.today, current[2]) + timedelta(days=d.value.weekday())
        d.rule = "weekday-of-week"
    return dates


def _weeks_of(
    t: list[Tok], dates: list[DateMatch], weeks: list[int], cal: Cal
) -> list[tuple[int, int, int, DateMatch]]:
    """(start, end, weeks from this one, the date) of each "week of <date>"."""
    found = []
    starting = {d.start: d for d in dates}
    for k in weeks:
        if k + 1 < len(t) and t[k + 1].low == "of":
            m = starting.get(k + 2)
            if m is not None and m.value is not None:
                shift = (monday(m.value) - monday(cal.today)).days // 7
                found.append((k, m.end, shift, m))
    return found


def _week_scopes(t: list[Tok], weeks: list[int]) -> list[tuple[int, int, int]]:
    """(start, end, weeks from this one) of each week said outside a date reading: "next
    week", "this week", "the following week", "the week after next"."""
    found: list[tuple[int, int, int]] = []
    for k in weeks:
        if k == 0:
            continue
        start, end, shift = -1, k + 1, 0
        prev = t[k - 1]
        if prev.kind == "w" and prev.val in _WEEK_SHIFT:
            start, shift = k - 1, _WEEK_SHIFT[str(prev.val)]
            if start > 0 and t[start - 1].val == "the":
                start -= 1
        if k + 2 < len(t) and t[k + 1].val == "after" and t[k + 2].val == "next":
            start = k - 1 if prev.val == "the" else k
            end, shift = k + 3, 2
        if start < 0:
            continue  # ("week" tokens inside a date reading are not in `weeks`)
        if _ruled_out(t, start):
            continue
        found.append((start, end, shift))
    return found


def _ruled_out(t: list[Tok], start: int) -> bool:
    """ "not next week", "I'm away next week", "other than this week" (up to a "but")."""
    for j in range(start - 1, max(-1, start - 5), -1):
        tok = t[j]
        if tok.low == "but" or (tok.kind == "p" and tok.val in _STOP_PUNCT):
            return False
        if tok.low in _RULED_OUT:
            return True
    return False


_NOT_THE_SAME_DAY = words(
    """
    or either and but also not instead rather sorry no actually then plus
    """
)


def weekday_beside_date(t: list[Tok], dates: list[DateMatch], cal: Cal) -> list[DateMatch]:
    """Join a weekday said beside an explicit date into one reading: the date when the
    weekday agrees, both readings as candidates when it does not."""
    if len(dates) < 2:
        return dates
    out: list[DateMatch] = []
    k = 0
    while k < len(dates):
        a = dates[k]
        b = dates[k + 1] if k + 1 < len(dates) else None
        if b is not None and a.value is not None and b.value is not None:
            pair = _weekday_and_date(a, b)
            if pair is not None and _same_day_gap(t, a.end, b.start):
                wd, said = pair
                span = min(a.start, b.start), max(a.end, b.end)
                if any(tok.low == "unless" for tok in t[a.end : b.start]):
                    # "the 30th, unless that's a Saturday": the date, if it is not that day
                    day, other = said.value, wd.value
                    if day is not None and other is not None and day.weekday() != other.weekday():
                        out.append(DateMatch(span[1], day, said.rule, start=span[0]))
                else:
                    out.append(_agree(wd, said, *span))
                k += 2
                continue
        out.append(a)
        k += 1
    return out


def _weekday_and_date(a: DateMatch, b: DateMatch) -> tuple[DateMatch, DateMatch] | None:
    for wd, said in ((a, b), (b, a)):
        if wd.rule in WEEKDAY_RULES and said.rule in EXPLICIT_RULES and not wd.past:
            return wd, said
    return None


def _same_day_gap(t: list[Tok], a_end: int, b_start: int) -> bool:
    gap = t[a_end:b_start]
    return len(gap) <= 8 and not any(tok.low in _NOT_THE_SAME_DAY for tok in gap)


def _agree(wd: DateMatch, said: DateMatch, start: int, end: int) -> DateMatch:
    assert wd.value is not None
    assert said.value is not None
    day: date = said.value
    weekday = wd.value.weekday()
    if day.weekday() == weekday:
        return DateMatch(end, day, said.rule, part=said.part or wd.part, start=start)
    near = day - timedelta(days=(day.weekday() - weekday + 3) % 7 - 3)
    return DateMatch(end, None, "weekday-date", candidates=tuple(sorted({near, day})), start=start)

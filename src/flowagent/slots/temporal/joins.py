"""How two readings of one type are joined: offered as alternatives, or one corrects the other.

"Wednesday or Thursday", "the 8th or the 9th", "10 or 10:30", "around 4, 4:30", "today at 3
or tomorrow at 3": the caller offers a choice, so both values are candidates and the flow asks
(rule `alternatives`). "at 3, sorry, 4", "Wednesday, or rather Thursday", "3 — no wait, 4",
"the 3rd, I mean the 4th": the later value replaces the earlier one (rule `correction`). A
correction cue outweighs an "or" ("or rather", "or actually", "or I mean"). A range ("between
2 and 4", "from Tuesday to Thursday") offers its ends: the flow asks rather than take one.

`link` reads only the words *between* two readings, skipping readings of the other type ("today
at 3 or tomorrow": the dates are joined by "or"). Every word between must be a joiner or
filler; anything else ("Tuesday is booked so Wednesday") joins nothing, and the later value
wins as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from flowagent.slots.calendar_rules import safe_date
from flowagent.slots.temporal.lexicon import words
from flowagent.slots.temporal.readers import Cal, DateMatch
from flowagent.slots.temporal.tokens import Tok

ALTERNATIVE = "alternatives"
CORRECTION = "correction"
RANGE = "range"  # offered like alternatives; its ends are candidates

_OR_WORDS = frozenset({"or", "either", "otherwise", "alternatively", "whichever"})
_ALT_FILLER = words(
    """
    or either otherwise alternatively else whichever if not failing that maybe perhaps
    possibly probably even also the on at around about by for in like say um uh er then just
    how what is would be fine good ok okay works work could we do i can you or's else's
    """
)
_CORRECTION_CUES = words(
    """
    sorry no nope nah wait actually mean meant rather make change switch scratch correction
    oops instead wrong
    """
)
_CORRECTION_FILLER = _CORRECTION_CUES | words(
    """
    i it that to do let me let's lets say said hold on um uh er oh hmm the at around about
    by for in or not can we like it's that's better yeah well hang one sec my bad i'm im
    make
    """
)
_LIST_PUNCT = frozenset({",", "/"})
_PUNCT_OK = frozenset({",", "/", ".", "-", "–", "—", "!", "?", ";", ":", "...", "…"})


def link(
    t: Sequence[Tok],
    a: tuple[int, int],
    b: tuple[int, int],
    other: Mapping[int, int],
    spans: bool = True,
) -> str | None:
    """How the readings at tokens `a` and `b` ((start, end), in order) are joined:
    `ALTERNATIVE`, `CORRECTION`, `RANGE` or None. `other`: the other type's readings, start
    token → end token, skipped ("today at 3 or tomorrow"). `spans`: "from A to B" is a range
    (times); for dates it is a stay or a rental — two values, not a choice — and only "between
    A and B" offers a range."""
    a_start, a_end = a
    b_start, b_end = b
    if b_start <= a_end:
        return None
    words: list[str] = []
    punct: list[str] = []
    j = a_end
    while j < b_start:
        skip_to = other.get(j)
        if skip_to is not None:
            j = skip_to
            continue
        tok = t[j]
        if tok.kind == "p":
            if tok.val not in _PUNCT_OK:
                return None
            punct.append(str(tok.val))
        elif tok.kind in ("w", "mer"):
            words.append(tok.low)
        else:
            return None  # a number, a part of day, a unit between: not a plain join
        j += 1
    if len(words) > 7:
        return None
    if any(w in _CORRECTION_CUES for w in words) and all(w in _CORRECTION_FILLER for w in words):
        return CORRECTION
    if words in (["and"], ["to"], ["till"], ["until"], ["through"], ["thru"]) and _range_opens(
        t, a_start, words[0], spans
    ):
        return RANGE  # "between 2 and 4", "from 9 to 11": a range, the flow asks
    offered = (
        any(w in _OR_WORDS for w in words)
        or "if not" in " ".join(words)
        or (("also" in words or _too_after(t, b_end)) and all(w in _ALSO_FILLER for w in words))
    )  # "Wednesday works, Thursday too", "3, and also 4"
    if offered and all(w in _ALT_FILLER for w in words):
        return ALTERNATIVE  # "Wednesday or Thursday", "Monday? If not, Tuesday"
    if not words and punct and all(p in _LIST_PUNCT for p in punct) and not _denied(t, a_start):
        return ALTERNATIVE  # "around 4, 4:30", "Monday, Tuesday or Wednesday"
    return None


_ALSO_FILLER = words("and also works work is would be fine good ok okay i could can do the on at")


def _too_after(t: Sequence[Tok], j: int) -> bool:
    """ "Thursday too", "Thursday works too", "4 would be fine as well"."""
    while j < len(t) and t[j].low in ("works", "would", "be", "is", "fine", "good", "also", "ok"):
        if t[j].low == "also":
            return True
        j += 1
    return j < len(t) and (
        t[j].low == "too" or (t[j].low == "as" and j + 1 < len(t) and t[j + 1].low == "well")
    )


def _range_opens(t: Sequence[Tok], start: int, joiner: str, spans: bool) -> bool:
    """ "between A and B", "from A to B", "anywhere from A till B"."""
    j = start - 1
    while j >= 0 and t[j].low in ("at", "the", "on"):
        j -= 1
    if j < 0:
        return False
    return (t[j].low == "between" and joiner == "and") or (
        spans and t[j].low == "from" and joiner != "and"
    )


_DENIALS = frozenset({"not", "isn't", "n't", "except", "than", "instead", "no"})


def _denied(t: Sequence[Tok], start: int) -> bool:
    """ "not Tuesday, Wednesday": the first is set aside, the comma does not list them."""
    j = start - 1
    while j >= 0 and j >= start - 3 and t[j].low in ("on", "at", "the", "for", "a"):
        j -= 1
    return j >= 0 and t[j].low in _DENIALS


#: Rules that read a day of the month alone ("the 9th"): said as an alternative to a date with
#: a month ("March 3rd or 4th", "the 3rd or the 4th of March"), they take that month.
_BARE_DAY = frozenset({"ordinal-day", "next-month"})
_WITH_MONTH = frozenset({"month-day", "day-of-month", "next-year", "day-of-relative-month"})
#: Rules that put a weekday in a given week: "next Tuesday or Wednesday" is next week's too.
_IN_A_WEEK = frozenset({"next-week", "weekday-of-week", "weekday-after-next", "weekday-week"})


def group_dates(
    t: Sequence[Tok], dates: list[DateMatch], other: Mapping[int, int], cal: Cal
) -> list[tuple[DateMatch, tuple[DateMatch, ...]]]:
    """Dates as the caller meant them: a correction replaces the date before it; dates
    offered as alternatives become one match with candidates (rule `alternatives`) and their
    members, in the order said."""
    if len(dates) < 2:
        return [(d, ()) for d in dates]
    out: list[tuple[DateMatch, tuple[DateMatch, ...]]] = []
    k = 0
    while k < len(dates):
        chain = [dates[k]]
        while k + 1 < len(dates):
            nxt = dates[k + 1]
            kind = link(t, (dates[k].start, dates[k].end), (nxt.start, nxt.end), other, False)
            if kind is None:
                break
            if kind == CORRECTION:  # replaces all it corrects: "Tuesday or Wednesday, no, Friday"
                chain = [dates[k + 1]]
                chain[-1].rule = CORRECTION
            else:
                if kind == RANGE:
                    _ascending(chain[-1], dates[k + 1], cal)
                chain.append(dates[k + 1])
            k += 1
        k += 1
        if len(chain) == 1:
            out.append((chain[0], ()))
            continue
        _share_month_and_week(chain, cal)
        values = list(
            dict.fromkeys(v for m in chain for v in ((m.value,) if m.value else m.candidates))
        )
        start, end = chain[0].start, chain[-1].end
        if not values:
            out.append((chain[-1], ()))
        elif len(values) == 1:
            out.append((DateMatch(end, values[0], chain[0].rule, start=start), tuple(chain)))
        else:
            merged = DateMatch(
                end, None, ALTERNATIVE, candidates=tuple(sorted(values)), start=start
            )
            out.append((merged, tuple(chain)))
    return _drop_conditional_repeats(t, out)


_CONDITIONS = frozenset({"if", "unless", "assuming", "provided", "case", "when"})


def _drop_conditional_repeats(
    t: Sequence[Tok], found: list[tuple[DateMatch, tuple[DateMatch, ...]]]
) -> list[tuple[DateMatch, tuple[DateMatch, ...]]]:
    """ "Monday, or Tuesday if Monday's full": a date already said, repeated in a condition,
    is a reference to it, not a new value that replaces the others."""
    out: list[tuple[DateMatch, tuple[DateMatch, ...]]] = []
    said: set[date] = set()
    for match, members in found:
        days = {match.value} if match.value is not None else set(match.candidates)
        before = {tok.low for tok in t[max(0, match.start - 3) : match.start]}
        if out and days and days <= said and before & _CONDITIONS:
            continue
        said |= days
        out.append((match, members))
    return out


def _ascending(a: DateMatch, b: DateMatch, cal: Cal) -> None:
    """ "from Monday to Wednesday" said on a Monday starts today, not next week."""
    if a.value is not None and b.value is not None and a.value > b.value:
        earlier = a.value - timedelta(weeks=1)
        if a.rule == "upcoming-weekday" and earlier >= cal.today:
            a.value = earlier


def _share_month_and_week(chain: list[DateMatch], cal: Cal) -> None:
    """ "March 3rd or 4th" → March 4th; "next Tuesday or Wednesday" → next week's Wednesday."""
    with_month = _nearest(chain, _WITH_MONTH)
    in_a_week = _nearest(chain, _IN_A_WEEK)
    for i, m in enumerate(chain):
        if m.value is None:
            continue
        if m.rule in _BARE_DAY:
            ref = with_month[i]
            if ref is not None and ref.value is not None:
                m.value = safe_date(ref.value.year, ref.value.month, m.value.day) or m.value
                m.rule = ref.rule
        elif m.rule == "upcoming-weekday":
            ref = in_a_week[i]
            if ref is not None and ref.value is not None:
                week_start = ref.value - timedelta(days=ref.value.weekday())
                m.value = week_start + timedelta(days=m.value.weekday())
                m.rule = "weekday-of-week"


def _nearest(chain: list[DateMatch], rules: frozenset[str]) -> list[DateMatch | None]:
    """For each member, the nearest other member read by one of `rules` (two passes)."""
    n = len(chain)
    left: list[int] = [-1] * n
    right: list[int] = [-1] * n
    seen = -1
    for i in range(n):
        left[i] = seen
        if chain[i].rule in rules:
            seen = i
    seen = -1
    for i in range(n - 1, -1, -1):
        right[i] = seen
        if chain[i].rule in rules:
            seen = i
    out: list[DateMatch | None] = []
    for i in range(n):
        a, b = left[i], right[i]
        if a < 0 and b < 0:
            out.append(None)
        elif b < 0 or (a >= 0 and i - a <= b - i):
            out.append(chain[a])
        else:
            out.append(chain[b])
    return out

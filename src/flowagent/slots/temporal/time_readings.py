"""From time matches to the times a caller meant: which bare numbers are times, AM/PM, and
how times said together join.

A certain time ("4:30", "3pm", "quarter past 3") counts as said. A bare number counts when a
cue says it is a time ("at 3", "around 4"), when a part of day is said next to it ("afternoon
3", "Saturday morning at 9"), when it is joined to a time that counts ("10 or 10:30", "at 3,
sorry, 4"), or when it is the whole answer to "what time?" — unless a guard (`guards.py`)
says it is something else ("room 204", "my daughter is 8", "the 2 for 1 special").

Times joined as alternatives ("3 or 4pm", "around 4, 4:30") share a meridiem or part of day
said with one of them and become one reading with candidates (rule `alternatives`); a time
corrected to a bare number ("at 3pm, sorry, 4") is replaced by it, read with the same AM/PM
(rule of the new time). A cued number beside a certain time that it is not joined to ("5:30
pm ... I have something else at 2") is dropped: the certain time is the answer.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import pairwise

from flowagent.slots.base import ExtractContext
from flowagent.slots.temporal.ampm import settle
from flowagent.slots.temporal.guards import time_guard
from flowagent.slots.temporal.joins import ALTERNATIVE, CORRECTION, RANGE, link
from flowagent.slots.temporal.readers import DateMatch
from flowagent.slots.temporal.times import _SOFT_CUES, _STRONG_CUES, TimeMatch
from flowagent.slots.temporal.tokens import Tok


@dataclass(slots=True)
class TimeReading:
    """A time in the text: `value` ("HH:MM") or `candidates`; char span; `moment` is set for
    a time relative to now ("in an hour"), whose date may differ from today. `members`: the
    readings of offered alternatives, in the order said ("today at 3 or tomorrow at 4")."""

    value: str | None
    candidates: tuple[str, ...]
    rule: str
    start: int
    end: int
    moment: datetime | None = None
    members: tuple[TimeReading, ...] = ()


# How a time match came to count.
_STRONG, _CUED, _PART, _WEAK, _LINKED = "strong", "cued", "part", "weak", "linked"


@dataclass(slots=True)
class _Entry:
    tm: TimeMatch
    part: str | None
    status: str


def time_readings(
    toks: list[Tok],
    times: list[TimeMatch],
    parts: Mapping[int, str],
    dates: Sequence[DateMatch],
    ctx: ExtractContext,
    expected: bool,
    text: str,
) -> list[TimeReading]:
    """The times `times` (matches in order) stand for; see the module docstring."""
    date_parts = {d.end - 1: d.part for d in dates if d.part}
    date_parts.update({d.start: d.part for d in dates if d.part})
    moments = moment_readings(toks, times, ctx)
    entries: list[_Entry] = []
    for tm in times:
        if tm.delta is not None:
            continue
        part = None
        if tm.mer is None and tm.part is None and not tm.fixed:
            part = _part_near(toks, tm, parts, date_parts)
        if tm.strong:
            if time_guard(toks, tm, True) is None:
                entries.append(_Entry(tm, part, _STRONG))
            continue
        cued = _cued(toks, tm, expected)
        if time_guard(toks, tm, cued or part is not None) is not None:
            continue
        entries.append(_Entry(tm, part, _PART if part else _CUED if cued else _WEAK))
    if not entries:
        return moments
    links: list[str | None] = []
    if len(entries) > 1:
        spans = {d.start: d.end for d in dates}
        links = [
            link(toks, (a.tm.start, a.tm.end), (b.tm.start, b.tm.end), spans)
            for a, b in pairwise(entries)
        ]
    _accept_linked(entries, links)
    if not moments and all(e.status == _WEAK for e in entries) and expected:
        _accept_answer(toks, entries, links, parts, dates, text)
    return moments + _join(toks, entries, links, dates, ctx)


def moment_readings(
    toks: list[Tok], times: list[TimeMatch], ctx: ExtractContext
) -> list[TimeReading]:
    """Only the times relative to now ("in an hour", "in 30 minutes")."""
    out: list[TimeReading] = []
    for tm in times:
        if tm.delta is not None:
            moment = ctx.now.replace(second=0, microsecond=0) + tm.delta
            span = toks[tm.start].start, toks[tm.end - 1].end
            out.append(TimeReading(moment.strftime("%H:%M"), (), tm.rule, *span, moment))
    return out


def _accept_linked(entries: list[_Entry], links: list[str | None]) -> None:
    """A bare number joined to a time that counts counts too: "at 3 or 4", "3 or 4pm", "at
    3, sorry, 4" (a correction only forwards)."""
    changed = True
    while changed:
        changed = False
        for k, kind in enumerate(links):
            if kind is None:
                continue
            a, b = entries[k], entries[k + 1]
            if a.status != _WEAK and b.status == _WEAK:
                b.status, changed = _LINKED, True
            elif b.status != _WEAK and a.status == _WEAK and kind in (ALTERNATIVE, RANGE):
                a.status, changed = _LINKED, True


def _accept_answer(
    toks: list[Tok],
    entries: list[_Entry],
    links: list[str | None],
    parts: Mapping[int, str],
    dates: Sequence[DateMatch],
    text: str,
) -> None:
    """The answer to "what time?" is a bare number ("can we do 2"), or bare numbers offered
    together ("3 or 4"); a part of day said anywhere settles AM/PM ("evening, maybe 7")."""
    if len(entries) > 1 and any(k is None for k in links):
        return
    for e in entries:
        tm = e.tm
        tok = toks[tm.start]
        if (tok.low == "one" and text.strip(" .,!?").lower() != "one") or not (
            tm.h <= 12 or tm.fixed
        ):
            return
    part = next(iter(parts.values()), None) or next((d.part for d in dates if d.part), None)
    for e in entries:
        e.status, e.part = _LINKED, part


def _join(
    toks: list[Tok],
    entries: list[_Entry],
    links: list[str | None],
    dates: Sequence[DateMatch],
    ctx: ExtractContext,
) -> list[TimeReading]:
    """Readings of the counted entries: corrections replace, alternatives become one reading
    with candidates, a lone cued number beside a certain time is dropped."""
    out: list[TimeReading] = []
    lone_cued: list[int] = []
    k = 0
    n = len(entries)
    while k < n:
        if entries[k].status == _WEAK:
            k += 1
            continue
        chain = [entries[k]]
        start_entry = entries[k]
        corrected = False
        while k < n - 1 and links[k] is not None and entries[k + 1].status != _WEAK:
            nxt = entries[k + 1]
            if links[k] == CORRECTION:  # replaces all it corrects: "3 or 4, no, 5"
                nxt = _inherit(nxt, chain[-1])
                corrected = True
                chain = [nxt]
            else:
                chain.append(nxt)
            k += 1
        k += 1
        if len(chain) == 1:
            reading = _reading(toks, chain[0], ctx)
            if corrected:
                reading.rule = CORRECTION
            if chain[0].status == _CUED and chain[0] is start_entry:
                lone_cued.append(len(out))
            out.append(reading)
            continue
        _share_meridiem(chain, dates)
        members = [_reading(toks, e, ctx) for e in chain]
        _nearest_reading(members)
        out.append(_alternatives(tuple(members)))
    if lone_cued and len(lone_cued) < len(out):
        # "5:30 pm ... I have something else at 2": a certain time outweighs a cued number
        out = [r for i, r in enumerate(out) if i not in lone_cued]
    return out


def _inherit(new: _Entry, old: _Entry) -> _Entry:
    """A correction to a bare number keeps the AM/PM of what it corrects: "3pm, sorry, 4"."""
    tm = new.tm
    if tm.mer is None and tm.part is None and new.part is None and not tm.fixed:
        if old.tm.mer is not None:
            return _Entry(replace(tm, mer=old.tm.mer), None, new.status)
        part = old.tm.part or old.part
        if part is not None:
            return _Entry(tm, part, new.status)
    return new


def _share_meridiem(chain: list[_Entry], dates: Sequence[DateMatch]) -> None:
    """ "3 or 4pm", "10 or 11 am", "in the evening, 7 or 8": a meridiem or part of day said
    with one alternative applies to the others said beside it (no date between) without one,
    when the times stay in the order said ("10 or 1pm" is not 10 PM). The nearest member that
    says one, after first, then before (two passes over the chain)."""
    n = len(chain)
    date_starts = sorted(d.start for d in dates)
    right: list[int] = [-1] * n
    seen = -1
    for k in range(n - 1, -1, -1):
        right[k] = seen
        if _says_when(chain[k]):
            seen = k
    left_seen = -1
    for k, e in enumerate(chain):
        said = _says_when(e)
        if not said and not e.tm.fixed:
            for other in (right[k], left_seen):
                if other < 0 or _between(e.tm.start, chain[other].tm.start, date_starts):
                    continue
                _take_from(e, chain[other])
                break
        if said:
            left_seen = k


def _says_when(e: _Entry) -> bool:
    return e.tm.mer is not None or e.tm.part is not None or e.part is not None


def _take_from(e: _Entry, other: _Entry) -> None:
    part = other.tm.part or other.part
    if part is not None:
        e.part = part
        return
    if other.tm.mer is not None:
        shared = replace(e.tm, mer=other.tm.mer)
        said_first = e.tm.start < other.tm.start
        if (_hour24(shared) <= _hour24(other.tm)) == said_first:
            e.tm = shared


def _between(a: int, b: int, date_starts: list[int]) -> bool:
    """A date said between token `a` and token `b`."""
    lo, hi = min(a, b), max(a, b)
    k = bisect_right(date_starts, lo)
    return k < len(date_starts) and date_starts[k] < hi


def _hour24(tm: TimeMatch) -> float:
    h = tm.h % 12 + (12 if tm.mer == "pm" else 0) if tm.h <= 12 else tm.h
    return h + tm.m / 60


def _nearest_reading(members: list[TimeReading]) -> None:
    """An alternative still open between AM and PM takes the reading nearest the settled one
    said closest to it: "11am or 1" is 1 PM."""
    n = len(members)
    right: list[str | None] = [None] * n
    seen: str | None = None
    for k in range(n - 1, -1, -1):
        right[k] = seen
        if members[k].value is not None:
            seen = members[k].value
    seen = None
    for k, m in enumerate(members):
        if m.value is None and len(m.candidates) == 2:
            near = [v for v in (seen, right[k]) if v is not None]
            if near:
                m.value = min(m.candidates, key=lambda c: min(_gap(c, s) for s in near))
                m.candidates = ()
        elif m.value is not None:
            seen = m.value


def _gap(a: str, b: str) -> int:
    return abs(int(a[:2]) * 60 + int(a[3:]) - int(b[:2]) * 60 - int(b[3:]))


def _alternatives(members: tuple[TimeReading, ...]) -> TimeReading:
    values = list(
        dict.fromkeys(v for m in members for v in ((m.value,) if m.value else m.candidates))
    )
    start, end = members[0].start, members[-1].end
    if len(values) == 1:
        return TimeReading(values[0], (), members[0].rule, start, end, members=members)
    return TimeReading(None, tuple(sorted(values)), ALTERNATIVE, start, end, members=members)


def _reading(toks: list[Tok], e: _Entry, ctx: ExtractContext) -> TimeReading:
    tm = e.tm
    value, candidates, rule = settle(tm, e.part, ctx.hours)
    first = tm.start
    if first > 0 and toks[first - 1].val in _SPAN_CUES:
        first -= 1  # "at 7:30": the cue goes with the time when its words are masked
    return TimeReading(value, candidates, rule, toks[first].start, toks[tm.end - 1].end)


_SPAN_CUES = frozenset({"at", "@", "around", "by"})


def _cued(toks: list[Tok], tm: TimeMatch, expected: bool) -> bool:
    """A word before a bare number that makes it a time: "at 3", "around 4", "by 5"."""
    j = tm.start - 1
    if j >= 0 and toks[j].kind == "w" and toks[j].val in ("about", "approximately") and j > 0:
        j -= 1
    if j < 0:
        return False
    before = toks[j]
    if before.kind == "p" and before.val == "@":
        return True
    if before.kind != "w":
        return False
    return before.val in _STRONG_CUES or (expected and before.val in _SOFT_CUES)


_FILLER = frozenset(
    {
        "at",
        "@",
        "around",
        "about",
        "on",
        "for",
        "the",
        "in",
        "early",
        "late",
        "by",
        "say",
        "like",
        "maybe",
        "um",
        "uh",
        "of",
        "approximately",
        "then",
        "sometime",
        "this",
    }
)


def _part_near(
    toks: list[Tok], tm: TimeMatch, parts: Mapping[int, str], date_parts: Mapping[int, str | None]
) -> str | None:
    """A part of day said next to a time, with only filler words between, either side."""
    j = tm.start - 1
    while j >= 0 and j >= tm.start - 4:
        if j in parts:
            return parts[j]
        if j in date_parts:
            return date_parts[j]
        tok = toks[j]
        if not (
            (tok.kind == "w" and str(tok.val) in _FILLER)
            or (tok.kind == "p" and str(tok.val) in ",@")
        ):
            break
        j -= 1
    j = tm.end
    while j < len(toks) and j <= tm.end + 3:
        if j in parts:
            return parts[j]
        if j in date_parts:
            return date_parts[j]
        tok = toks[j]
        if not (
            (tok.kind == "w" and str(tok.val) in _FILLER)
            or (tok.kind == "p" and tok.val == ",")
            or tok.kind in ("rel", "wd")
        ):
            break
        j += 1
    return None

"""Numbers that are not times or dates in context, each refused by a named guard.

A bare number ("3", "204", "2015") is a time only when nothing around it says otherwise, and a
lone ordinal ("the second") is a date only in a date context. What *precedes* a number can make
it an identifier ("room 204", "the extension is 305", "model year 2019"), an age ("my daughter
is 8", "aged 8"), a model year ("a 2015 Honda") or a count ("for 4", "party of 6"); what
*follows* can make it a count or a modifier ("3 kids", "the 2 for 1 special", "87,000 miles",
"the 4Runner", "a 2015 honda civic", "123 Main Street"). "my 5 o'clock shadow" and "the 6
o'clock news" name something else, not a time they want ("the 5 o'clock slot" is one).
`time_guard` returns the name of the guard that refuses a time match (or None);
`ordinal_guard` does the same for a lone ordinal read as a day.

Guard names: possessive, attributive, glued-word, number-part, identifier, age, model-year,
n-for-m, count-noun, people-count, address, noun-after, ordinal-noun.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flowagent.slots.temporal.lexicon import (
    BOOKING_NOUNS,
    FOLLOWS_A_DATE,
    FOLLOWS_A_TIME,
    IDENTIFIER_NOUNS,
    PERSON_WORDS,
    PLACE_WORDS,
    PLURAL_NOT_A_COUNT,
    PLURAL_NOUNS,
)
from flowagent.slots.temporal.tokens import Tok

if TYPE_CHECKING:
    from flowagent.slots.temporal.times import TimeMatch

_POSSESSIVES = frozenset({"my", "his", "her", "our", "their"})
_ARTICLES = frozenset({"a", "an", "the", "that", "this"})
_DETERMINERS = frozenset({"a", "an", "the", "my", "his", "her", "our", "their", "your", "this"})
_YEAR_WORDS = frozenset(
    {"in", "since", "year", "model", "vintage", "built", "bought", "of", "from"}
)
_AGE_VERBS = frozenset({"is", "was", "turned", "turns", "turning", "be", "being"})
_AGE_ADVERBS = frozenset({"about", "almost", "nearly", "only", "just", "barely", "like", "now"})
_ID_LINKS = frozenset({"is", "was", "number", "no", "num", "#", ":", "=", "'s", "of"})
_PEOPLE_BEFORE = frozenset({"for", "party", "of", "we're", "table"})


def time_guard(t: list[Tok], tm: TimeMatch, cued: bool) -> str | None:
    """The guard that says the number at `tm` is not a time, or None. Only matches that start
    at a number are judged; a weak (bare) number by every guard, a certain one ("5 o'clock",
    "3pm") only by `possessive`. `cued`: a cue word ("at", "around") said it is a time, so
    only what follows it can refuse it."""
    i = tm.start
    first = t[i]
    if first.kind != "num":
        return None
    before = t[i - 1] if i > 0 else None
    if before is not None and before.low in _POSSESSIVES:
        return "possessive"  # "my 5 o'clock shadow", "my 3pm appointment": something they have
    nxt = t[tm.end] if tm.end < len(t) else None
    if (
        before is not None
        and before.low in _ARTICLES
        and tm.mer is None
        and nxt is not None
        and nxt.kind == "w"
        and nxt.val not in FOLLOWS_A_TIME
        and not any(tok.low in BOOKING_NOUNS for tok in t[tm.end : tm.end + 3])
    ):
        return "attributive"  # "a 5 o'clock shadow", "the 6 o'clock news"
    if tm.strong:
        return None
    if (nxt is not None and nxt.kind == "w" and nxt.start == first.end) or (
        before is not None
        and before.kind == "w"
        and before.end == first.start
        and before.val not in ("at", "around", "by", "about")
    ):
        return "glued-word"  # "4Runner", "A4", "5W"
    if _part_of_a_number(t, i):
        return "number-part"  # "87,000", "2.5"
    if _plural_after(t, tm.end):
        return "count-noun"  # "3 kids", "4 tires", "an 8-year-old"
    if before is not None and before.kind == "w" and before.val in _PEOPLE_BEFORE:
        return "people-count"  # "for 4", "party of 6", "we're 4"
    if _address_after(t, tm.end):
        return "address"  # "at 5 Bon Air Rd", "1722 First Street"
    if not cued:
        if nxt is not None and nxt.kind == "w" and nxt.val == "for":
            after = t[tm.end + 1] if tm.end + 1 < len(t) else None
            if after is not None and after.kind == "num":
                return "n-for-m"  # "the 2 for 1 special" ("at 7 for 2" is cued: a time)
        if _identifier_before(t, i):
            return "identifier"  # "room 204", "the extension is 305"
        if _age_before(t, i):
            return "age"  # "my daughter is 8", "aged 8"
        if (
            len(first.text) == 4
            and 1900 <= first.n <= 2099
            and before is not None
            and before.low in _DETERMINERS | _YEAR_WORDS
        ):
            return "model-year"  # "a 2015", "my 2019", "model year 2019"
        if nxt is not None and nxt.kind == "w" and nxt.val not in FOLLOWS_A_TIME:
            return "noun-after"  # "2015 honda", "the 4 runner": a number that modifies a noun
    return None


def _part_of_a_number(t: list[Tok], i: int) -> bool:
    """ "87,000", "2.5", "1,500": digits joined by a comma or point with no space."""
    tok = t[i]
    if i >= 2:
        sep, head = t[i - 1], t[i - 2]
        if sep.val in (",", ".") and head.kind == "num" and head.end == sep.start == tok.start - 1:
            return True
    if i + 2 < len(t):
        sep, tail = t[i + 1], t[i + 2]
        if sep.val in (",", ".") and tail.kind == "num" and tok.end == sep.start == tail.start - 1:
            return True
    return False


def _plural_after(t: list[Tok], j: int) -> bool:
    """A plural noun right after the number (or after a hyphen: "8-year-old")."""
    if j < len(t) and t[j].val == "-" and j + 1 < len(t) and t[j + 1].start == t[j].end:
        nxt = t[j + 1]
        return nxt.kind in ("unit", "w") and nxt.val not in FOLLOWS_A_TIME
    if j >= len(t) or t[j].kind != "w":
        return False
    low = str(t[j].val)
    if low in PLURAL_NOUNS:
        return True
    return (
        len(low) > 3
        and low.endswith("s")
        and not low.endswith(("ss", "us", "'s"))
        and low not in PLURAL_NOT_A_COUNT
    )


def _address_after(t: list[Tok], j: int) -> bool:
    """A street word within four tokens, or a capitalised name right after: an address."""
    for tok in t[j : j + 4]:
        if tok.kind == "p":
            return False
        if tok.low in PLACE_WORDS:
            return True
    nxt = t[j] if j < len(t) else None
    return (
        nxt is not None and nxt.kind in ("w", "ord") and nxt.text[:1].isupper() and nxt.text != "I"
    )


def _identifier_before(t: list[Tok], i: int) -> bool:
    """ "room 204", "suite #4", "the extension is 305", "unit number 5", "model year 2019"."""
    j = i - 1
    for _ in range(3):
        if j < 0:
            return False
        tok = t[j]
        if tok.low in IDENTIFIER_NOUNS:
            return True
        if tok.low not in _ID_LINKS:
            return False
        j -= 1
    return False


def _age_before(t: list[Tok], i: int) -> bool:
    """ "my daughter is 8", "she's 8", "he just turned 12", "aged 8", "I'm 8"."""
    j = i - 1
    while j >= 0 and t[j].low in _AGE_ADVERBS:
        j -= 1
    if j < 0:
        return False
    tok = t[j].low
    if tok in ("aged", "age", "ages"):
        return True
    if tok.endswith("'s") and tok[:-2] in PERSON_WORDS:
        return True  # "she's 8", "my son's 12"
    if tok in ("i'm", "im", "he's", "she's", "they're"):
        return True
    if tok in _AGE_VERBS:
        k = j - 1
        while k >= 0 and t[k].low in ("just", "now", "only"):
            k -= 1
        return k >= 0 and t[k].low in PERSON_WORDS
    return False


def ordinal_guard(t: list[Tok], k: int, cued: bool) -> str | None:
    """A lone ordinal ("the second", "the 2nd") followed at `k` by a word that cannot follow a
    date is a rank, not a day: "the second house on the left". A date word before it ("on the
    2nd", "for the 3rd") is context enough."""
    if k < len(t) and t[k].kind == "unit" and t[k].val != "day":
        return "ordinal-noun"  # "the second week of December", "the 3rd hour"
    if cued or k >= len(t) or t[k].kind != "w":
        return None
    if t[k - 1].low == "first" and t[k].val in _FIRST_OF_A_KIND:
        return "ordinal-noun"  # "the first available", "the first opening"
    return None if t[k].val in FOLLOWS_A_DATE else "ordinal-noun"


_FIRST_OF_A_KIND = frozenset({"available", "open", "opening", "free", "possible"})

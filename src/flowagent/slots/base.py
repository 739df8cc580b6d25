"""The extractor contract: what every slot type implements and what the engine relies on.

An extractor finds a value *inside a sentence* of an STT transcript and returns it normalised
(JSON-safe: `YYYY-MM-DD`, `HH:MM`, E.164, lower-case email, a choice key, ...) together with
the span of the original text it used. Subclasses implement `_extract_all`; the public
`extract_all` / `extract` wrap it so that an extractor never raises on any text (template method).
"""

from __future__ import annotations

import logging
import math
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any, ClassVar

from flowagent.redaction import described, error_fields, exc_info

log = logging.getLogger("flowagent.slots")

#: A normalised slot value. Always JSON-safe so that snapshots are plain JSON.
SlotValue = str | int | float | bool

#: The largest magnitude a number an extractor yields may have: 2**53 - 1, the largest integer
#: every JSON reader holds exactly (RFC 8259, section 6). Beyond it, or not finite (inf, NaN),
#: a number is no value at all: a no-match, never a slot that no store can save.
MAX_NUMBER = 2**53 - 1


def is_sane_number(value: object) -> bool:
    """False for an int or float that is not finite or whose magnitude exceeds `MAX_NUMBER`;
    True for anything else (strings, booleans, None)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return True
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return -MAX_NUMBER <= value <= MAX_NUMBER


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """When the business takes appointments. `days` are ISO weekday numbers (Mon=1 … Sun=7)."""

    days: frozenset[int]
    open: time
    close: time

    def is_open_on(self, weekday: int) -> bool:
        return weekday in self.days

    def contains(self, at: time) -> bool:
        return self.open <= at < self.close


@dataclass(frozen=True, slots=True)
class ExtractContext:
    """Everything an extractor may need besides the text.

    `now` is timezone-aware, in the flow's timezone. `expected` is true when the agent has just
    asked for this very slot, which lets bare answers count ("Maria", "Friday", "yes").
    `options` holds the slot's own YAML options (choices, region overrides, min/max, ...).
    """

    now: datetime
    region: str = "US"
    hours: OpeningHours | None = None
    expected: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Extraction:
    """One value found in the text.

    - `value`: the normalised value, or None when the words leave it open (see `candidates`)
      or are recognisably a value of this type but invalid (see `problem`).
    - `start`, `end`: the span of the *original* text the value came from.
    - `rule`: which resolution rule settled an open reading (e.g. "prefer-future",
      "opening-hours"), for logs and for authors asking "why did it pick that?".
    - `candidates`: the readings the rules could not choose between ("at 2" → 02:00 / 14:00);
      the engine asks a short clarification question instead of guessing.
    - `problem`: a machine-readable reason a recognised form was refused
      (e.g. "phone_too_short"); the engine maps it to a specific reprompt.
    - `negated`: the caller said it is *not* this ("not Tuesday, Wednesday").
    """

    value: SlotValue | None
    start: int
    end: int
    rule: str | None = None
    candidates: tuple[SlotValue, ...] = ()
    problem: str | None = None
    negated: bool = False

    @property
    def ok(self) -> bool:
        return self.value is not None and not self.negated


# "not Tuesday", "isn't 555…", and the value a caller sets aside: "Wednesday instead of
# Tuesday", "3pm rather than 2", "any day except Friday".
_NEGATION_BEFORE = re.compile(
    r"\b(?:not|isn'?t|n't|instead\s+of|rather\s+than|other\s+than|except(?:\s+for)?"
    r"|better\s+than)\s+(?:on\s+|at\s+|the\s+|a\s+|for\s+)?$",
    re.I,
)


def mark_negations(text: str, found: list[Extraction]) -> list[Extraction]:
    """Flag extractions the caller explicitly denied ("not Tuesday", "it isn't 555...")."""
    marked: list[Extraction] = []
    for ex in found:
        before = text[max(0, ex.start - 16) : ex.start]
        if not ex.negated and _NEGATION_BEFORE.search(before):
            marked.append(
                Extraction(ex.value, ex.start, ex.end, ex.rule, ex.candidates, ex.problem, True)
            )
        else:
            marked.append(ex)
    return marked


_MARKER_TRIGGERS = frozenset("[(<*♪♫♬")


def _sane(ex: Extraction) -> bool:
    return is_sane_number(ex.value) and all(map(is_sane_number, ex.candidates))


class Extractor(ABC):
    """Base class of every slot type. Subclass it, set `type_name`, implement `_extract_all`,
    and register it with `flowagent.slots.register`.

    `priority` orders extractors when one utterance fills several slots: the engine runs higher
    priorities first and masks the spans they used, so "555 123 4567" is a phone and never
    also a time or a number.
    """

    type_name: ClassVar[str] = ""
    priority: ClassVar[int] = 50

    def extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        """Every value of this type in `text`, in order of position. Never raises."""
        if not text or not text.strip():
            return []
        if not _MARKER_TRIGGERS.isdisjoint(text):
            # STT's non-speech markers are never values ("[inaudible]" is no name): blanked
            # out (spans stay valid); where words were lost, nothing here can be trusted.
            from flowagent.nonspeech import DEFAULT, LOST

            text, kinds = DEFAULT.blank(text)
            if LOST in kinds or not text.strip():
                return []
        try:
            found = self._extract_all(text, ctx)
        except Exception as err:  # an extractor bug must never end a call
            log.error(  # the type and place only: the message may quote the caller's words
                "extractor %s failed: %s",
                self.type_name,
                described(err),
                exc_info=exc_info(err),
                extra={"slot_type": self.type_name, **error_fields(err)},
            )
            return []
        sane = [e for e in found if _sane(e)]
        if len(sane) < len(found):
            log.debug(
                "extractor %s: a number out of range or not finite is no value",
                self.type_name,
                extra={"slot_type": self.type_name},
            )
        return mark_negations(text, sorted(sane, key=lambda e: (e.start, e.end)))

    def extract(self, text: str, ctx: ExtractContext) -> Extraction | None:
        """The value the caller means. With several mentions, the last one that is not denied
        wins: callers correct themselves forwards ("Tuesday, no, Wednesday")."""
        found = [e for e in self.extract_all(text, ctx) if not e.negated]
        return found[-1] if found else None

    @abstractmethod
    def _extract_all(self, text: str, ctx: ExtractContext) -> list[Extraction]:
        """Find every value of this type in `text`. May raise; `extract_all` guards it."""

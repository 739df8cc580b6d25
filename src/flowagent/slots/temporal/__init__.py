"""A compositional grammar of dates and times, shared by the `date`, `time` and `datetime`
slot types.

normalise → tokens (`tokens.py`, words by kind in `lexicon.py`) → small named composition
rules (`dates.py`, `times.py`) → resolution against `now`, the flow's timezone and opening
hours (`analysis.py`, `times.settle`, `calendar_rules`). Clarification answers ("the first
one", "next week", "in the afternoon") are read by `clarify.py`.
"""

from flowagent.slots.temporal.analysis import Analysis, DateReading, TimeReading, analyse

__all__ = ["Analysis", "DateReading", "TimeReading", "analyse"]

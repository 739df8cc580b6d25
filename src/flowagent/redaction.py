"""What flowagent's stdlib log records may say: never personal data in their text.

A log line's text — its message and any traceback a formatter prints — must carry no slot
value, no caller text and no exception *message*: an exception's message is where personal
data hides (`KeyError: 'Maria Lopez'`, `invalid literal for int(): '415 555 0198'`, an
author's `CalendarError(f"no slot for {name}")`). So a failure is logged by its type and the
place it was raised (`ValueError at booking.py:41 in book`), with a traceback whose frames are
all there but whose last line names only the type. The message itself goes into the record's
`error` attribute, a structured field that formatters leave out and a handler you trust may
include (livekit-agents keeps personal data in `extra` fields the same way).
"""

from __future__ import annotations

import traceback
from pathlib import PurePath
from types import TracebackType
from typing import Any

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def described(err: BaseException) -> str:
    """`err` as its type and the innermost place it was raised, never its message:
    `ValueError at booking.py:41 in book` (just `ValueError` when it has no traceback)."""
    name = type(err).__qualname__
    frames = traceback.extract_tb(err.__traceback__) if err.__traceback__ else []
    if not frames:
        return name
    last = frames[-1]
    return f"{name} at {PurePath(last.filename).name}:{last.lineno} in {last.name}"


def exc_info(err: BaseException) -> ExcInfo:
    """An `exc_info` for a log record: `err`'s type and whole traceback, with a stand-in of
    the same type that has no message (formatters print the frames and `ValueError`)."""
    try:
        blank = BaseException.__new__(type(err))
    except Exception:  # a class that cannot be made without its arguments
        blank = RuntimeError()
    return type(blank), blank, err.__traceback__


def error_fields(err: BaseException) -> dict[str, Any]:
    """The structured fields of a failure for a record's `extra`: `error_type` (safe) and
    `error` (the exception's own message: may hold personal data; no formatter prints it)."""
    return {"error_type": type(err).__qualname__, "error": safe_str(err)}


def safe_str(value: object) -> str:
    """`str(value)`, or a placeholder when its `__str__` raises (anything, SystemExit too)."""
    try:
        return str(value)
    except BaseException:  # a hostile __str__ must not escape a log call
        return f"<{type(value).__qualname__} whose str() failed>"

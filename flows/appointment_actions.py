"""Actions for the reference appointment flow.

`book` stands in for a real calendar call: it derives a stable, speakable booking reference
from the appointment details, so scripted runs and tests give the same reply every time.
The demo calendar refuses Christmas Eve (the practice's books are closed), which shows what
a failing action does: the caller hears a safe apology and the flow goes to its fallback.
Replace it with your scheduling system's API call (sync or async both work).
"""

from __future__ import annotations

import hashlib
from typing import Any


class CalendarError(RuntimeError):
    """The (demo) calendar refused the booking."""


_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: easy to read aloud


async def book(slots: dict[str, Any]) -> dict[str, str]:
    """Book the appointment; returns the booking reference for the closing line.

    Async, as a real calendar API call would be: a voice worker awaits it on its event loop
    (`Conversation.handle_async`); `handle` runs it to completion in a worker thread."""
    if slots.get("date", "").endswith("-12-24"):
        raise CalendarError("the calendar is closed for bookings on December 24th")
    key = "|".join(str(slots.get(k, "")) for k in ("name", "date", "time", "type", "contact"))
    digest = hashlib.sha256(key.encode()).digest()
    code = "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:4])
    return {"reference": " ".join(code)}

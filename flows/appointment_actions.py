"""Actions for the reference appointment flow.

`book` stands in for a real calendar call: it derives a stable, speakable booking reference
from the appointment details, so scripted runs and tests give the same reply every time.
Replace it with your scheduling system's API call (sync or async both work).
"""

from __future__ import annotations

import hashlib
from typing import Any

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: easy to read aloud


async def book(slots: dict[str, Any]) -> dict[str, str]:
    """Book the appointment; returns the booking reference for the closing line.

    Async, as a real calendar API call would be: a voice worker awaits it on its event loop
    (`Conversation.handle_async`); `handle` runs it to completion in a worker thread."""
    key = "|".join(str(slots.get(k, "")) for k in ("name", "date", "time", "type", "contact"))
    digest = hashlib.sha256(key.encode()).digest()
    code = "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:4])
    return {"reference": " ".join(code)}

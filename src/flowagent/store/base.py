"""The store contract and the snapshot encoding shared by the backends (`open_store(url)`,
which picks a backend, is in `flowagent.store`)."""

from __future__ import annotations

import json
from typing import Any, Protocol, runtime_checkable

from flowagent.errors import StoreConflict, StoreError

#: Longest a turn waits for its save (and a call start for its load), in seconds, unless the
#: store says otherwise (`timeout` attribute; `?timeout=` in a store URL).
DEFAULT_TIMEOUT = 0.25
#: Largest stored snapshot, in bytes of UTF-8 JSON (a call's snapshot is a few KB). A larger
#: snapshot is not saved (`StoreError`), and a larger stored value is not read: a store never
#: spends its timeout, or another client's time, on a record no call could have made.
MAX_RECORD_BYTES = 8 * 1024 * 1024

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_RECORD_BYTES",
    "ConversationStore",
    "StoreConflict",
    "StoreError",
    "decode_snapshot",
    "encode_snapshot",
    "revision_of",
]


@runtime_checkable
class ConversationStore(Protocol):
    """Keeps the latest snapshot of each conversation, by conversation id.

    - `save` must be atomic: after a crash, `load` returns either the previous snapshot or
      the new one, never a mix.
    - `save` is a compare-and-set on `snapshot["revision"]` (an int ≥ 1): it writes only if
      no snapshot is stored for the id (for revision 1) or the stored one's revision is
      `revision - 1` ≥ 1, and otherwise raises `StoreConflict` and writes nothing. A stored
      record without a readable revision (revision 0) is never overwritten by such a save.
      (A store that skips the check still works, but cannot tell two writers apart.)
    - Failures raise `StoreError` with a readable message.
    - Implementations must be safe to share between threads. An optional `timeout`
      attribute (seconds) bounds how long a turn waits for it.
    """

    def save(self, conversation_id: str, snapshot: dict[str, Any]) -> None: ...

    def load(self, conversation_id: str) -> dict[str, Any] | None: ...

    def delete(self, conversation_id: str) -> None: ...

    def close(self) -> None: ...


def revision_of(snapshot: dict[str, Any] | None) -> int:
    """The revision a snapshot carries (0 when it has none: written before revisions)."""
    if not snapshot:
        return 0
    value = snapshot.get("revision", 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def encode_snapshot(snapshot: dict[str, Any]) -> str:
    """JSON text for a snapshot, always UTF-8 encodable. Raises StoreError if the snapshot is
    not plain JSON data (the engine only makes plain data; a hand-built one may not be)."""
    try:
        text = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as err:
        raise StoreError(f"the snapshot is not plain JSON data: {err}") from None
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate: JSON escapes keep it, losslessly
        text = json.dumps(snapshot, ensure_ascii=True, separators=(",", ":"))
        size = len(text)
    if size > MAX_RECORD_BYTES:
        raise StoreError(
            f"the snapshot is {size:,} bytes, more than a store keeps ({MAX_RECORD_BYTES:,})"
        )
    return text


def decode_snapshot(raw: str | bytes, conversation_id: str, where: str) -> dict[str, Any]:
    """A stored snapshot back; StoreError naming the record if it is not a JSON object or is
    larger than `MAX_RECORD_BYTES`."""
    if len(raw) > MAX_RECORD_BYTES:
        raise StoreError(
            f"the stored conversation {conversation_id!r} in {where} is {len(raw):,} bytes,"
            f" more than a store keeps ({MAX_RECORD_BYTES:,}): not read"
        )
    try:
        data = json.loads(raw, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError) as err:
        raise StoreError(
            f"the stored conversation {conversation_id!r} in {where} is not valid JSON: {err}"
        ) from None
    if not isinstance(data, dict):
        raise StoreError(
            f"the stored conversation {conversation_id!r} in {where} is not a snapshot"
        )
    return data


def _no_constant(name: str) -> float:
    # NaN and Infinity are not JSON; Python's json reads them unless told not to.
    raise ValueError(f"{name} is not allowed in a snapshot")

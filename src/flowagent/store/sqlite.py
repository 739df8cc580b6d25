"""SQLite store (stdlib): the embedded default. One row per conversation, replaced atomically
on every turn by a compare-and-set on its revision; WAL mode so readers never block the writer.

A lock held by another process is waited for at most `timeout` seconds (SQLite's busy
timeout), then the save fails with a `StoreError` — it never holds a turn for SQLite's default
5 s or the 30 s this store used to wait.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flowagent.errors import StoreConflict, StoreError
from flowagent.store.base import DEFAULT_TIMEOUT, decode_snapshot, encode_snapshot, revision_of

_TABLE = "flowagent_conversations"
_POOLED = 8  # idle connections kept
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {_TABLE} (
    id TEXT PRIMARY KEY,
    snapshot TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    revision INTEGER NOT NULL DEFAULT 0,
    writer TEXT NOT NULL DEFAULT ''
)
"""
# Tables made before revisions get the two columns (old rows count as revision 0).
_ADDED_COLUMNS = {
    "revision": "INTEGER NOT NULL DEFAULT 0",
    "writer": "TEXT NOT NULL DEFAULT ''",
}
# Insert, or replace only the revision this snapshot follows (any, for a snapshot without a
# revision). A stored row at revision 0 — unreadable, or written without a revision — is never
# "followed": a conversation that could not read it must not overwrite it.
_SAVE = f"""
INSERT INTO {_TABLE} (id, snapshot, revision, writer) VALUES (?, ?, ?, ?)
ON CONFLICT(id) DO UPDATE SET
    snapshot = excluded.snapshot,
    revision = excluded.revision,
    writer = excluded.writer,
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE excluded.revision = 0
    OR ({_TABLE}.revision >= 1 AND {_TABLE}.revision = excluded.revision - 1)
"""


class SqliteStore:
    """Thread-safe: each operation takes a connection from a small pool, each write is its
    own transaction.

    `timeout` (seconds) is how long an operation waits for another writer's lock. Raises
    StoreError (naming the file) if the file cannot be opened or is not a database."""

    def __init__(self, path: str | Path, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.path = str(path)
        self.timeout = timeout
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        self._target, self._uri = self.path, False
        self._keeper: sqlite3.Connection | None = None
        if self.path == ":memory:":
            # One in-memory database shared by the pool's connections, alive while kept open.
            self._target, self._uri = f"file:flowagent-{id(self):x}?mode=memory&cache=shared", True
            self._keeper = sqlite3.connect(self._target, uri=True, check_same_thread=False)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            with self._connection() as conn:
                with conn:
                    conn.execute(_SCHEMA)
                self._migrate(conn)
        except (sqlite3.Error, OSError) as err:
            self.close()
            raise self._error("cannot open", err) from None

    def _error(self, doing: str, err: BaseException) -> StoreError:
        return StoreError(f"sqlite store {self.path}: {doing}: {err}")

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            # check_same_thread=False: a pooled connection moves between the store's threads,
            # used by one at a time.
            conn = sqlite3.connect(
                self._target, timeout=self.timeout, check_same_thread=False, uri=self._uri
            )
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=FULL")  # a saved turn survives power loss
            except sqlite3.Error:
                conn.close()
                raise
        try:
            yield conn
        finally:
            with self._lock:
                keep = not self._closed and len(self._idle) < _POOLED
                if keep:
                    self._idle.append(conn)
            if not keep:
                conn.close()

    def _migrate(self, conn: sqlite3.Connection) -> None:
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({_TABLE})")}
        for column, decl in _ADDED_COLUMNS.items():
            if column not in have:
                try:
                    with conn:
                        conn.execute(f"ALTER TABLE {_TABLE} ADD COLUMN {column} {decl}")
                except sqlite3.OperationalError as err:
                    if "duplicate column" not in str(err):  # another process added it
                        raise

    def save(self, conversation_id: str, snapshot: dict[str, Any]) -> None:
        text = encode_snapshot(snapshot)
        revision = revision_of(snapshot)
        writer = str(snapshot.get("writer", ""))
        try:
            with self._connection() as conn, conn:  # one transaction: all or nothing
                cursor = conn.execute(_SAVE, (conversation_id, text, revision, writer))
                if cursor.rowcount == 0:
                    found = conn.execute(
                        f"SELECT revision, writer FROM {_TABLE} WHERE id = ?", (conversation_id,)
                    ).fetchone()
                    raise StoreConflict(
                        conversation_id,
                        revision - 1,
                        int(found[0]) if found else 0,
                        str(found[1]) if found else "",
                    )
        except sqlite3.Error as err:
            raise self._error(f"cannot save {conversation_id!r}", err) from None

    def load(self, conversation_id: str) -> dict[str, Any] | None:
        try:
            with self._connection() as conn:
                row = conn.execute(
                    f"SELECT snapshot, revision, writer FROM {_TABLE} WHERE id = ?",
                    (conversation_id,),
                ).fetchone()
        except sqlite3.Error as err:
            raise self._error(f"cannot load {conversation_id!r}", err) from None
        if row is None:
            return None
        data = decode_snapshot(row[0], conversation_id, f"sqlite store {self.path}")
        if row[1]:  # the row's revision is the authority (a snapshot saved without one: 0)
            data["revision"], data["writer"] = int(row[1]), str(row[2])
        return data

    def delete(self, conversation_id: str) -> None:
        try:
            with self._connection() as conn, conn:
                conn.execute(f"DELETE FROM {_TABLE} WHERE id = ?", (conversation_id,))
        except sqlite3.Error as err:
            raise self._error(f"cannot delete {conversation_id!r}", err) from None

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
        if self._keeper is not None:
            self._keeper.close()
            self._keeper = None

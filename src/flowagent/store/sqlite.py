"""SQLite store (stdlib): the embedded default. One row per conversation, replaced atomically
on every turn by a compare-and-set on its revision; WAL mode so readers never block the writer.

A lock held by another process is waited for at most `timeout` seconds (SQLite's busy
timeout), then the save fails with a `StoreError` — it never holds a turn for SQLite's default
5 s or the 30 s this store used to wait.

The database is a file at a path, and the store's open connections follow the file, not the
path: were the file deleted or replaced (`rm`, `mv other.db calls.db`, a restore from backup),
they would go on writing to a file no other process can find. So before each operation the
store compares the path's file identity (`st_dev`, `st_ino`) with the one it opened: when it
differs the operation fails with a `StoreError` saying so (the turn is `saved=False`, a
`store_error` event, a log line), the old connections are dropped, and the next operation
opens whatever is at the path now (a new, empty database if the file is gone) — the next good
save catches up there, or reports a conflict with what it finds.
"""

from __future__ import annotations

import os
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
_COLUMNS = ("id", "snapshot", "updated_at", "revision", "writer")
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
        self._memory = self.path == ":memory:"
        self._target, self._uri = os.path.abspath(self.path), False
        self._keeper: sqlite3.Connection | None = None
        #: The database file's (st_dev, st_ino) when opened; None until (re)opened.
        self._identity: tuple[int, int] | None = None
        #: Bumped when the file at the path changed: connections of older ones are dropped.
        self._generation = 0
        if self._memory:
            # One in-memory database shared by the pool's connections, alive while kept open.
            self._target, self._uri = f"file:flowagent-{id(self):x}?mode=memory&cache=shared", True
            self._keeper = sqlite3.connect(self._target, uri=True, check_same_thread=False)
        try:
            if not self._memory:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._prepare()
        except (sqlite3.Error, OSError) as err:
            self.close()
            raise self._error("cannot open", err) from None
        except StoreError:
            self.close()
            raise

    def _prepare(self) -> None:
        """Create the table (and add missing columns) in the database at the path, and
        remember which file that is."""
        with self._connection() as conn:
            with conn:
                conn.execute(_SCHEMA)
            self._migrate(conn)
            problem = _schema_problem(conn)
        if problem:
            raise StoreError(
                f"sqlite store {self.path}: cannot be used: {problem}, so saves could not be"
                " compare-and-set writes (a file made by something else than flowagent?)"
            )
        if not self._memory:
            self._identity = _identity_of(self._target)

    def _check_file(self) -> None:
        """Raise StoreError if the database file at the path is no longer the one this store
        opened (deleted or replaced), after dropping the connections to the old one; the
        next call opens what is at the path then. Opens it now if it was dropped before."""
        if self._memory:
            return
        if self._identity is None:  # the file changed earlier: open what is there now
            self._prepare()
            return
        try:
            now: tuple[int, int] | None = _identity_of(self._target)
        except FileNotFoundError:
            now = None
        if now == self._identity:
            return
        with self._lock:
            self._generation += 1
            idle, self._idle = self._idle, []
            self._identity = None
        for conn in idle:
            conn.close()
        what = "deleted" if now is None else "replaced by another file"
        raise StoreError(
            f"sqlite store {self.path}: the database file was {what} since the store opened"
            " it; nothing was written (the next operation opens the file at that path)"
        )

    def _error(self, doing: str, err: BaseException) -> StoreError:
        return StoreError(f"sqlite store {self.path}: {doing}: {err}")

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._idle.pop() if self._idle else None
            generation = self._generation
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
                keep = (
                    not self._closed
                    and generation == self._generation
                    and len(self._idle) < _POOLED
                )
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
            self._check_file()
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
        except (sqlite3.Error, OSError) as err:
            raise self._error(f"cannot save {conversation_id!r}", err) from None

    def load(self, conversation_id: str) -> dict[str, Any] | None:
        try:
            self._check_file()
            with self._connection() as conn:
                row = conn.execute(
                    f"SELECT snapshot, revision, writer FROM {_TABLE} WHERE id = ?",
                    (conversation_id,),
                ).fetchone()
        except (sqlite3.Error, OSError) as err:
            raise self._error(f"cannot load {conversation_id!r}", err) from None
        if row is None:
            return None
        data = decode_snapshot(row[0], conversation_id, f"sqlite store {self.path}")
        if row[1]:  # the row's revision is the authority (a snapshot saved without one: 0)
            data["revision"], data["writer"] = int(row[1]), str(row[2])
        return data

    def delete(self, conversation_id: str) -> None:
        try:
            self._check_file()
            with self._connection() as conn, conn:
                conn.execute(f"DELETE FROM {_TABLE} WHERE id = ?", (conversation_id,))
        except (sqlite3.Error, OSError) as err:
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


def _schema_problem(conn: sqlite3.Connection) -> str | None:
    """What keeps the conversations table from taking this store's writes — it is a view,
    lacks a column, or its `id` is not unique (ON CONFLICT(id) needs a primary key or a
    unique index on it) — or None."""
    kind = conn.execute("SELECT type FROM sqlite_master WHERE name = ?", (_TABLE,)).fetchone()
    if kind is None or kind[0] != "table":
        return f"{_TABLE} is a {kind[0] if kind else 'missing table'}, not a table"
    columns = {row[1]: row for row in conn.execute(f"PRAGMA table_info({_TABLE})")}
    missing = [c for c in _COLUMNS if c not in columns]
    if missing:
        return f"the table {_TABLE} has no column {', '.join(missing)}"
    keys = [name for name, row in columns.items() if row[5]]
    if keys == ["id"]:
        return None
    for index in conn.execute(f"PRAGMA index_list({_TABLE})"):
        unique, partial = index[2], index[4]
        if unique and not partial:
            names = [row[2] for row in conn.execute(f"PRAGMA index_info({index[1]!r})")]
            if names == ["id"]:
                return None
    return f"the table {_TABLE} has no unique id (no primary key or unique index on id alone)"


def _identity_of(path: str) -> tuple[int, int]:
    """Which file is at `path`: its device and inode numbers. Raises OSError."""
    info = os.stat(path)
    return info.st_dev, info.st_ino

"""SQLite store (stdlib): the embedded default. One row per conversation, replaced
atomically on every turn; WAL mode so readers never block the writer."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS flowagent_conversations (
    id TEXT PRIMARY KEY,
    snapshot TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
)
"""


class SqliteStore:
    """Thread-safe: one connection per thread, each write its own transaction."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        with self._conn() as conn:
            conn.execute(_SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")  # a saved turn survives power loss too
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def save(self, conversation_id: str, snapshot: dict[str, Any]) -> None:
        text = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":"))
        conn = self._conn()
        with conn:  # one transaction: the row is replaced whole or not at all
            conn.execute(
                "INSERT INTO flowagent_conversations (id, snapshot) VALUES (?, ?) "
                "ON CONFLICT(id) DO UPDATE SET snapshot = excluded.snapshot, "
                "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                (conversation_id, text),
            )

    def load(self, conversation_id: str) -> dict[str, Any] | None:
        row = (
            self._conn()
            .execute(
                "SELECT snapshot FROM flowagent_conversations WHERE id = ?", (conversation_id,)
            )
            .fetchone()
        )
        if row is None:
            return None
        data: dict[str, Any] = json.loads(row[0])
        return data

    def delete(self, conversation_id: str) -> None:
        conn = self._conn()
        with conn:
            conn.execute("DELETE FROM flowagent_conversations WHERE id = ?", (conversation_id,))

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()

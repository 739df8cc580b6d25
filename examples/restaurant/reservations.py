"""Writes reservations to SQLite (stdlib). The database path comes from
FLOWAGENT_EXAMPLES_DB, or a file in the system temp directory."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any


def save(slots: dict[str, Any]) -> dict[str, str]:
    """Store the reservation; the number is read out digit by digit."""
    path = os.environ.get("FLOWAGENT_EXAMPLES_DB") or str(
        Path(tempfile.gettempdir()) / "flowagent-examples.db"
    )
    with sqlite3.connect(path, timeout=30) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS reservations (id INTEGER PRIMARY KEY, details TEXT, "
            "created TEXT DEFAULT CURRENT_TIMESTAMP)"
        )
        cursor = conn.execute("INSERT INTO reservations (details) VALUES (?)", (json.dumps(slots),))
        number = cursor.lastrowid or 0
    return {"reference": " ".join(f"{number:04d}")}

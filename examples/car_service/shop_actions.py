"""Writes service bookings to SQLite (stdlib). The database path comes from
FLOWAGENT_EXAMPLES_DB, or a file in the system temp directory."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any


def _db() -> sqlite3.Connection:
    path = os.environ.get("FLOWAGENT_EXAMPLES_DB") or str(
        Path(tempfile.gettempdir()) / "flowagent-examples.db"
    )
    conn = sqlite3.connect(path, timeout=30)
    conn.execute(
        "CREATE TABLE IF NOT EXISTS bookings (id INTEGER PRIMARY KEY, flow TEXT, details TEXT, "
        "created TEXT DEFAULT CURRENT_TIMESTAMP)"
    )
    return conn


def book_service(slots: dict[str, Any]) -> dict[str, str]:
    """Store the booking; the confirmation number is read out digit by digit."""
    with _db() as conn:
        cursor = conn.execute(
            "INSERT INTO bookings (flow, details) VALUES (?, ?)", ("car_service", json.dumps(slots))
        )
        number = cursor.lastrowid or 0
    return {"reference": " ".join(f"{number:04d}")}

"""Reading what can still be read from a damaged SQLite file, row by row.

Each row is looked up on its own (`WHERE rowid = ?`), so a damaged page costs the rows on it
and nothing else; a lookup that hits damage raises and is counted, the next one goes on.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SEARCH_PAST_LAST = 2000  # rowids probed past the highest one seen, for rows behind damage


@dataclass(frozen=True, slots=True)
class Salvaged:
    conversations: list[dict[str, Any]]
    messages: list[dict[str, Any]]
    unreadable_lookups: int


def _highest_rowid(db: sqlite3.Connection, table: str) -> int:
    """The highest rowid any of several routes can still see (0 when none can)."""
    best = 0
    queries = (
        f"SELECT max(rowid) FROM {table}",
        f"SELECT seq FROM sqlite_sequence WHERE name = '{table}'",
        f"SELECT count(*) FROM {table}",
    )
    for query in queries:
        with contextlib.suppress(sqlite3.Error, TypeError, ValueError):
            row = db.execute(query).fetchone()
            best = max(best, int(row[0] or 0)) if row else best
    with contextlib.suppress(sqlite3.Error):  # a forward scan gets as far as the damage
        for (rowid,) in db.execute(f"SELECT rowid FROM {table} ORDER BY rowid"):
            best = max(best, int(rowid))
    return best


def _rows(db: sqlite3.Connection, table: str, columns: str) -> Iterator[dict[str, Any] | None]:
    """Every readable row of `table`; None for each lookup that hit damage."""
    highest = _highest_rowid(db, table)
    rowid, last_found = 1, highest
    while rowid <= max(highest, last_found) + SEARCH_PAST_LAST:
        try:
            row = db.execute(f"SELECT {columns} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
        except sqlite3.Error:
            yield None
        else:
            if row is not None:
                last_found = max(last_found, rowid)
                yield dict(row)
        rowid += 1


def _usable_conversation(row: dict[str, Any]) -> bool:
    return isinstance(row.get("id"), str) and bool(row["id"])


def _usable_message(row: dict[str, Any]) -> bool:
    return isinstance(row.get("content"), str) and isinstance(row.get("conversation_id"), str)


def salvage(path: Path) -> Salvaged:
    """Conversations and messages readable from `path` (a scratch copy: SQLite may write it)."""
    conversations: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    misses = 0
    try:
        db = sqlite3.connect(path)
    except sqlite3.Error:
        return Salvaged([], [], 1)
    db.row_factory = sqlite3.Row
    try:
        columns = "id, title, created_at, updated_at, model_path, settings, deleted_at"
        for row in _rows(db, "conversations", columns):
            if row is None:
                misses += 1
            elif _usable_conversation(row):
                conversations.append(row)
        columns = "id, conversation_id, role, content, created_at, complete, stats"
        for row in _rows(db, "messages", columns):
            if row is None:
                misses += 1
            elif _usable_message(row):
                messages.append(row)
    finally:
        db.close()
    return Salvaged(conversations, messages, misses)

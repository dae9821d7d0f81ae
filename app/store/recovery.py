"""A damaged conversation database: keep it aside, copy what can be read into a fresh one.

The damaged file is never deleted or written: it is renamed (with its -wal/-shm files) to a
dated name next to the original, and rows are read from a scratch copy of it.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.store.connection import open_connection
from app.store.records import ROLES
from app.store.salvage import Salvaged, salvage

log = logging.getLogger(__name__)
SIDE_FILES = ("-wal", "-shm")
RECOVERED_TITLE = "Recovered messages"


@dataclass(frozen=True, slots=True)
class RecoveryReport:
    """What recovering a damaged database did."""

    path: Path  # the database in use now (fresh)
    kept_as: Path  # the damaged original, untouched
    reason: str
    conversations: int
    messages: int
    unreadable_lookups: int

    @property
    def folder(self) -> Path:
        return self.kept_as.parent

    def sentence(self) -> str:
        if self.conversations == 0 and self.messages == 0:
            return (
                "The conversation database was damaged and nothing in it could be read; Hearth "
                f"started with an empty one. The damaged file is kept as {self.kept_as}."
            )
        return (
            f"The conversation database was damaged: {self.conversations} conversations and "
            f"{self.messages} messages were recovered. The damaged original is kept as "
            f"{self.kept_as}."
        )


def aside_path(path: Path, when: float) -> Path:
    stamp = time.strftime("%Y-%m-%d_%H%M%S", time.localtime(when))
    candidate = path.with_name(f"{path.stem}.damaged-{stamp}{path.suffix}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.damaged-{stamp}-{n}{path.suffix}")
        n += 1
    return candidate


def _move_aside(path: Path, kept: Path) -> None:
    path.rename(kept)  # same folder: atomic, nothing copied, nothing overwritten
    for suffix in SIDE_FILES:
        side = Path(f"{path}{suffix}")
        if side.exists():
            side.rename(Path(f"{kept}{suffix}"))


def _read_scratch_copy(kept: Path) -> Salvaged:
    with tempfile.TemporaryDirectory(prefix="hearth-salvage-") as folder:
        scratch = Path(folder) / "copy.sqlite3"
        shutil.copyfile(kept, scratch)
        wal = Path(f"{kept}-wal")
        if wal.exists():
            shutil.copyfile(wal, Path(f"{scratch}-wal"))
        return salvage(scratch)


def _number(value: Any, fallback: float) -> float:
    return float(value) if isinstance(value, int | float) else fallback


def _write_conversations(
    db: sqlite3.Connection, rows: list[dict[str, Any]], now: float
) -> set[str]:
    kept: set[str] = set()
    for row in rows:
        created = _number(row.get("created_at"), now)
        settings = row.get("settings") if isinstance(row.get("settings"), str) else "{}"
        title = row.get("title") if isinstance(row.get("title"), str) else RECOVERED_TITLE
        deleted = row.get("deleted_at") if isinstance(row.get("deleted_at"), int | float) else None
        model = row.get("model_path") if isinstance(row.get("model_path"), str) else None
        cursor = db.execute(
            "INSERT OR IGNORE INTO conversations (id, title, created_at, updated_at, model_path,"
            " settings, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                row["id"],
                title,
                created,
                _number(row.get("updated_at"), created),
                model,
                settings,
                deleted,
            ),
        )
        if cursor.rowcount:
            kept.add(str(row["id"]))
    return kept


def _orphan_home(db: sqlite3.Connection, now: float) -> str:
    home = "recovered-" + time.strftime("%Y%m%d%H%M%S", time.localtime(now))
    db.execute(
        "INSERT OR IGNORE INTO conversations (id, title, created_at, updated_at, settings)"
        " VALUES (?, ?, ?, ?, '{}')",
        (home, RECOVERED_TITLE, now, now),
    )
    return home


def _write_messages(
    db: sqlite3.Connection, rows: list[dict[str, Any]], known: set[str], now: float
) -> tuple[int, int]:
    """Insert messages; those whose conversation was lost go to one "Recovered" chat."""
    written, orphans = 0, 0
    home: str | None = None
    for row in rows:
        conversation = row["conversation_id"]
        if conversation not in known:
            home = home or _orphan_home(db, now)
            conversation, orphans = home, orphans + 1
        role = row.get("role") if row.get("role") in ROLES else "notice"
        stats = row.get("stats") if isinstance(row.get("stats"), str) else None
        cursor = db.execute(
            "INSERT OR IGNORE INTO messages (id, conversation_id, role, content, created_at,"
            " complete, stats) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                row.get("id"),
                conversation,
                role,
                row["content"],
                _number(row.get("created_at"), now),
                1 if row.get("complete") != 0 else 0,
                stats,
            ),
        )
        written += cursor.rowcount
    return written, 1 if home else 0


def _write_fresh(path: Path, found: Salvaged, now: float) -> tuple[int, int]:
    db = open_connection(path)
    try:
        db.execute("BEGIN IMMEDIATE")
        known = _write_conversations(db, found.conversations, now)
        messages, extra = _write_messages(db, found.messages, known, now)
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return len(known) + extra, messages


def recover(path: Path, reason: str, clock: Callable[[], float] = time.time) -> RecoveryReport:
    """Move the damaged `path` aside and build a fresh database there from what is readable."""
    now = clock()
    kept = aside_path(path, now)
    _move_aside(path, kept)
    log.warning("conversation database %s is damaged (%s); kept as %s", path, reason, kept)
    found = _read_scratch_copy(kept)
    conversations, messages = _write_fresh(path, found, now)
    log.warning(
        "recovered %d conversations and %d messages (%d unreadable lookups) into %s",
        conversations,
        messages,
        found.unreadable_lookups,
        path,
    )
    return RecoveryReport(path, kept, reason, conversations, messages, found.unreadable_lookups)

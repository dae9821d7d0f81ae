"""Opening the conversation store at start-up so that it never ends in a dead end.

- a damaged file is recovered (`recovery.py`) and the report says what was saved;
- a folder that cannot be written gives a store in memory, marked as not saved;
- a file from a newer Hearth still raises SchemaTooNewError: the window asks, and may open
  `separate_database_path()` instead.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app import disk
from app.store.chat_store import ChatStore
from app.store.connection import MEMORY, read_only_uri
from app.store.errors import SchemaTooNewError, StoreError, UnreadableDatabaseError
from app.store.recovery import RecoveryReport, recover

log = logging.getLogger(__name__)
# Above this size start-up checks the file's schema and conversation list only (a whole
# quick_check reads every page: seconds at a million messages); the whole check then runs
# in the background upkeep (`check_in_background`) and flags damage for the next start.
FULL_CHECK_BYTES = 64 * 2**20


@dataclass(frozen=True, slots=True)
class OpenedStore:
    store: ChatStore
    recovery: RecoveryReport | None = None
    not_saved_reason: str | None = None  # set when the store lives in memory only

    def sentence(self) -> str | None:
        """One sentence for the window, or None when all was well."""
        if self.not_saved_reason:
            return self.not_saved_reason
        return self.recovery.sentence() if self.recovery else None


def separate_database_path(path: Path) -> Path:
    """Where to start afresh when `path` belongs to a newer Hearth (that file stays as it is)."""
    return path.with_name(f"{path.stem}.this-version{path.suffix}")


def _flag(path: Path) -> Path:
    return path.with_name(path.name + ".needs-check")


def check_in_background(path: Path) -> str | None:
    """The whole quick_check of a file too big to check at start-up; damage found is
    written beside it, so the next start checks it whole and recovers it."""
    if not path.is_file() or path.stat().st_size <= FULL_CHECK_BYTES:
        return None
    damage = damage_of(path, whole=True)
    if damage is not None:
        log.warning("%s is damaged (%s); it will be recovered at the next start", path, damage)
        _flag(path).write_text(damage, encoding="utf-8")
    return damage


def damage_of(path: Path, whole: bool | None = None) -> str | None:
    """What quick_check finds wrong with the file, read-only (None: sound, new or unreadable
    for another reason, which opening reports). Not ``whole`` (the default for a big file not
    flagged by the background check): its schema and conversation list only."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    if whole is None:
        whole = path.stat().st_size <= FULL_CHECK_BYTES or _flag(path).exists()
    try:
        db = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error:
        return None
    try:
        check = "PRAGMA quick_check" if whole else "PRAGMA quick_check(conversations)"
        rows = db.execute(check).fetchall()
        if db.execute("PRAGMA user_version").fetchone()[0]:
            db.execute(f"SELECT {'count(*)' if whole else 'max(id)'} FROM messages").fetchone()
    except sqlite3.OperationalError as error:
        return str(error) if _damaged_message(str(error)) else None
    except sqlite3.DatabaseError as error:
        return str(error)
    finally:
        db.close()
    findings = [str(row[0]) for row in rows]
    if findings == ["ok"]:
        if whole:
            _flag(path).unlink(missing_ok=True)
        return None
    return "; ".join(findings[:3])


def _in_memory(folder: Path, error: BaseException) -> OpenedStore:
    problem = disk.describe(error, folder)
    log.warning("conversations cannot be saved in %s (%s); keeping them in memory", folder, error)
    if problem.kind == "disk_full":
        why = problem.advice()
    else:
        why = f"The folder {folder} cannot be written."
    sentence = f"{why} Chats in this window are kept in memory only and will not be saved."
    return OpenedStore(ChatStore(MEMORY), not_saved_reason=sentence)


def open_store(path: Path) -> OpenedStore:
    """The store at `path`, recovered if damaged, or in memory if the folder is not writable."""
    try:
        damage = damage_of(path)
    except OSError as error:
        return _in_memory(path.parent, error)
    if damage is not None:
        return _recovered(path, damage)
    try:
        store = ChatStore(path)
    except SchemaTooNewError:
        raise
    except UnreadableDatabaseError as error:
        if not _damaged_message(error.reason):
            return _in_memory(path.parent, error.__cause__ or error)
        return _recovered(path, error.reason)
    except (OSError, StoreError, sqlite3.Error) as error:
        return _in_memory(path.parent, error)
    return OpenedStore(store)


def _damaged_message(reason: str) -> bool:
    text = reason.lower()
    return any(w in text for w in ("not a database", "malformed", "corrupt", "disk image"))


def _recovered(path: Path, reason: str) -> OpenedStore:
    try:
        report = recover(path, reason)
        return OpenedStore(ChatStore(path), recovery=report)
    except (OSError, StoreError, sqlite3.Error) as error:
        log.exception("recovering %s failed", path)
        return _in_memory(path.parent, error)

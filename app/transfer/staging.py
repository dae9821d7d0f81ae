"""The staging file of one import: the file's conversations are written here first, with
ids of their own, while the conversation store stays free for the app's writes (a reply
being saved); `merge.py` then copies them into the store in one short transaction.

The file lies next to the database (same disk, readable by its owner only) or, for a store
kept in memory, in the temporary folder. It is removed when the import ends, whatever the
outcome; one left by a crash is removed by the next import once it is a day old.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.store.rows import to_json
from app.store.tree_schema import ROOT
from app.transfer.model import ImportedConversation, ImportedNode
from app.transfer.order import parents_first

PREFIX = ".hearth-import-"
SUFFIX = ".sqlite3"
STALE_S = 24 * 3600  # a staging file this old belongs to no running import

_SCHEMA = (
    "CREATE TABLE conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL,"
    " created_at REAL NOT NULL, updated_at REAL NOT NULL, settings TEXT NOT NULL,"
    " source_id TEXT NOT NULL, leaf INTEGER NOT NULL)",
    "CREATE TABLE messages (id INTEGER PRIMARY KEY, conversation_id TEXT NOT NULL,"
    " role TEXT NOT NULL, content TEXT NOT NULL, created_at REAL NOT NULL,"
    " complete INTEGER NOT NULL, stats TEXT, thinking TEXT NOT NULL, parent_id INTEGER NOT NULL)",
)
_INSERT_MESSAGE = "INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"


@dataclass(frozen=True, slots=True)
class StagedConversation:
    id: str  # the id it will have in the store
    source_id: str
    messages: int
    branches: int
    skipped: tuple[str, ...]  # reasons of the messages left out of it


def branch_count(nodes: list[ImportedNode]) -> int:
    """Alternatives beyond the first: for each parent with k children, k - 1."""
    below = Counter(node.parent_key for node in nodes)
    return sum(k - 1 for k in below.values() if k > 1)


def _leaf(ordered: list[ImportedNode], current: str | None) -> str:
    if current is not None and any(n.key == current for n in ordered):
        return current
    parents = {n.parent_key for n in ordered}
    return next(n.key for n in reversed(ordered) if n.key not in parents)


def _remove_stale(folder: Path) -> None:
    with contextlib.suppress(OSError):
        for path in folder.glob(f"{PREFIX}*{SUFFIX}*"):
            with contextlib.suppress(OSError):
                if time.time() - path.stat().st_mtime > STALE_S:
                    path.unlink()


@contextlib.contextmanager
def staging_file(database: Path | None) -> Iterator[Path]:
    """A new, empty staging file beside `database` (None: in the temporary folder),
    removed afterwards."""
    folder = database.parent if database is not None else Path(tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder)
    handle, name = tempfile.mkstemp(prefix=PREFIX, suffix=SUFFIX, dir=folder)  # mode 0600
    os.close(handle)
    path = Path(name)
    try:
        yield path
    finally:
        for leftover in (path, path.with_name(path.name + "-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)


class StagingWriter:
    """Writes conversations into a staging file; message ids count up from 1 in the order
    they are added (parents first), so the merge only adds an offset."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode = OFF")  # a throwaway file: no rollback log
            self._db.execute("PRAGMA synchronous = OFF")
            for statement in _SCHEMA:
                self._db.execute(statement)
            self._db.execute("BEGIN")
        except BaseException:
            self._db.close()
            raise
        self._next_id = 1

    def add(self, conversation: ImportedConversation) -> StagedConversation:
        ordered = parents_first(list(conversation.nodes))
        ids = {node.key: self._next_id + index for index, node in enumerate(ordered)}
        self._next_id += len(ordered)
        record_id = uuid.uuid4().hex
        self._db.execute(
            "INSERT INTO conversations VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                record_id, conversation.title, conversation.created_at, conversation.updated_at,
                to_json(conversation.settings), conversation.source_id,
                ids[_leaf(ordered, conversation.current_key)],
            ),
        )  # fmt: skip
        self._db.executemany(
            _INSERT_MESSAGE,
            [
                (
                    ids[n.key], record_id, n.role, n.content, n.created_at, int(n.complete),
                    to_json(n.stats), n.thinking,
                    ROOT if n.parent_key is None else ids[n.parent_key],
                )
                for n in ordered
            ],
        )  # fmt: skip
        return StagedConversation(
            record_id,
            conversation.source_id,
            len(ordered),
            branch_count(ordered),
            conversation.skipped,
        )

    def finish(self) -> None:
        """Commit what was staged (the merge reads it through another connection)."""
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()

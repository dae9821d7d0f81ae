"""ChatStore: conversations and their messages in one SQLite file (WAL, no Qt).

Used from one thread (the GUI thread). Every write is its own short transaction, so a crash
loses only what was never handed to the store; a streaming reply is saved as a partial message
and updated in place (one-row UPDATEs) until it is marked complete.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import disk, paths
from app.store import tree
from app.store.branch_methods import BranchMethods
from app.store.connection import MEMORY, open_connection
from app.store.errors import NotFoundError, StoreError, StoreWriteError
from app.store.records import DEFAULT_TITLE, ROLES, ConversationRecord, StoredMessage
from app.store.rows import (
    CONVERSATION_COLUMNS,
    MESSAGE_COLUMNS,
    conversation_from_row,
    message_from_row,
    to_json,
)
from app.store.search import find
from app.store.tree_schema import ROOT

_NEWEST_FIRST = "ORDER BY updated_at DESC, rowid DESC"


@dataclass(frozen=True, slots=True)
class ImportedMessage:
    role: str
    content: str
    created_at: float
    complete: bool = True
    stats: dict[str, Any] | None = None


def _clean_title(title: str) -> str:
    return " ".join(title.split()) or DEFAULT_TITLE


class ChatStore(BranchMethods):
    """``ChatStore(MEMORY)`` keeps everything in memory (a folder that cannot be written)."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        self._db: sqlite3.Connection | None = open_connection(path)

    @property
    def in_memory(self) -> bool:
        return self.path == MEMORY

    @classmethod
    def open_default(cls) -> ChatStore:
        return cls(paths.database_path())

    def __enter__(self) -> ChatStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Fold the write-ahead log back into the file and close; safe to call twice."""
        if self._db is None:
            return
        db, self._db = self._db, None
        try:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass  # a full disk: the WAL keeps the data and is folded in at the next open
        finally:
            db.close()

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise StoreError(f"the conversation store {self.path} is closed")
        return self._db

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Turn a failed write (full disk, read-only file...) into a StoreWriteError."""
        try:
            yield
        except sqlite3.IntegrityError:
            raise
        except (sqlite3.OperationalError, sqlite3.DatabaseError, OSError) as error:
            size = self.path.stat().st_size if not self.in_memory and self.path.exists() else 0
            raise StoreWriteError(
                disk.describe(error, self.path.parent, file_bytes=size)
            ) from error

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._writing():
            db = self._conn
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # conversations -------------------------------------------------------------------------

    def create_conversation(
        self,
        title: str = DEFAULT_TITLE,
        model_path: str | None = None,
        settings: dict[str, Any] | None = None,
    ) -> ConversationRecord:
        now = self._clock()
        record = ConversationRecord(
            uuid.uuid4().hex, _clean_title(title), now, now, model_path, dict(settings or {})
        )
        with self._writing():
            self._conn.execute(
                f"INSERT INTO conversations ({CONVERSATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                (record.id, record.title, now, now, model_path, to_json(record.settings)),
            )
        return record

    def conversation(
        self, conversation_id: str, *, include_trashed: bool = False
    ) -> ConversationRecord | None:
        trash = "" if include_trashed else " AND deleted_at IS NULL"
        row = self._conn.execute(
            f"SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = ?{trash}",
            (conversation_id,),
        ).fetchone()
        return conversation_from_row(row) if row else None

    def list_conversations(self) -> list[ConversationRecord]:
        """Conversations not in the trash, most recently updated first."""
        rows = self._conn.execute(
            f"SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE deleted_at IS NULL "
            + _NEWEST_FIRST
        )
        return [conversation_from_row(row) for row in rows]

    def trashed_conversations(self) -> list[ConversationRecord]:
        """Soft-deleted conversations, most recently deleted first."""
        rows = self._conn.execute(
            f"SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE deleted_at IS NOT NULL "
            "ORDER BY deleted_at DESC, rowid DESC"
        )
        return [conversation_from_row(row) for row in rows]

    def _update_conversation(self, conversation_id: str, column: str, value: object) -> None:
        with self._writing():
            cursor = self._conn.execute(
                f"UPDATE conversations SET {column} = ? WHERE id = ?", (value, conversation_id)
            )
        if cursor.rowcount == 0:
            raise NotFoundError(f"no conversation {conversation_id!r}")

    def rename(self, conversation_id: str, title: str) -> None:
        """Change the title (whitespace collapsed); does not move the chat up the list."""
        self._update_conversation(conversation_id, "title", _clean_title(title))

    def set_model(self, conversation_id: str, model_path: str | None) -> None:
        self._update_conversation(conversation_id, "model_path", model_path)

    def set_settings(self, conversation_id: str, settings: dict[str, Any]) -> None:
        self._update_conversation(conversation_id, "settings", to_json(settings))

    def delete_conversation(self, conversation_id: str) -> None:
        """Move to the trash (undo with restore_conversation); trashing twice is a no-op."""
        with self._transaction() as db:
            if self.conversation(conversation_id, include_trashed=True) is None:
                raise NotFoundError(f"no conversation {conversation_id!r}")
            db.execute(
                "UPDATE conversations SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                (self._clock(), conversation_id),
            )

    def restore_conversation(self, conversation_id: str) -> None:
        self._update_conversation(conversation_id, "deleted_at", None)

    def purge_deleted(self, *, deleted_before: float | None = None) -> int:
        """Really delete trashed conversations (and their messages); return how many."""
        cutoff = "" if deleted_before is None else " AND deleted_at < ?"
        parameters = () if deleted_before is None else (deleted_before,)
        with self._writing():
            cursor = self._conn.execute(
                "DELETE FROM conversations WHERE deleted_at IS NOT NULL" + cutoff, parameters
            )
        return cursor.rowcount

    # messages ------------------------------------------------------------------------------

    def messages(self, conversation_id: str) -> list[StoredMessage]:
        """The conversation as it reads now: the path from its root to its current leaf."""
        return tree.current_path(self._conn, conversation_id)

    def all_messages(self, conversation_id: str) -> list[StoredMessage]:
        """Every message of every branch, oldest first (``parent_id`` gives the tree)."""
        rows = self._conn.execute(
            f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? ORDER BY id",
            (conversation_id,),
        )
        return [message_from_row(row) for row in rows]

    def message(self, message_id: int) -> StoredMessage | None:
        row = self._conn.execute(
            f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
        return message_from_row(row) if row else None

    def _touch(self, db: sqlite3.Connection, conversation_id: str, now: float) -> None:
        cursor = db.execute(
            "UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conversation_id)
        )
        if cursor.rowcount == 0:
            raise NotFoundError(f"no conversation {conversation_id!r}")

    def add_message(
        self,
        conversation_id: str,
        role: str,
        content: str,
        *,
        complete: bool = True,
        stats: dict[str, Any] | None = None,
        thinking: str = "",
        parent_id: int | None = None,
    ) -> StoredMessage:
        """Add a message under ``parent_id`` (default: the current leaf; ``tree.ROOT``: a new
        first message); it becomes the conversation's current leaf."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; expected one of {sorted(ROLES)}")
        now = self._clock()
        with self._transaction() as db:
            self._touch(db, conversation_id, now)
            if parent_id is None:
                parent_id = tree.current_leaf(db, conversation_id) or ROOT
            cursor = db.execute(
                "INSERT INTO messages (conversation_id, role, content, created_at, complete,"
                " stats, thinking, parent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    conversation_id,
                    role,
                    content,
                    now,
                    int(complete),
                    to_json(stats),
                    thinking,
                    parent_id,
                ),
            )
        message_id = cursor.lastrowid
        assert message_id is not None
        return StoredMessage(
            message_id,
            conversation_id,
            role,
            content,
            now,
            complete,
            stats,
            thinking,
            parent_id or None,
        )

    def update_message(
        self,
        message_id: int,
        content: str,
        *,
        complete: bool,
        stats: dict[str, Any] | None = None,
        thinking: str | None = None,
    ) -> None:
        """Replace a message's text in place; ``stats=None`` and ``thinking=None`` keep what
        is stored."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE messages SET content = ?, complete = ?, stats = coalesce(?, stats),"
                " thinking = coalesce(?, thinking) WHERE id = ?",
                (content, int(complete), to_json(stats), thinking, message_id),
            )
            if cursor.rowcount == 0:
                raise NotFoundError(f"no message {message_id}")
            db.execute(
                "UPDATE conversations SET updated_at = ?"
                " WHERE id = (SELECT conversation_id FROM messages WHERE id = ?)",
                (self._clock(), message_id),
            )

    def delete_message(self, message_id: int) -> None:
        """Delete one message (a missing one is ignored); the messages after it stay, joined
        to the one before it."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT conversation_id FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
            if row is not None:
                db.execute("DELETE FROM messages WHERE id = ?", (message_id,))
                tree.settle_leaf(db, row[0])
                self._touch(db, row[0], self._clock())

    def delete_messages_from(self, conversation_id: str, message_id: int) -> int:
        """Delete this message and everything below it in the tree; return how many."""
        with self._transaction() as db:
            ids = [
                i
                for i in tree.subtree(db, message_id)
                if db.execute(
                    "SELECT 1 FROM messages WHERE id = ? AND conversation_id = ?",
                    (i, conversation_id),
                ).fetchone()
            ]
            for found in reversed(ids):  # leaves first: nothing is handed to a parent
                db.execute("DELETE FROM messages WHERE id = ?", (found,))
            if ids:
                tree.settle_leaf(db, conversation_id)
                self._touch(db, conversation_id, self._clock())
        return len(ids)

    # queries -------------------------------------------------------------------------------

    def search(self, query: str) -> list[ConversationRecord]:
        """Conversations whose title or message text contains ``query`` literally.

        Case-, accent- and Unicode-insensitive (Straße matches STRASSE); % and _ are plain
        characters. Notices and trashed conversations are left out; a blank query lists
        everything. The UI searches off its thread with ``search.SearchReader`` instead.
        """
        if not query.strip():
            return self.list_conversations()
        return [hit.conversation for hit in find(self._conn, query).hits]

    def count_conversations(self) -> int:
        """Conversations not in the trash (one index scan; call off the start-up path)."""
        row = self._conn.execute("SELECT count(*) FROM conversations WHERE deleted_at IS NULL")
        return int(row.fetchone()[0])

    def add_conversation_with_messages(
        self,
        title: str,
        created_at: float,
        messages: Sequence[ImportedMessage],
        *,
        settings: dict[str, Any] | None = None,
    ) -> ConversationRecord:
        """Add a whole conversation (an import) in one transaction, keeping its timestamps."""
        updated = max([created_at, *(m.created_at for m in messages)])
        record = ConversationRecord(
            uuid.uuid4().hex, _clean_title(title), created_at, updated, None, dict(settings or {})
        )
        with self._transaction() as db:
            db.execute(
                f"INSERT INTO conversations ({CONVERSATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                (record.id, record.title, created_at, updated, None, to_json(record.settings)),
            )
            db.executemany(
                "INSERT INTO messages (conversation_id, role, content, created_at, complete,"
                " stats) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (record.id, m.role, m.content, m.created_at, int(m.complete), to_json(m.stats))
                    for m in messages
                ],
            )
        return record

    def conversation_page(self, offset: int, limit: int) -> list[ConversationRecord]:
        """``limit`` conversations of ``list_conversations()`` from ``offset`` on."""
        rows = self._conn.execute(
            f"SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE deleted_at IS NULL "
            + _NEWEST_FIRST
            + " LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [conversation_from_row(row) for row in rows]

    def integrity_check(self) -> str:
        """Return "ok" when the file and its foreign keys are sound, else the findings."""
        findings = [str(row[0]) for row in self._conn.execute("PRAGMA integrity_check")]
        broken = self._conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            findings = [f for f in findings if f != "ok"]
            findings.append(f"{len(broken)} messages point at missing conversations")
        return "\n".join(findings)

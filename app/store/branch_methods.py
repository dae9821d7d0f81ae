"""ChatStore's branch methods: the current path, switching between alternatives, forks."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from app.store import tree
from app.store.errors import NotFoundError
from app.store.records import ConversationRecord, StoredMessage
from app.store.rows import to_json
from app.store.tree_schema import ROOT


class BranchMethods:
    """Mixed into ChatStore; uses its connection, transactions and record methods."""

    if TYPE_CHECKING:

        @property
        def _conn(self) -> sqlite3.Connection: ...

        def _transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

        def _update_conversation(
            self, conversation_id: str, column: str, value: object
        ) -> None: ...

        def message(self, message_id: int) -> StoredMessage | None: ...

        def messages(self, conversation_id: str) -> list[StoredMessage]: ...

        def conversation(
            self, conversation_id: str, *, include_trashed: bool = False
        ) -> ConversationRecord | None: ...

        def create_conversation(
            self,
            title: str = ...,
            model_path: str | None = None,
            settings: dict[str, Any] | None = None,
        ) -> ConversationRecord: ...

    def current_leaf(self, conversation_id: str) -> int | None:
        return tree.current_leaf(self._conn, conversation_id)

    def path_to(self, message_id: int) -> list[StoredMessage]:
        """The messages from the root down to ``message_id``, in reading order."""
        return tree.path_to(self._conn, message_id)

    def set_current_leaf(self, conversation_id: str, message_id: int) -> None:
        """Make the path ending at ``message_id`` the one the conversation reads."""
        found = self.message(message_id)
        if found is None or found.conversation_id != conversation_id:
            raise NotFoundError(f"no message {message_id} in conversation {conversation_id!r}")
        self._update_conversation(conversation_id, "current_leaf", message_id)

    def switch_branch(self, message_id: int) -> list[StoredMessage]:
        """Show the branch through ``message_id`` (its newest continuation); return the path."""
        found = self.message(message_id)
        if found is None:
            raise NotFoundError(f"no message {message_id}")
        leaf = tree.newest_leaf_under(self._conn, message_id)
        self.set_current_leaf(found.conversation_id, leaf)
        return self.messages(found.conversation_id)

    def siblings(self, message_id: int) -> list[int]:
        """The alternatives of a message (itself included), oldest first."""
        return tree.siblings(self._conn, message_id)

    def branch_positions(
        self, conversation_id: str, path: list[StoredMessage] | None = None
    ) -> dict[int, tree.BranchPosition]:
        """For each message on the path (default: the current one) that has alternatives."""
        path = self.messages(conversation_id) if path is None else path
        return tree.branch_positions(self._conn, conversation_id, path)

    def fork(self, message_id: int, title: str | None = None) -> ConversationRecord:
        """A new conversation holding a copy of the path down to ``message_id``."""
        path = self.path_to(message_id)
        if not path:
            raise NotFoundError(f"no message {message_id}")
        source = self.conversation(path[0].conversation_id, include_trashed=True)
        assert source is not None
        record = self.create_conversation(
            title or source.title, model_path=source.model_path, settings=source.settings
        )
        with self._transaction() as db:
            parent = ROOT
            for m in path:
                cursor = db.execute(
                    "INSERT INTO messages (conversation_id, role, content, created_at,"
                    " complete, stats, thinking, parent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        record.id,
                        m.role,
                        m.content,
                        m.created_at,
                        int(m.complete),
                        to_json(m.stats),
                        m.thinking,
                        parent,
                    ),
                )
                parent = int(cursor.lastrowid or 0)
        return record

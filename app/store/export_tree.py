"""Exporting a conversation from the store with its branches: JSON holds the whole tree,
Markdown the path shown with a note where a message has other versions."""

from __future__ import annotations

from typing import Any

from app.store.chat_store import ChatStore
from app.store.errors import NotFoundError
from app.store.export import export_document, export_json, export_markdown
from app.store.records import ConversationRecord
from app.store.tree import current_leaf


def source_id(store: ChatStore, conversation_id: str) -> str | None:
    """Where an imported conversation came from ("chatgpt:<id>"...), None for Hearth's own."""
    row = store._conn.execute(
        "SELECT source_id FROM conversations WHERE id = ?", (conversation_id,)
    ).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def tree_document(store: ChatStore, record: ConversationRecord) -> dict[str, Any]:
    """The JSON-ready document of one conversation: every message of every branch."""
    return export_document(
        record,
        store.all_messages(record.id),
        current_leaf=current_leaf(store._conn, record.id),
        source_id=source_id(store, record.id),
    )


def export_conversation(store: ChatStore, conversation_id: str, kind: str) -> str:
    """``kind`` "json": the whole tree; "md": the current path with notes on branches."""
    record = store.conversation(conversation_id, include_trashed=True)
    if record is None:
        raise NotFoundError(f"no conversation {conversation_id!r}")
    if kind == "json":
        return export_json(
            record,
            store.all_messages(conversation_id),
            current_leaf=current_leaf(store._conn, conversation_id),
            source_id=source_id(store, conversation_id),
        )
    path = store.messages(conversation_id)
    return export_markdown(record, path, store.branch_positions(conversation_id, path))

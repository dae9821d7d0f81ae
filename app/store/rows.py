"""Turning rows into values and values into column text."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from app.store.records import ConversationRecord, StoredMessage

CONVERSATION_COLUMNS = "id, title, created_at, updated_at, model_path, settings"
MESSAGE_COLUMNS = (
    "id, conversation_id, role, content, created_at, complete, stats, thinking, parent_id"
)


def to_json(value: dict[str, Any] | None) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _from_json(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else None


def conversation_from_row(row: sqlite3.Row) -> ConversationRecord:
    return ConversationRecord(
        id=row["id"],
        title=row["title"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        model_path=row["model_path"],
        settings=_from_json(row["settings"]) or {},
    )


def message_from_row(row: sqlite3.Row) -> StoredMessage:
    return StoredMessage(
        id=row["id"],
        conversation_id=row["conversation_id"],
        role=row["role"],
        content=row["content"],
        created_at=row["created_at"],
        complete=bool(row["complete"]),
        stats=_from_json(row["stats"]),
        thinking=row["thinking"] or "",
        parent_id=row["parent_id"] or None,
    )

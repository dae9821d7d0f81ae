"""Export one conversation as Markdown (to read or share) or JSON (to keep or process)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from app.chat.remote import display_name
from app.store.records import ConversationRecord, StoredMessage

EXPORT_FORMAT = "hearth-conversation"
EXPORT_VERSION = 2  # 2: messages carry "thinking" apart from "content"

_SPEAKERS = {"user": "You", "assistant": "Assistant", "system": "System", "notice": "Notice"}


def model_name(model_path: str | None) -> str | None:
    """The model's file name; full paths stay out of exports (they name the user's folders)."""
    return display_name(model_path) if model_path else None


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


def _local(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).astimezone().strftime("%Y-%m-%d %H:%M %z")


def export_markdown(record: ConversationRecord, messages: Sequence[StoredMessage]) -> str:
    """``# Title``, a details line, then one ``**You:**``/``**Assistant:**`` section per
    message with its content verbatim; a reply's thinking comes first, as a quoted block."""
    title = " ".join(record.title.split()) or "Untitled"
    details = [f"Created {_local(record.created_at)}"]
    if (name := model_name(record.model_path)) is not None:
        details.insert(0, f"Model: `{name}`")
    parts = [f"# {title}", "*" + " · ".join(details) + "*"]
    for message in messages:
        speaker = _SPEAKERS.get(message.role, message.role.capitalize())
        parts.append(f"**{speaker}:**")
        if message.thinking:
            parts.append(_thinking_markdown(message))
        parts.append(message.content)
        if not message.complete:
            parts.append("*(reply incomplete)*")
    return "\n\n".join(parts) + "\n"


def _thinking_markdown(message: StoredMessage) -> str:
    """Thinking as a quoted block headed *Thinking*, so it never reads as the answer."""
    label = "Thinking" if message.content or message.complete else "Thinking (unfinished)"
    quoted = "\n".join(f"> {line}" if line else ">" for line in message.thinking.splitlines())
    return f"> *{label}:*\n>\n{quoted}"


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: write null instead of an invalid file."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def _message_json(message: StoredMessage) -> dict[str, Any]:
    return {
        "role": message.role,
        "content": message.content,
        "thinking": message.thinking or None,
        "created_at": _iso(message.created_at),
        "complete": message.complete,
        "stats": message.stats,
    }


def export_document(
    record: ConversationRecord, messages: Sequence[StoredMessage]
) -> dict[str, Any]:
    """One conversation as JSON-ready values (non-finite numbers already replaced by None)."""
    document = {
        "format": EXPORT_FORMAT,
        "schema_version": EXPORT_VERSION,
        "id": record.id,
        "title": record.title,
        "model": model_name(record.model_path),
        "created_at": _iso(record.created_at),
        "updated_at": _iso(record.updated_at),
        "settings": record.settings,
        "messages": [_message_json(message) for message in messages],
    }
    finite: dict[str, Any] = _finite(document)
    return finite


def export_json(record: ConversationRecord, messages: Sequence[StoredMessage]) -> str:
    """Pretty JSON: format and version, title, model, timestamps (ISO 8601, UTC), settings,
    and the messages with their roles and stats."""
    document = export_document(record, messages)
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def suggested_filename(record: ConversationRecord, suffix: str) -> str:
    """A safe file name for an export, e.g. ``Trip to Lisbon.md``."""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", record.title)
    stem = " ".join(stem.split()).strip(" .")[:80] or "conversation"
    return f"{stem}.{suffix.lstrip('.')}"

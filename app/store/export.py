"""Export one conversation as Markdown (to read or share) or JSON (to keep or process)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from app.chat.remote import display_name
from app.store.records import ConversationRecord, StoredMessage
from app.store.tree import BranchPosition

EXPORT_FORMAT = "hearth-conversation"
EXPORT_VERSION = 3  # 2: messages carry "thinking"; 3: the whole tree (id, parent_id, current_leaf)

_SPEAKERS = {"user": "You", "assistant": "Assistant", "system": "System", "notice": "Notice"}


def model_name(model_path: str | None) -> str | None:
    """The model's file name; full paths stay out of exports (they name the user's folders)."""
    return display_name(model_path) if model_path else None


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


def _local(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).astimezone().strftime("%Y-%m-%d %H:%M %z")


def export_markdown(
    record: ConversationRecord,
    messages: Sequence[StoredMessage],
    branches: Mapping[int, BranchPosition] | None = None,
) -> str:
    """``# Title``, a details line, then one ``**You:**``/``**Assistant:**`` section per
    message of the path shown, with its content verbatim; a reply's thinking comes first,
    as a quoted block, and its figures after it. ``branches`` (the store's
    ``branch_positions``) adds a note where a message has other versions."""
    branches = branches or {}
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
        if (figures := reply_figures(message.stats)) is not None:
            parts.append(f"*{figures}*")
        if (position := branches.get(message.id)) is not None:
            parts.append(f"*{_versions_note(message, position)}*")
    return "\n\n".join(parts) + "\n"


def _versions_note(message: StoredMessage, position: BranchPosition) -> str:
    others = position.count - 1
    what = "reply" if message.role == "assistant" else "message"
    versions = "version" if others == 1 else "versions"
    return (
        f"(version {position.label} of this {what}; the {others} other {versions} are kept"
        " in Hearth and in the JSON export)"
    )


def reply_figures(stats: Mapping[str, Any] | None) -> str | None:
    """A reply's figures in one line, e.g. "42 tokens · 12.5 tokens/s · 0.31 s to first
    token"; None when it has none."""
    if not stats:
        return None
    figures = []
    if isinstance(tokens := stats.get("generated_tokens"), int) and tokens > 0:
        figures.append(f"{tokens} tokens")
    if isinstance(thought := stats.get("thinking_tokens"), int) and thought > 0:
        figures.append(f"{thought} thinking tokens")
    if isinstance(rate := stats.get("decode_tps"), int | float) and rate > 0:
        figures.append(f"{rate:.1f} tokens/s")
    if isinstance(ttft := stats.get("ttft_s"), int | float) and ttft > 0:
        figures.append(f"{ttft:.2f} s to first token")
    return " · ".join(figures) or None


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
        "id": message.id,
        "parent_id": message.parent_id,
        "role": message.role,
        "content": message.content,
        "thinking": message.thinking or None,
        "created_at": _iso(message.created_at),
        "complete": message.complete,
        "stats": message.stats,
    }


def export_document(
    record: ConversationRecord,
    messages: Sequence[StoredMessage],
    *,
    current_leaf: int | None = None,
    source_id: str | None = None,
) -> dict[str, Any]:
    """One conversation as JSON-ready values (non-finite numbers already replaced by None).
    ``messages`` is the whole tree (``ChatStore.all_messages``) or a path; ``current_leaf``
    names the message the conversation reads up to (default: the last one)."""
    if current_leaf is None and messages:
        current_leaf = messages[-1].id
    document = {
        "format": EXPORT_FORMAT,
        "schema_version": EXPORT_VERSION,
        "id": record.id,
        "title": record.title,
        "model": model_name(record.model_path),
        "created_at": _iso(record.created_at),
        "updated_at": _iso(record.updated_at),
        "settings": record.settings,
        "source_id": source_id,
        "current_leaf": current_leaf,
        "messages": [_message_json(message) for message in messages],
    }
    finite: dict[str, Any] = _finite(document)
    return finite


def export_json(
    record: ConversationRecord,
    messages: Sequence[StoredMessage],
    *,
    current_leaf: int | None = None,
    source_id: str | None = None,
) -> str:
    """Pretty JSON: format and version, title, model, timestamps (ISO 8601, UTC), settings,
    the current leaf, and the messages with their ids, parents, roles, thinking and stats."""
    document = export_document(record, messages, current_leaf=current_leaf, source_id=source_id)
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def suggested_filename(record: ConversationRecord, suffix: str) -> str:
    """A safe file name for an export, e.g. ``Trip to Lisbon.md``."""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", record.title)
    stem = " ".join(stem.split()).strip(" .")[:80] or "conversation"
    return f"{stem}.{suffix.lstrip('.')}"

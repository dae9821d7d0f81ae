"""Hearth's own JSON export: one conversation (``hearth-conversation``), or export-all's
JSON Lines (one such document per line).

Version 3 documents hold the whole tree: each message has its ``id`` and ``parent_id``
(null at the top) and the document its ``current_leaf``; versions 1 and 2 hold a linear
chat. Texts and thinking are kept exactly (only control characters other than newline and
tab are removed, as for every import).
"""

from __future__ import annotations

from typing import Any

from app.transfer.clean import clean_text, clean_title, seconds
from app.transfer.model import BadFileError, ImportedConversation, ImportedNode

FORMAT = "hearth-conversation"
_ROLES = frozenset({"system", "user", "assistant", "notice"})


def _key(value: object) -> str | None:
    return None if value is None or isinstance(value, bool) else str(value)


def _node(
    message: object, index: int, previous: str | None, tree: bool, where: str
) -> ImportedNode:
    if not isinstance(message, dict):
        raise BadFileError(f"{where}: message {index + 1} is not an object")
    role = message.get("role")
    if role not in _ROLES:
        raise BadFileError(f"{where}: message {index + 1} has an unknown role {role!r}")
    key = _key(message.get("id")) if tree else None
    parent = _key(message.get("parent_id")) if tree else previous
    stats = message.get("stats")
    return ImportedNode(
        key or f"#{index}",
        parent,
        role,
        clean_text(message.get("content")),
        seconds(message.get("created_at")) or 0.0,
        clean_text(message.get("thinking")),
        stats if isinstance(stats, dict) else None,
        message.get("complete") is not False,
    )


def read_hearth(document: dict[str, Any], number: int) -> ImportedConversation:
    title = clean_title(document.get("title"), "Imported chat")
    where = f"conversation {number} (“{title}”)"
    messages = document.get("messages")
    if not isinstance(messages, list):
        raise BadFileError(f"{where}: 'messages' should be a list")
    version = document.get("schema_version")
    tree = isinstance(version, int) and version >= 3
    nodes: list[ImportedNode] = []
    previous: str | None = None
    for index, message in enumerate(messages):
        node = _node(message, index, previous, tree, where)
        nodes.append(node)
        previous = node.key
    keys = {n.key for n in nodes}
    nodes = [n if n.parent_key in keys or n.parent_key is None else _orphan(n) for n in nodes]
    created = seconds(document.get("created_at")) or min((n.created_at for n in nodes), default=0)
    updated = seconds(document.get("updated_at")) or created
    leaf = _key(document.get("current_leaf")) if tree else previous
    source = document.get("source_id") or f"hearth:{clean_text(document.get('id'))}"
    if source == "hearth:":
        raise BadFileError(f"{where} has no 'id'")
    settings = document.get("settings")
    return ImportedConversation(
        title, created, max(created, updated), clean_text(source), tuple(nodes),
        leaf if leaf in keys else None, settings if isinstance(settings, dict) else {},
    )  # fmt: skip


def _orphan(node: ImportedNode) -> ImportedNode:
    return ImportedNode(
        node.key, None, node.role, node.content, node.created_at, node.thinking,
        node.stats, node.complete,
    )  # fmt: skip

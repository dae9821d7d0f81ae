"""Claude's data export (``conversations.json``): a list of conversations, each with its
``chat_messages`` in order. Messages are linear unless they carry
``parent_message_uuid`` (then the export holds the tree, edits and retries as branches).
Text comes from the ``content`` blocks (``text``; ``thinking`` goes apart; tool use and
results become notes), or from ``text`` for older exports; attachments and files become
notes such as ``[file omitted: photo.png]``; an attachment's extracted text is kept.
Claude's export does not say which branch was shown last: the newest one is current.
"""

from __future__ import annotations

from typing import Any

from app.transfer.clean import clean_text, clean_title, seconds
from app.transfer.model import BadFileError, ImportedConversation, ImportedNode
from app.transfer.order import parents_first

EMPTY = "empty messages"
_ROLES = {"human": "user", "user": "user", "assistant": "assistant"}


def _block(block: object) -> tuple[str, str]:
    """(text, thinking) of one content block."""
    if not isinstance(block, dict):
        return "", ""
    kind = clean_text(block.get("type")) or "unknown"
    if kind == "text":
        return clean_text(block.get("text")), ""
    if kind == "thinking":
        return "", clean_text(block.get("thinking"))
    if kind == "tool_use":
        return f"[tool use: {clean_text(block.get('name')) or 'tool'}]", ""
    if kind == "tool_result":
        inner = block.get("content")
        texts = [_block(b)[0] for b in inner] if isinstance(inner, list) else []
        body = "\n".join(t for t in texts if t)
        name = clean_text(block.get("name")) or "tool"
        return (f"[tool result: {name}]\n{body}" if body else f"[tool result: {name}]"), ""
    return f"[{kind} omitted]", ""


def _attachments(message: dict[str, Any]) -> list[str]:
    notes: list[str] = []
    for attachment in message.get("attachments") or []:
        if isinstance(attachment, dict):
            name = clean_text(attachment.get("file_name")) or "attachment"
            extracted = clean_text(attachment.get("extracted_content"))
            notes.append(f"[attachment: {name}]" + (f"\n{extracted}" if extracted else ""))
    for file in message.get("files") or []:
        if isinstance(file, dict):
            notes.append(f"[file omitted: {clean_text(file.get('file_name')) or 'file'}]")
    return notes


def _text(message: dict[str, Any]) -> tuple[str, str]:
    blocks = message.get("content")
    if isinstance(blocks, list) and blocks:
        pairs = [_block(b) for b in blocks]
        text = "\n\n".join(t for t, _ in pairs if t)
        thinking = "\n\n".join(t for _, t in pairs if t)
    else:
        text, thinking = clean_text(message.get("text")), ""
    text = "\n\n".join(x for x in (text, *_attachments(message)) if x)
    return text, thinking


def _newest_leaf(nodes: list[ImportedNode], start: str | None) -> str | None:
    below: dict[str | None, list[str]] = {}
    for node in nodes:
        below.setdefault(node.parent_key, []).append(node.key)
    leaf = start
    while leaf in below:
        leaf = below[leaf][-1]
    return leaf


def read_claude(conversation: dict[str, Any], number: int) -> ImportedConversation:
    title = clean_title(conversation.get("name"), "Imported Claude chat")
    messages = conversation.get("chat_messages")
    if not isinstance(messages, list):
        raise BadFileError(
            f"conversation {number} (“{title}”): 'chat_messages' should be a list, found"
            f" {type(messages).__name__ if messages is not None else 'nothing'}"
        )
    uuid = clean_text(conversation.get("uuid"))
    if not uuid:
        raise BadFileError(f"conversation {number} (“{title}”) has no 'uuid'")
    branched = any(isinstance(m, dict) and "parent_message_uuid" in m for m in messages)
    start = seconds(conversation.get("created_at")) or 0.0
    keys = {clean_text(m.get("uuid")) for m in messages if isinstance(m, dict)}
    nodes: list[ImportedNode] = []
    skipped: list[str] = []
    previous: str | None = None
    left_out: dict[str, str | None] = {}  # a skipped message's key -> its parent
    when = start
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            raise BadFileError(
                f"conversation {number} (“{title}”): message {index + 1} is not an object"
            )
        key = clean_text(message.get("uuid")) or f"#{index}"
        parent = clean_text(message.get("parent_message_uuid")) if branched else previous
        parent = parent if parent in keys and parent != key else None
        when = seconds(message.get("created_at")) or when
        role = _ROLES.get(clean_text(message.get("sender")), "notice")
        text, thinking = _text(message)
        if not text and not thinking:
            skipped.append(EMPTY)
            left_out[key] = parent
            continue
        if role == "notice":
            text = f"[{clean_text(message.get('sender')) or 'unknown sender'}]\n{text}"
        nodes.append(ImportedNode(key, parent, role, text, when, thinking))
        previous = key
    nodes = parents_first(nodes, left_out)
    last = nodes[-1].key if nodes else None
    current = _newest_leaf(nodes, max(nodes, key=lambda n: n.created_at).key if nodes else last)
    updated = seconds(conversation.get("updated_at")) or when
    return ImportedConversation(
        title, start or when, max(start, updated), "claude:" + uuid, tuple(nodes), current,
        skipped=tuple(skipped),
    )  # fmt: skip

"""ChatGPT's data export (``conversations.json``, also inside the export zip).

Each conversation is a tree: ``mapping`` holds nodes ``{id, message, parent, children}``,
the first with ``message: null``; ``current_node`` is the leaf the person saw last.
Roles: user and assistant as they are; system and tool messages become notices whose text
starts with ``[system]`` or ``[tool: name]`` (the model never reads notices). Messages
flagged ``metadata.is_visually_hidden_from_conversation`` (the hidden system prompt and
context) and empty messages are left out and counted; the messages below them are joined
to the nearest one kept.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterator
from typing import Any

from app.transfer.chatgpt_parts import content_text
from app.transfer.clean import clean_text, clean_title, seconds
from app.transfer.model import BadFileError, ImportedConversation, ImportedNode

HIDDEN = "hidden messages"
EMPTY = "empty messages"
UNREACHABLE = "messages outside the conversation's tree"


def _source_id(conversation: dict[str, Any]) -> str:
    found = conversation.get("conversation_id") or conversation.get("id")
    if isinstance(found, str) and found:
        return "chatgpt:" + clean_text(found)
    seed = f"{conversation.get('title')}|{conversation.get('create_time')}"
    return "chatgpt:sha1-" + hashlib.sha1(seed.encode("utf-8", "replace")).hexdigest()


def _role_and_text(message: dict[str, Any]) -> tuple[str, str, str]:
    author = message.get("author")
    author = author if isinstance(author, dict) else {}
    role = clean_text(author.get("role")) or "unknown"
    text, thinking = content_text(message.get("content"))
    if role in ("user", "assistant"):
        return role, text, thinking
    name = clean_text(author.get("name"))
    label = f"[{role}: {name}]" if name else f"[{role}]"
    return "notice", f"{label}\n{text}" if text else "", thinking


def _walk(mapping: dict[str, Any]) -> Iterator[tuple[str, str | None]]:
    """(node id, raw parent id) from the roots down, parents before children."""
    roots = [
        key
        for key, node in mapping.items()
        if not isinstance(node, dict) or node.get("parent") not in mapping
    ]
    queue: deque[tuple[str, str | None]] = deque((key, None) for key in roots)
    seen: set[str] = set()
    while queue:
        key, parent = queue.popleft()
        if key in seen:
            continue
        seen.add(key)
        yield key, parent
        node = mapping.get(key)
        children = node.get("children") if isinstance(node, dict) else None
        for child in children if isinstance(children, list) else []:
            if isinstance(child, str) and child in mapping and child not in seen:
                queue.append((child, key))


def _hidden(message: dict[str, Any]) -> bool:
    metadata = message.get("metadata")
    return isinstance(metadata, dict) and bool(metadata.get("is_visually_hidden_from_conversation"))


def read_chatgpt(conversation: dict[str, Any], number: int) -> ImportedConversation:
    mapping = conversation.get("mapping")
    title = clean_title(conversation.get("title"), "Imported ChatGPT chat")
    if not isinstance(mapping, dict):
        raise BadFileError(
            f"conversation {number} (“{title}”) has no message tree ('mapping' is"
            f" {type(mapping).__name__ if mapping is not None else 'missing'})"
        )
    start = seconds(conversation.get("create_time")) or seconds(conversation.get("update_time"))
    nodes: list[ImportedNode] = []
    skipped: list[str] = []
    kept_above: dict[str, str | None] = {}  # raw id -> the nearest kept node at or above it
    times: dict[str, float] = {}
    for key, parent in _walk(mapping):
        above = kept_above.get(parent) if parent is not None else None
        kept_above[key] = above
        node = mapping[key]
        message = node.get("message") if isinstance(node, dict) else None
        if not isinstance(message, dict):
            continue  # the root, or a node without a message: structure only
        when = seconds(message.get("create_time"))
        when = when if when is not None else times.get(above or "", start or 0.0)
        if _hidden(message):
            skipped.append(HIDDEN)
            continue
        role, text, thinking = _role_and_text(message)
        if not text and not thinking:
            skipped.append(EMPTY)
            continue
        status = message.get("status")
        complete = status in (None, "finished_successfully")
        nodes.append(ImportedNode(key, above, role, text, when, thinking, None, complete))
        kept_above[key] = key
        times[key] = when
    skipped += [UNREACHABLE] * (len(mapping) - len(kept_above))
    current = conversation.get("current_node")
    leaf = kept_above.get(current) if isinstance(current, str) else None
    first = start if start is not None else min(times.values(), default=0.0)
    last = seconds(conversation.get("update_time")) or max(times.values(), default=first)
    return ImportedConversation(
        title, first, max(first, last), _source_id(conversation), tuple(nodes), leaf,
        skipped=tuple(skipped),
    )  # fmt: skip

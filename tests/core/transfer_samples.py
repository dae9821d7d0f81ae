"""Export files built the way ChatGPT and Claude write them (from their documented
structure): trees with branches, multi-part and non-text content, null messages, hidden
system messages, unicode, emoji and right-to-left text."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

T0 = 1_700_000_000.0
RTL = "مرحبا بالعالم"  # Arabic, right to left
HOSTILE = "<script>alert('x')</script><b>bold</b>\x07\x1b[31m red\x00"


def gpt_message(
    key: str,
    role: str,
    content: dict[str, Any],
    when: float | None,
    *,
    name: str | None = None,
    hidden: bool = False,
    status: str = "finished_successfully",
) -> dict[str, Any]:
    return {
        "id": key,
        "author": {"role": role, "name": name, "metadata": {}},
        "create_time": when,
        "update_time": None,
        "content": content,
        "status": status,
        "end_turn": True,
        "weight": 1.0,
        "metadata": {"is_visually_hidden_from_conversation": True} if hidden else {},
        "recipient": "all",
        "channel": None,
    }


def text(*parts: Any) -> dict[str, Any]:
    return {"content_type": "text", "parts": list(parts)}


def gpt_conversation(
    conversation_id: str,
    title: str,
    nodes: list[tuple[str, str | None, dict[str, Any] | None]],
    current: str,
    created: float | None = T0,
) -> dict[str, Any]:
    """``nodes``: (id, parent id, message or None); children are derived in order."""
    mapping: dict[str, Any] = {
        key: {"id": key, "message": message, "parent": parent, "children": []}
        for key, parent, message in nodes
    }
    for key, parent, _ in nodes:
        if parent is not None:
            mapping[parent]["children"].append(key)
    return {
        "title": title,
        "create_time": created,
        "update_time": None if created is None else created + 600,
        "mapping": mapping,
        "moderation_results": [],
        "current_node": current,
        "plugin_ids": None,
        "conversation_id": conversation_id,
        "conversation_template_id": None,
        "gizmo_id": None,
        "is_archived": False,
        "safe_urls": [],
        "default_model_slug": "gpt-4o",
        "id": conversation_id,
    }


def chatgpt_export() -> list[dict[str, Any]]:
    trip = gpt_conversation(
        "conv-trip",
        "Trip ✈️ to Lisbon",
        [
            ("root", None, None),
            ("sys", "root", gpt_message("sys", "system", text(""), None, hidden=True)),
            ("u1", "sys", gpt_message("u1", "user", text("Plan a trip 🇵🇹"), T0 + 1)),
            (
                "a1",
                "u1",
                gpt_message("a1", "assistant", text("Day 1: Alfama", "Day 2: Belém"), T0 + 2),
            ),
            ("a1b", "u1", gpt_message("a1b", "assistant", text("Second version 🙂"), T0 + 3)),
            (
                "u2",
                "a1b",
                gpt_message(
                    "u2",
                    "user",
                    {
                        "content_type": "multimodal_text",
                        "parts": [
                            {
                                "content_type": "image_asset_pointer",
                                "asset_pointer": "file-service://file-AbC123",
                                "size_bytes": 1234,
                                "width": 640,
                                "height": 480,
                            },
                            f"What is this? {RTL}",
                        ],
                    },
                    T0 + 4,
                ),
            ),
            (
                "a2",
                "u2",
                gpt_message(
                    "a2",
                    "assistant",
                    {"content_type": "code", "language": "python", "text": "print(1)"},
                    T0 + 5,
                ),
            ),
            (
                "t2",
                "a2",
                gpt_message(
                    "t2",
                    "tool",
                    {"content_type": "execution_output", "text": "1"},
                    T0 + 6,
                    name="python",
                ),
            ),
            ("a3", "t2", gpt_message("a3", "assistant", text(f"The output is 1 {HOSTILE}"), None)),
        ],
        current="a3",
    )
    quotes = gpt_conversation(
        "conv-quotes",
        "",  # untitled
        [
            ("r", None, None),
            ("s", "r", gpt_message("s", "system", text("Be brief."), None)),
            ("q", "s", gpt_message("q", "user", text("Quote something"), None)),
            (
                "a",
                "q",
                gpt_message(
                    "a",
                    "assistant",
                    {
                        "content_type": "tether_quote",
                        "url": "https://example.org/x",
                        "domain": "example.org",
                        "title": "Example",
                        "text": "A line\nAnother",
                    },
                    None,
                ),
            ),
            ("e", "a", gpt_message("e", "assistant", text(""), None)),
            ("x", "e", gpt_message("x", "assistant", text("after the empty one"), None)),
        ],
        current="x",
        created=None,
    )
    return [trip, quotes]


def claude_export() -> list[dict[str, Any]]:
    linear = {
        "uuid": "c-linear",
        "name": "Résumé help 📄",
        "created_at": "2024-03-01T10:00:00.000000Z",
        "updated_at": "2024-03-01T10:05:00.000000Z",
        "account": {"uuid": "acct"},
        "chat_messages": [
            {
                "uuid": "m1",
                "text": "Please read my résumé",
                "content": [{"type": "text", "text": "Please read my résumé"}],
                "sender": "human",
                "created_at": "2024-03-01T10:00:01.000000Z",
                "updated_at": "2024-03-01T10:00:01.000000Z",
                "attachments": [
                    {
                        "file_name": "cv.txt",
                        "file_size": 12,
                        "file_type": "text/plain",
                        "extracted_content": "Jane Doe\nEngineer",
                    }
                ],
                "files": [{"file_name": "photo.png"}],
            },
            {
                "uuid": "m2",
                "text": "",
                "content": [
                    {"type": "thinking", "thinking": "Let me look."},
                    {"type": "text", "text": "Looks good."},
                    {"type": "text", "text": RTL},
                ],
                "sender": "assistant",
                "created_at": "2024-03-01T10:00:05.000000Z",
                "updated_at": "2024-03-01T10:00:05.000000Z",
                "attachments": [],
                "files": [],
            },
        ],
    }
    root = "00000000-0000-4000-8000-000000000000"

    def message(key: str, parent: str, sender: str, body: str, minute: int) -> dict[str, Any]:
        return {
            "uuid": key,
            "text": body,
            "content": [{"type": "text", "text": body}],
            "sender": sender,
            "created_at": f"2024-03-02T10:{minute:02d}:00Z",
            "updated_at": f"2024-03-02T10:{minute:02d}:00Z",
            "attachments": [],
            "files": [],
            "parent_message_uuid": parent,
        }

    branched = {
        "uuid": "c-branched",
        "name": "Edits",
        "created_at": "2024-03-02T10:00:00Z",
        "updated_at": "2024-03-02T10:09:00Z",
        "chat_messages": [
            message("h1", root, "human", "First question", 1),
            message("b1", "h1", "assistant", "First answer", 2),
            message("h2", "b1", "human", "Follow-up", 3),
            message("b2", "h2", "assistant", "Reply A", 4),
            message("h2e", "b1", "human", "Follow-up, edited", 5),
            message("b2e", "h2e", "assistant", "Reply B", 6),
        ],
    }
    return [linear, branched]


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_zip(path: Path, value: Any, member: str = "conversations.json") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, json.dumps(value, ensure_ascii=False))
        archive.writestr("user.json", json.dumps({"id": "user-1"}))
    return path

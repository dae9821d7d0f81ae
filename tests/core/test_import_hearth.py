"""Hearth's own exports: version 3 keeps the tree and the current leaf, version 2 imports
as a linear chat, a single-conversation file and export-all's JSON Lines both read."""

from __future__ import annotations

import json
from pathlib import Path

from app.store import ChatStore
from app.store.export_tree import export_conversation
from app.transfer import import_file

WHEN = "2024-01-01T00:00:00+00:00"


def _v2(content: str, role: str) -> dict[str, object]:
    return {"role": role, "content": content, "thinking": None, "created_at": WHEN,
            "complete": True, "stats": None}  # fmt: skip


def test_version_2_file_imports_as_a_linear_chat(store: ChatStore, tmp_path: Path) -> None:
    document = {
        "format": "hearth-conversation",
        "schema_version": 2,
        "id": "old",
        "title": "Old file",
        "created_at": WHEN,
        "updated_at": WHEN,
        "settings": {"system_prompt": "Be kind"},
        "messages": [_v2("a", "user"), _v2("b", "assistant"), _v2("c", "user")],
    }
    source = tmp_path / "old.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    assert import_file(store, source).as_json()["messages"] == 3
    (record,) = store.list_conversations()
    path = store.messages(record.id)
    assert [m.content for m in path] == ["a", "b", "c"]
    assert [m.parent_id for m in path] == [None, path[0].id, path[1].id]
    assert record.settings == {"system_prompt": "Be kind"}


def test_single_json_export_keeps_the_tree(store: ChatStore, tmp_path: Path) -> None:
    chat = store.create_conversation("Tree")
    question = store.add_message(chat.id, "user", "Q")
    first = store.add_message(chat.id, "assistant", "A1", thinking="t1")
    store.add_message(chat.id, "assistant", "A2", parent_id=question.id)
    store.set_current_leaf(chat.id, first.id)
    source = tmp_path / "tree.json"
    source.write_text(export_conversation(store, chat.id, "json"), encoding="utf-8")
    assert import_file(store, source).skipped == ["1 conversation already imported"]
    with ChatStore(tmp_path / "other.sqlite3") as other:
        assert import_file(other, source).as_json() == {
            "conversations": 1,
            "messages": 3,
            "branches": 1,
            "skipped": [],
        }
        (record,) = other.list_conversations()
        assert [(m.content, m.thinking) for m in other.messages(record.id)] == [
            ("Q", ""),
            ("A1", "t1"),
        ]

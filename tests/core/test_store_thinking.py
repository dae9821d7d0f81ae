"""Thinking in the store: migration 2 keeps every old row, replies keep thinking apart, and
exports never mix thinking into the answer."""

from __future__ import annotations

import json
from pathlib import Path

from app.store import ChatStore
from app.store.export import export_json, export_markdown


def test_thinking_is_stored_apart_and_updated_in_place(tmp_path: Path) -> None:
    with ChatStore(tmp_path / "s.sqlite3") as store:
        chat = store.create_conversation("T")
        reply = store.add_message(chat.id, "assistant", "", complete=False, thinking="Hmm")
        store.update_message(reply.id, "", complete=False, thinking="Hmm, 2+2")
        store.update_message(reply.id, "4", complete=True)  # thinking=None keeps it
        saved = store.message(reply.id)
        assert saved is not None and (saved.content, saved.thinking) == ("4", "Hmm, 2+2")


def test_exports_keep_thinking_apart(tmp_path: Path) -> None:
    with ChatStore(tmp_path / "e.sqlite3") as store:
        chat = store.create_conversation("Sums")
        store.add_message(chat.id, "user", "2+2?")
        store.add_message(chat.id, "assistant", "It is 4.", thinking="Add two and two.\nGet 4.")
        store.add_message(chat.id, "assistant", "", complete=False, thinking="Still going")
        record = store.conversation(chat.id)
        assert record is not None
        messages = store.messages(chat.id)
    document = json.loads(export_json(record, messages))
    replies = [m for m in document["messages"] if m["role"] == "assistant"]
    assert [(m["content"], m["thinking"]) for m in replies] == [
        ("It is 4.", "Add two and two.\nGet 4."),
        ("", "Still going"),
    ]
    assert document["messages"][0]["thinking"] is None
    markdown = export_markdown(record, messages)
    assert "> *Thinking:*\n>\n> Add two and two.\n> Get 4.\n\nIt is 4." in markdown
    assert "> *Thinking (unfinished):*\n>\n> Still going" in markdown
    answer_lines = [line for line in markdown.splitlines() if "Add two" in line]
    assert all(line.startswith("> ") for line in answer_lines)  # never outside the quote

"""ChatGPT's data export: the mapping tree with its branches, the current node as the
current leaf, multi-part and non-text content kept as notes, hidden and empty messages
counted, tool and system messages as notices, titles and times kept, re-import skipped."""

from __future__ import annotations

from pathlib import Path

from app.store import ChatStore
from app.transfer import import_file
from tests.core.transfer_samples import (
    RTL,
    T0,
    chatgpt_export,
    write_json,
    write_zip,
)


def _by_title(store: ChatStore, title: str) -> str:
    (found,) = [c.id for c in store.list_conversations() if c.title == title]
    return found


def test_chatgpt_tree_current_path_and_notes(store: ChatStore, tmp_path: Path) -> None:
    report = import_file(store, write_json(tmp_path / "conversations.json", chatgpt_export()))
    assert report.as_json() == {
        "conversations": 2,
        "messages": 11,
        "branches": 1,
        "skipped": ["1 hidden message", "1 empty message"],
    }
    trip = _by_title(store, "Trip ✈️ to Lisbon")
    path = store.messages(trip)
    assert [(m.role, m.content) for m in path] == [
        ("user", "Plan a trip 🇵🇹"),
        ("assistant", "Second version 🙂"),  # current_node's branch, not the first reply
        ("user", f"[image omitted: file-AbC123]\n\nWhat is this? {RTL}"),
        ("assistant", "[code]\n```python\nprint(1)\n```"),
        ("notice", "[tool: python]\n[code output]\n```\n1\n```"),
        ("assistant", "The output is 1 <script>alert('x')</script><b>bold</b>[31m red"),
    ]
    first_reply = store.siblings(path[1].id)
    assert len(first_reply) == 2
    assert store.message(first_reply[0]).content == "Day 1: Alfama\n\nDay 2: Belém"
    assert [m.created_at for m in path[:5]] == [T0 + 1, T0 + 3, T0 + 4, T0 + 5, T0 + 6]
    assert path[5].created_at == T0 + 6  # no create_time: its parent's
    record = store.conversation(trip)
    assert record is not None and (record.created_at, record.updated_at) == (T0, T0 + 600)


def test_untitled_conversation_with_system_notice_and_quote(
    store: ChatStore, tmp_path: Path
) -> None:
    import_file(store, write_json(tmp_path / "conversations.json", chatgpt_export()))
    path = store.messages(_by_title(store, "Imported ChatGPT chat"))
    assert [m.role for m in path] == ["notice", "user", "assistant", "assistant"]
    assert path[0].content == "[system]\nBe brief."
    assert path[2].content == "[quote: Example https://example.org/x]\n> A line\n> Another"
    assert path[3].content == "after the empty one" and path[3].parent_id == path[2].id


def test_the_zip_reads_like_the_json_and_a_second_import_adds_nothing(
    store: ChatStore, tmp_path: Path
) -> None:
    archive = write_zip(tmp_path / "export.zip", chatgpt_export())
    assert import_file(store, archive).conversations == 2
    again = import_file(store, write_json(tmp_path / "conversations.json", chatgpt_export()))
    assert again.as_json() == {
        "conversations": 0,
        "messages": 0,
        "branches": 0,
        "skipped": ["2 conversations already imported"],
    }
    assert again.sentence().startswith("Nothing new to import")
    assert store.count_conversations() == 2
    rows = store._conn.execute("SELECT source_id FROM conversations ORDER BY source_id")
    assert [r[0] for r in rows] == ["chatgpt:conv-quotes", "chatgpt:conv-trip"]


def test_reimport_of_a_trashed_chat_says_so_and_an_empty_list_says_so(
    store: ChatStore, tmp_path: Path
) -> None:
    source = write_json(tmp_path / "conversations.json", chatgpt_export())
    import_file(store, source)
    store.delete_conversation(_by_title(store, "Trip ✈️ to Lisbon"))
    assert import_file(store, source).skipped == [
        "1 conversation already imported, now in the trash",
        "1 conversation already imported",
    ]
    empty = import_file(store, write_json(tmp_path / "empty.json", []))
    assert empty.sentence() == "Nothing to import: the file holds no conversations."

"""Export-all and import, streamed: one JSON document per line, progress per conversation,
a stopped export leaves nothing, imported messages are searchable at once, and a bad
conversation anywhere in the file imports nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.store import ChatStore
from app.store.export_all import ExportStopped, export_all
from app.store.search import find
from app.transfer import BadFileError, import_file


def _history(store: ChatStore, chats: int) -> None:
    for index in range(chats):
        record = store.create_conversation(f"chat {index}")
        store.add_message(record.id, "user", f"question {index} about Straße")
        store.add_message(record.id, "assistant", f"answer {index}", stats={"decode_tps": 1.5})
    store.delete_conversation(store.list_conversations()[0].id)  # trash is not exported


def test_export_all_then_import_round_trips(tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    seen: list[tuple[int, int]] = []
    with ChatStore(tmp_path / "a.sqlite3") as store:
        _history(store, 450)  # more than one page
        assert export_all(store, out, progress=lambda d, t: seen.append((d, t))) == 449
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 449 and seen[-1] == (449, 449) and len(seen) == 449
    first = json.loads(lines[0])
    assert first["title"] == "chat 448" and [m["role"] for m in first["messages"]] == [
        "user",
        "assistant",
    ]
    with ChatStore(tmp_path / "b.sqlite3") as store:
        assert import_file(store, out).conversations == 449
        assert store.count_conversations() == 449
        titles = [hit.conversation.title for hit in find(store._conn, "QUESTION 17 about").hits]
        assert titles == ["chat 17"]
        (chat,) = [r for r in store.list_conversations() if r.title == "chat 3"]
        assert [m.content for m in store.messages(chat.id)] == [
            "question 3 about Straße",
            "answer 3",
        ]
        assert store.messages(chat.id)[1].stats == {"decode_tps": 1.5}


def test_stopped_export_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    with ChatStore(tmp_path / "a.sqlite3") as store:
        _history(store, 10)
        done: list[int] = []
        with pytest.raises(ExportStopped):
            export_all(
                store,
                out,
                progress=lambda d, _t: done.append(d),
                should_stop=lambda: len(done) >= 3,
            )
    assert not out.exists() and list(tmp_path.glob("*.tmp")) == []


def test_import_names_the_bad_conversation_and_imports_nothing(tmp_path: Path) -> None:
    when = "2024-01-01T00:00:00+00:00"
    message = {"role": "user", "content": "hi", "created_at": when, "complete": True, "stats": None}
    good = {
        "format": "hearth-conversation",
        "id": "c1",
        "title": "ok",
        "created_at": when,
        "messages": [message],
    }
    bad = dict(good, id="c2", messages=[dict(message, role="robot")])
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with ChatStore(tmp_path / "b.sqlite3") as store:
        with pytest.raises(BadFileError, match=r"conversation 2 .*unknown role 'robot'"):
            import_file(store, source)
        assert store.list_conversations() == []  # one transaction: nothing half-imported

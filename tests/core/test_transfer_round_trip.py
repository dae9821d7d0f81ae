"""Export-all then import into an empty database: the same trees, message texts and
thinking byte for byte, the same current leaves, stats and roles."""

from __future__ import annotations

from pathlib import Path

from app.store import ChatStore
from app.store.export_all import export_all
from app.transfer import import_file
from tests.core.transfer_samples import RTL

TEXTS = [
    "Plain question",
    "  leading and trailing spaces  \n\n",
    "Code:\n```python\nprint('hi')\n```\n",
    f"Emoji 👩‍👩‍👧 and {RTL} and ℕ𝕠𝕥 𝕒𝕤𝕔𝕚𝕚",
    "<script>alert(1)</script> & <b>not bold</b>",
    'tabs\there and \\backslashes\\ and "quotes"',
]


def _tree(store: ChatStore, conversation_id: str) -> list[tuple[object, ...]]:
    """Each message as (role, content, thinking, stats, complete, its parent's position)."""
    messages = store.all_messages(conversation_id)
    position = {m.id: i for i, m in enumerate(messages)}
    leaf = store.current_leaf(conversation_id)
    return [
        (m.role, m.content, m.thinking, m.stats, m.complete,
         None if m.parent_id is None else position[m.parent_id], m.id == leaf)
        for m in messages
    ]  # fmt: skip


def _fill(store: ChatStore) -> None:
    for n in range(3):
        chat = store.create_conversation(f"Chat {n} {RTL}", settings={"n": n})
        question = store.add_message(chat.id, "user", TEXTS[n])
        store.add_message(chat.id, "assistant", TEXTS[n + 1], thinking=f"think {n} 🤔",
                          stats={"generated_tokens": 7, "decode_tps": 12.5})  # fmt: skip
        store.add_message(chat.id, "assistant", TEXTS[n + 2], parent_id=question.id)
        edited = store.add_message(chat.id, "user", TEXTS[n + 3], parent_id=0)
        store.add_message(chat.id, "assistant", "cut off", complete=False)
        if n == 1:
            store.set_current_leaf(chat.id, edited.id)
        if n == 2:
            store.add_message(chat.id, "notice", "2 turns dropped")


def test_export_all_then_import_gives_the_same_trees(tmp_path: Path) -> None:
    out = tmp_path / "everything.jsonl"
    with ChatStore(tmp_path / "a.sqlite3") as first:
        _fill(first)
        assert export_all(first, out) == 3
        before = {c.title: (_tree(first, c.id), c.settings) for c in first.list_conversations()}
    with ChatStore(tmp_path / "b.sqlite3") as second:
        report = import_file(second, out)
        assert (report.conversations, report.messages, report.branches) == (3, 16, 6)
        after = {c.title: (_tree(second, c.id), c.settings) for c in second.list_conversations()}
        assert after == before
        assert import_file(second, out).skipped == ["3 conversations already imported"]
    # exported again from the copy: the same texts
    again = tmp_path / "again.jsonl"
    with ChatStore(tmp_path / "b.sqlite3") as second:
        export_all(second, again)
    assert sorted(_texts(again)) == sorted(_texts(out))


def _texts(path: Path) -> list[tuple[str, str]]:
    import json

    return [
        (m["content"], m["thinking"] or "")
        for line in path.read_text(encoding="utf-8").splitlines()
        for m in json.loads(line)["messages"]
    ]

"""Conversations as trees: alternatives kept, the current path, switching, forks, deletes,
and the migration of a database made by the schema before branches (v3)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.store import ChatStore
from app.store.connection import add_functions
from app.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate
from app.store.tree_schema import ROOT


def _contents(store: ChatStore, conversation_id: str) -> list[str]:
    return [m.content for m in store.messages(conversation_id)]


def test_a_sibling_reply_becomes_the_path_and_the_old_one_stays_reachable(
    store: ChatStore,
) -> None:
    chat = store.create_conversation("t")
    question = store.add_message(chat.id, "user", "q")
    first = store.add_message(chat.id, "assistant", "a1")
    second = store.add_message(chat.id, "assistant", "a2", parent_id=question.id)
    assert _contents(store, chat.id) == ["q", "a2"]
    assert second.parent_id == question.id and first.parent_id == question.id
    positions = store.branch_positions(chat.id)
    assert list(positions) == [second.id]
    assert positions[second.id].label == "2 / 2"
    assert positions[second.id].siblings == (first.id, second.id)

    path = store.switch_branch(first.id)
    assert [m.content for m in path] == ["q", "a1"]
    store.add_message(chat.id, "user", "follow-up on a1")  # continues the branch now shown
    assert _contents(store, chat.id) == ["q", "a1", "follow-up on a1"]
    assert [m.content for m in store.switch_branch(second.id)] == ["q", "a2"]
    # switching to a message follows its newest continuation down to a leaf
    assert _contents(store, chat.id)[-1] == "a2"
    assert [m.content for m in store.switch_branch(first.id)][-1] == "follow-up on a1"
    assert len(store.all_messages(chat.id)) == 4


def test_an_edited_first_question_is_a_second_root(store: ChatStore) -> None:
    chat = store.create_conversation("t")
    original = store.add_message(chat.id, "user", "old question")
    store.add_message(chat.id, "assistant", "old answer")
    edited = store.add_message(chat.id, "user", "new question", parent_id=ROOT)
    assert _contents(store, chat.id) == ["new question"]
    assert store.siblings(edited.id) == [original.id, edited.id]
    assert store.branch_positions(chat.id)[edited.id].label == "2 / 2"
    assert [m.content for m in store.switch_branch(original.id)] == ["old question", "old answer"]


def test_deleting_one_message_keeps_the_rest_joined(store: ChatStore) -> None:
    chat = store.create_conversation("t")
    ids = [store.add_message(chat.id, "user", f"m{i}").id for i in range(4)]
    store.delete_message(ids[1])
    assert _contents(store, chat.id) == ["m0", "m2", "m3"]
    store.delete_message(ids[3])  # the leaf: the path now ends at its parent
    assert _contents(store, chat.id) == ["m0", "m2"]
    assert store.current_leaf(chat.id) == ids[2]


def test_deleting_from_a_message_removes_its_subtree_only(store: ChatStore) -> None:
    chat = store.create_conversation("t")
    question = store.add_message(chat.id, "user", "q")
    kept = store.add_message(chat.id, "assistant", "kept")
    gone = store.add_message(chat.id, "assistant", "gone", parent_id=question.id)
    store.add_message(chat.id, "user", "below gone")
    assert store.delete_messages_from(chat.id, gone.id) == 2
    assert _contents(store, chat.id) == ["q", "kept"]  # the other branch is what is left
    assert store.siblings(kept.id) == [kept.id]


def test_fork_copies_the_path_into_a_new_conversation(store: ChatStore) -> None:
    chat = store.create_conversation("source", settings={"system_prompt": "S"})
    q = store.add_message(chat.id, "user", "q")
    a = store.add_message(chat.id, "assistant", "a", stats={"decode_tps": 9.0}, thinking="t")
    store.add_message(chat.id, "user", "later")
    fork = store.fork(a.id)
    copied = store.messages(fork.id)
    assert [(m.role, m.content, m.thinking) for m in copied] == [
        ("user", "q", ""),
        ("assistant", "a", "t"),
    ]
    assert copied[1].stats == {"decode_tps": 9.0} and copied[1].parent_id == copied[0].id
    assert fork.settings == {"system_prompt": "S"} and fork.title == "source"
    assert _contents(store, chat.id) == ["q", "a", "later"]  # the source is untouched
    assert q.id not in {m.id for m in copied}


def test_a_writer_that_knows_nothing_of_branches_still_makes_a_chain(store: ChatStore) -> None:
    chat = store.create_conversation("t")
    store.add_message(chat.id, "user", "first")
    store._conn.executemany(
        "INSERT INTO messages (conversation_id, role, content, created_at) VALUES (?, ?, ?, ?)",
        [(chat.id, "assistant", "second", 1.0), (chat.id, "user", "third", 2.0)],
    )
    assert _contents(store, chat.id) == ["first", "second", "third"]
    assert store.branch_positions(chat.id) == {}


def test_a_database_of_the_schema_before_branches_migrates_to_linear_paths(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v3.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    add_functions(connection)
    migrate(connection, path, MIGRATIONS[:3])
    connection.execute(
        "INSERT INTO conversations (id, title, created_at, updated_at) VALUES"
        " ('a', 'A', 1, 1), ('b', 'B', 1, 1), ('empty', 'E', 1, 1)"
    )
    rows = [("a" if i % 3 else "b", "user" if i % 2 else "assistant", f"m{i}") for i in range(9)]
    connection.executemany(
        "INSERT INTO messages (conversation_id, role, content, created_at) VALUES (?, ?, ?, 1)",
        rows,
    )
    connection.close()
    with ChatStore(path) as store:
        assert _contents(store, "a") == [c for cid, _, c in rows if cid == "a"]
        assert _contents(store, "b") == [c for cid, _, c in rows if cid == "b"]
        assert store.messages("empty") == []
        assert store.branch_positions("a") == {}
        assert store.integrity_check() == "ok"
        store.add_message("b", "user", "after the upgrade")
        assert _contents(store, "b")[-1] == "after the upgrade"
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    check.close()

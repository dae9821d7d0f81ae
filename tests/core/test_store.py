"""ChatStore on real SQLite files: conversations, messages, trash, reopening, integrity."""

from __future__ import annotations

import pytest

from app.store import ChatStore, ConversationRecord, NotFoundError, StoredMessage


def _conversation(store: ChatStore, conversation_id: str) -> ConversationRecord:
    record = store.conversation(conversation_id, include_trashed=True)
    assert record is not None
    return record


def _message(store: ChatStore, message_id: int) -> StoredMessage:
    message = store.message(message_id)
    assert message is not None
    return message


def test_create_conversation_round_trips_every_field(store: ChatStore) -> None:
    settings = {"system_prompt": "Be brief.", "generation": {"temperature": 0.2, "seed": 7}}
    created = store.create_conversation("Trip", model_path="/m/smol.gguf", settings=settings)

    assert len(created.id) == 32 and int(created.id, 16) >= 0
    assert created.created_at == created.updated_at == 1000.0
    assert store.conversation(created.id) == created
    assert _conversation(store, created.id).settings == settings
    assert store.conversation("nope") is None


def test_defaults_and_title_cleanup(store: ChatStore) -> None:
    plain = store.create_conversation()
    assert (plain.title, plain.model_path, plain.settings) == ("New chat", None, {})
    assert store.create_conversation("  two\n lines  ").title == "two lines"
    assert store.create_conversation("   ").title == "New chat"


def test_list_is_newest_updated_first(store: ChatStore) -> None:
    first = store.create_conversation("first")
    second = store.create_conversation("second")
    third = store.create_conversation("third")
    assert [c.title for c in store.list_conversations()] == ["third", "second", "first"]

    store.add_message(first.id, "user", "hello again")
    assert [c.id for c in store.list_conversations()] == [first.id, third.id, second.id]


def test_rename_model_and_settings_persist_without_reordering(store: ChatStore) -> None:
    older = store.create_conversation("older")
    store.create_conversation("newer")

    store.rename(older.id, "  Renamed\tchat ")
    store.set_model(older.id, "/models/other.gguf")
    store.set_settings(older.id, {"system_prompt": "Ünïcode ✓"})

    record = store.conversation(older.id)
    assert record is not None
    assert (record.title, record.model_path) == ("Renamed chat", "/models/other.gguf")
    assert record.settings == {"system_prompt": "Ünïcode ✓"}
    assert [c.title for c in store.list_conversations()] == ["newer", "Renamed chat"]
    store.set_model(older.id, None)
    assert _conversation(store, older.id).model_path is None


def test_unknown_ids_raise_not_found(store: ChatStore) -> None:
    with pytest.raises(NotFoundError):
        store.rename("missing", "x")
    with pytest.raises(NotFoundError):
        store.set_settings("missing", {})
    with pytest.raises(NotFoundError):
        store.delete_conversation("missing")
    with pytest.raises(NotFoundError):
        store.restore_conversation("missing")
    with pytest.raises(NotFoundError, match="missing"):
        store.add_message("missing", "user", "hi")
    with pytest.raises(NotFoundError):
        store.update_message(424242, "x", complete=True)
    assert store.list_conversations() == []


def test_add_message_rejects_unknown_role(store: ChatStore) -> None:
    chat = store.create_conversation()
    with pytest.raises(ValueError, match="robot"):
        store.add_message(chat.id, "robot", "beep")
    assert store.messages(chat.id) == []


def test_messages_come_back_in_order_per_conversation(store: ChatStore) -> None:
    one = store.create_conversation("one")
    two = store.create_conversation("two")
    stats = {"decode_tps": 41.5, "generated_tokens": 12, "stop_reason": "stop"}
    store.add_message(one.id, "system", "You are terse.")
    store.add_message(one.id, "user", "Hi")
    store.add_message(two.id, "user", "Elsewhere")
    reply = store.add_message(one.id, "assistant", "Hello!", stats=stats)
    store.add_message(one.id, "notice", "3 turns dropped")

    listed = store.messages(one.id)
    assert [(m.role, m.content) for m in listed] == [
        ("system", "You are terse."),
        ("user", "Hi"),
        ("assistant", "Hello!"),
        ("notice", "3 turns dropped"),
    ]
    assert [m.id for m in listed] == sorted(m.id for m in listed)
    assert listed[2] == reply
    assert reply.stats == stats and reply.complete
    assert [m.content for m in store.messages(two.id)] == ["Elsewhere"]


def test_adding_and_updating_bump_updated_at(store: ChatStore) -> None:
    chat = store.create_conversation()  # t=1000
    message = store.add_message(chat.id, "user", "hi")  # t=1001
    assert message.created_at == 1001.0
    assert _conversation(store, chat.id).updated_at == 1001.0
    store.update_message(message.id, "hi there", complete=True)  # t=1002
    assert _conversation(store, chat.id).updated_at == 1002.0
    assert _message(store, message.id).created_at == 1001.0


def test_partial_reply_is_updated_then_completed(store: ChatStore) -> None:
    chat = store.create_conversation()
    store.add_message(chat.id, "user", "Count to three")
    partial = store.add_message(chat.id, "assistant", "One", complete=False)
    assert _message(store, partial.id).complete is False

    store.update_message(partial.id, "One, two", complete=False)
    assert _message(store, partial.id).content == "One, two"
    stats = {"generated_tokens": 5, "decode_tps": 30.0}
    store.update_message(partial.id, "One, two, three.", complete=True, stats=stats)

    final = store.messages(chat.id)[-1]
    assert (final.id, final.content, final.complete, final.stats) == (
        partial.id,
        "One, two, three.",
        True,
        stats,
    )
    store.update_message(partial.id, "Edited.", complete=True)  # stats=None keeps them
    assert _message(store, partial.id).stats == stats
    assert len(store.messages(chat.id)) == 2


def test_streaming_update_is_one_row_update(store: ChatStore) -> None:
    chat = store.create_conversation()
    for index in range(50):
        store.add_message(chat.id, "user", f"message {index} " * 20)
    partial = store.add_message(chat.id, "assistant", "", complete=False)
    connection = store._conn
    statements: list[str] = []
    connection.set_trace_callback(statements.append)
    before = connection.total_changes

    store.update_message(partial.id, "streamed text", complete=False)

    connection.set_trace_callback(None)
    assert connection.total_changes - before == 2  # the message row and its conversation
    written = [s for s in statements if s.split()[0] in {"INSERT", "UPDATE", "DELETE"}]
    assert [s.split()[:2] for s in written] == [["UPDATE", "messages"], ["UPDATE", "conversations"]]


def test_delete_message_and_everything_after(store: ChatStore) -> None:
    chat = store.create_conversation()
    other = store.create_conversation()
    ids = [store.add_message(chat.id, "user", f"m{i}").id for i in range(5)]
    kept_elsewhere = store.add_message(other.id, "user", "other")

    store.delete_message(ids[1])
    store.delete_message(999_999)  # missing: ignored
    assert [m.content for m in store.messages(chat.id)] == ["m0", "m2", "m3", "m4"]

    assert store.delete_messages_from(chat.id, ids[3]) == 2
    assert [m.content for m in store.messages(chat.id)] == ["m0", "m2"]
    assert store.delete_messages_from(chat.id, ids[3]) == 0
    assert store.messages(other.id) == [kept_elsewhere]


def test_delete_messages_from_bumps_updated_at(store: ChatStore) -> None:
    chat = store.create_conversation()
    message = store.add_message(chat.id, "user", "x")
    stamp = _conversation(store, chat.id).updated_at
    store.delete_messages_from(chat.id, message.id)
    assert _conversation(store, chat.id).updated_at > stamp


def test_soft_delete_then_undo(store: ChatStore) -> None:
    keep = store.create_conversation("keep")
    gone = store.create_conversation("gone")
    store.add_message(gone.id, "user", "remember me")

    store.delete_conversation(gone.id)
    store.delete_conversation(gone.id)  # twice: still just trashed
    assert [c.title for c in store.list_conversations()] == ["keep"]
    assert store.conversation(gone.id) is None
    assert _conversation(store, gone.id).title == "gone"
    assert [c.id for c in store.trashed_conversations()] == [gone.id]
    assert store.search("remember") == []

    store.restore_conversation(gone.id)
    assert [c.id for c in store.list_conversations()] == [gone.id, keep.id]
    assert [m.content for m in store.messages(gone.id)] == ["remember me"]
    assert store.trashed_conversations() == []


def test_purge_deleted_removes_trashed_conversations_and_messages(store: ChatStore) -> None:
    keep = store.create_conversation("keep")
    old = store.create_conversation("old")
    recent = store.create_conversation("recent")
    store.add_message(keep.id, "user", "stay")
    old_message = store.add_message(old.id, "user", "bye")
    store.delete_conversation(old.id)  # deleted at t=1005
    store.delete_conversation(recent.id)  # deleted at t=1006

    assert store.purge_deleted(deleted_before=1006.0) == 1
    assert [c.id for c in store.trashed_conversations()] == [recent.id]
    assert store.message(old_message.id) is None
    assert store.purge_deleted() == 1
    assert store.purge_deleted() == 0
    assert store.conversation(recent.id, include_trashed=True) is None
    assert [m.content for m in store.messages(keep.id)] == ["stay"]
    assert store.integrity_check() == "ok"

"""ChatSession over a real ChatStore: what reaches the engine and what gets saved where."""

from __future__ import annotations

from app.chat.events import PromptEvaluated, TokensReceived
from app.chat.values import Message
from app.engine.fake import FakeEngine
from app.engine.runner import EngineRunner
from app.session import ChatSession, NoticeAdded, ReplySaved, dropped_turns_notice, engine_messages
from app.settings import Settings
from app.store import ChatStore, StoredMessage
from tests.core.session_helpers import (
    Clock,
    ManualRunner,
    evaluated,
    finished,
    roles,
)


def test_send_with_the_fake_engine_saves_the_reply_byte_identical(store: ChatStore) -> None:
    engine = FakeEngine()
    runner = EngineRunner(lambda: engine)
    try:
        chat = ChatSession(store, runner, Settings(system_prompt="Be brief."))
        record = chat.new_conversation()
        stream = chat.send("hello  there ")
        assert stream.wait(10)
        events = chat.pump()
        stream2 = chat.send("again")
        assert stream2.wait(10)
        chat.pump()
    finally:
        runner.shutdown()
    saved = store.messages(record.id)
    assert roles(saved) == [
        ("user", "hello  there ", True),
        ("assistant", "You said: hello  there ", True),
        ("user", "again", True),
        ("assistant", "You said: again", True),
    ]
    assert isinstance(events[0], PromptEvaluated)
    assert isinstance(events[-1], ReplySaved) and events[-1].message == saved[1]
    assert saved[1].stats is not None and saved[1].stats["generated_tokens"] == 6  # split on " "
    assert engine.calls[1] == [
        Message("system", "Be brief."),
        Message("user", "hello  there "),
        Message("assistant", "You said: hello  there "),
        Message("user", "again"),
    ]
    assert store.conversation(record.id).title == "hello there"  # type: ignore[union-attr]


def test_engine_messages_put_the_system_prompt_first_and_leave_notices_out() -> None:
    def stored(role: str, content: str) -> StoredMessage:
        return StoredMessage(1, "c", role, content, 0.0, True, None)

    history = [
        stored("user", "a"),
        stored("notice", "dropped"),
        stored("assistant", "b"),
        stored("user", "c"),
        stored("assistant", ""),
        stored("user", "d"),
    ]
    assert engine_messages("sys", history) == [
        Message("system", "sys"),
        Message("user", "a"),
        Message("assistant", "b"),
        Message("user", "c"),
        Message("user", "d"),
    ]
    assert engine_messages("  ", history[:1]) == [Message("user", "a")]


def test_partial_reply_is_saved_at_most_once_a_second(
    session: ChatSession, store: ChatStore, runner: ManualRunner, clock: Clock
) -> None:
    cid = session.conversation_id
    assert cid is not None
    stream = session.send("hi")
    contents: list[str] = []
    for step, piece in enumerate(["Hel", "lo", " wor", "ld", "!"]):
        clock.now = 100.0 + step * 0.4  # 100.0, 100.4, 100.8, 101.2, 101.6
        stream.put(TokensReceived(piece, 1, 0.1))
        session.pump()
        contents.append(store.messages(cid)[-1].content)
    assert contents == ["Hel", "Hel", "Hel", "Hello world", "Hello world"]
    assert store.messages(cid)[-1].complete is False
    stream.put(finished("stop", "Hello world!"))
    session.pump()
    last = store.messages(cid)[-1]
    assert (last.role, last.content, last.complete) == ("assistant", "Hello world!", True)
    assert len(store.messages(cid)) == 2
    assert not session.busy


def test_stop_keeps_the_partial_reply(session: ChatSession, store: ChatStore) -> None:
    stream = session.send("count")
    stream.put(evaluated())
    stream.put(TokensReceived("one two", 2, 0.1))
    session.pump()
    assert session.busy
    session.stop()
    assert stream.cancel_event.is_set()
    stream.put(finished("cancelled", "one two"))
    events = session.pump()
    assert isinstance(events[-1], ReplySaved) and events[-1].foreground
    assert roles(store.messages(session.conversation_id or "")) == [
        ("user", "count", True),
        ("assistant", "one two", False),
    ]


def test_a_reply_is_never_written_into_another_conversation(
    session: ChatSession, store: ChatStore
) -> None:
    first = session.conversation_id or ""
    stream = session.send("tell me a story")
    stream.put(TokensReceived("Once upon", 2, 0.1))
    session.pump()
    second = session.new_conversation().id
    assert stream.cancel_event.is_set()
    assert not session.busy
    stream.put(TokensReceived(" a time", 2, 0.2))
    stream.put(finished("cancelled", "Once upon a time"))
    events = session.pump()
    assert len(events) == 1 and isinstance(events[0], ReplySaved)
    assert events[0].conversation_id == first and not events[0].foreground
    assert roles(store.messages(first))[-1] == ("assistant", "Once upon a time", False)
    assert store.messages(second) == []


def test_dropped_turns_add_a_notice_that_the_engine_never_sees(
    session: ChatSession, store: ChatStore, runner: ManualRunner
) -> None:
    stream = session.send("one")
    stream.put(evaluated(dropped=2))
    stream.put(TokensReceived("ok", 1, 0.1))
    stream.put(finished("stop", "ok"))
    events = session.pump()
    notices = [e for e in events if isinstance(e, NoticeAdded)]
    assert len(notices) == 1
    assert notices[0].message.content == dropped_turns_notice(2)
    assert "oldest 2 turns" in notices[0].message.content
    assert [m.role for m in store.messages(session.conversation_id or "")] == [
        "user",
        "notice",
        "assistant",
    ]
    session.send("two")
    assert [m.role for m in runner.calls[-1][1]] == ["system", "user", "assistant", "user"]


def test_an_error_keeps_what_was_generated_and_shows_the_error(
    session: ChatSession, store: ChatStore
) -> None:
    stream = session.send("go")
    stream.put(TokensReceived("Half a rep", 3, 0.1))
    stream.put(finished("error", "Half a rep", "Generation failed: boom"))
    session.pump()
    saved = store.messages(session.conversation_id or "")
    assert roles(saved)[1:] == [
        ("assistant", "Half a rep", False),
        ("notice", "The reply stopped with an error: Generation failed: boom", True),
    ]
    assert saved[1].stats is not None and saved[1].stats["error"] == "Generation failed: boom"


def test_an_error_before_any_text_stores_only_a_notice(
    session: ChatSession, store: ChatStore
) -> None:
    stream = session.send("go")
    stream.put(finished("error", "", "No model is loaded."))
    (event,) = session.pump()
    assert isinstance(event, ReplySaved) and event.message is None
    assert event.error_notice is not None
    assert [m.role for m in store.messages(session.conversation_id or "")] == ["user", "notice"]

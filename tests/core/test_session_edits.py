"""ChatSession: regenerate, edit and resend, refusals, closing, per-conversation settings."""

from __future__ import annotations

import pytest

from app.chat.events import TokensReceived
from app.chat.values import GenerationParams, Message
from app.session import ChatSession, ConversationSettings
from app.settings import Settings
from app.store import ChatStore
from tests.core.session_helpers import (
    ManualRunner,
    evaluated,
    finished,
    roles,
)


def test_regenerate_adds_a_reply_beside_the_last_one(
    session: ChatSession, store: ChatStore, runner: ManualRunner
) -> None:
    cid = session.conversation_id or ""
    stream = session.send("q1")
    stream.put(finished("stop", "a1"))
    session.pump()
    stream = session.send("q2")
    stream.put(evaluated(dropped=1))
    stream.put(finished("stop", "a2"))
    session.pump()
    stream = session.regenerate()
    assert runner.calls[-1][1] == [
        Message("system", "Be brief."),
        Message("user", "q1"),
        Message("assistant", "a1"),
        Message("user", "q2"),
    ]
    shown = [m.content for m in store.messages(cid) if m.role != "notice"]
    assert shown == ["q1", "a1", "q2"], "the path ends at the question while the reply waits"
    stream.put(finished("stop", "a2 again"))
    session.pump()
    path = [m for m in store.messages(cid) if m.role != "notice"]
    assert [m.content for m in path] == ["q1", "a1", "q2", "a2 again"]
    earlier = [m for m in store.all_messages(cid) if m.content == "a2"]
    assert len(earlier) == 1, "the earlier reply is kept"
    assert store.siblings(path[-1].id) == [earlier[0].id, path[-1].id]


def test_edit_and_resend_adds_a_branch_and_keeps_the_original(
    session: ChatSession, store: ChatStore, runner: ManualRunner
) -> None:
    cid = session.conversation_id or ""
    for question in ("first question", "second question"):
        stream = session.send(question)
        stream.put(finished("stop", f"answer to {question}"))
        session.pump()
    first_id = store.messages(cid)[0].id
    session.edit_and_resend(first_id, "better question")
    assert [m.content for m in store.messages(cid)] == ["better question"]
    assert len(store.all_messages(cid)) == 5, "the original question and its replies stay"
    assert len(store.siblings(first_id)) == 2
    assert runner.calls[-1][1] == [
        Message("system", "Be brief."),
        Message("user", "better question"),
    ]
    assert store.conversation(cid).title == "better question"  # type: ignore[union-attr]
    runner.streams[-1].put(finished("stop", "ok"))
    session.pump()
    assistant = store.messages(cid)[1]
    with pytest.raises(ValueError, match="only a user message"):
        session.edit_and_resend(assistant.id, "x")


def test_send_while_a_reply_runs_is_refused(session: ChatSession) -> None:
    session.send("a")
    with pytest.raises(RuntimeError, match="still being generated"):
        session.send("b")
    with pytest.raises(RuntimeError):
        session.regenerate()


def test_close_saves_the_partial_text_of_an_unfinished_turn(
    session: ChatSession, store: ChatStore
) -> None:
    stream = session.send("long one")
    stream.put(TokensReceived("partial", 1, 0.1))
    stream.put(TokensReceived(" text", 1, 0.2))
    session.close(wait_s=0.0)
    assert stream.cancel_event.is_set()
    assert roles(store.messages(session.conversation_id or ""))[-1] == (
        "assistant",
        "partial text",
        False,
    )


def test_each_conversation_keeps_its_settings_and_model(
    session: ChatSession, store: ChatStore, runner: ManualRunner
) -> None:
    first = session.conversation_id or ""
    changed = Settings(
        system_prompt="Talk like a pirate.",
        generation=GenerationParams(temperature=0.2, max_tokens=64),
    )
    session.apply_settings(changed)
    session.model_path = "/models/a.gguf"
    session.send("hi")
    _, messages, params = runner.calls[-1]
    assert messages[0] == Message("system", "Talk like a pirate.")
    assert params == GenerationParams(temperature=0.2, max_tokens=64)
    record = store.conversation(first)
    assert record is not None and record.model_path == "/models/a.gguf"
    assert record.settings["generation"]["temperature"] == 0.2
    fallback = ConversationSettings("x", GenerationParams(top_k=7))
    partial = ConversationSettings.from_dict({"generation": {"top_p": 0.5, "bogus": 1}}, fallback)
    assert partial == ConversationSettings("x", GenerationParams(top_k=7, top_p=0.5))

"""A reasoning model's turn in the session: thinking saved apart (also while it streams),
unfinished thinking stored as such and never sent back as an answer."""

from __future__ import annotations

from app.chat.events import TokensReceived
from app.engine.runner import empty_finish
from app.session import ChatSession
from app.store import ChatStore
from tests.core.session_helpers import ManualRunner, evaluated


def test_thinking_is_saved_apart_and_old_thinking_goes_back_apart(
    session: ChatSession, store: ChatStore, runner: ManualRunner
) -> None:
    stream = session.send("2+2?")
    stream.put(evaluated())
    stream.put(TokensReceived("Two and", 2, 0.1, "thinking"))
    stream.put(TokensReceived(" two.", 2, 0.2, "thinking"))
    stream.put(TokensReceived("Four.", 1, 0.3))
    events = session.pump()
    assert [e.channel for e in events if isinstance(e, TokensReceived)] == ["thinking", "answer"]
    partial = store.messages(session.conversation_id or "")[-1]
    assert partial.thinking.startswith("Two and") and "Two" not in partial.content  # apart
    stream.put(empty_finish("stop", "Four.", None, 2048, thinking="Two and two."))
    session.pump()
    reply = store.messages(session.conversation_id or "")[-1]
    assert (reply.content, reply.thinking, reply.complete) == ("Four.", "Two and two.", True)
    session.send("And 3+3?")
    sent = runner.calls[-1][1]
    assert sent[-2].content == "Four." and sent[-2].thinking == "Two and two."


def test_unfinished_thinking_is_kept_but_never_an_answer(
    session: ChatSession, store: ChatStore, runner: ManualRunner
) -> None:
    stream = session.send("Prove it.")
    stream.put(evaluated())
    stream.put(TokensReceived("Let me think", 3, 0.1, "thinking"))
    stream.put(empty_finish("length", "", None, 2048, thinking="Let me think"))
    session.pump()
    reply = store.messages(session.conversation_id or "")[-1]
    assert (reply.role, reply.content, reply.thinking) == ("assistant", "", "Let me think")
    assert not reply.complete
    session.send("Go on.")
    assert [m.role for m in runner.calls[-1][1]][-2:] == ["user", "user"]  # not sent back

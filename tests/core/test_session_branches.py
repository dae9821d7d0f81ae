"""ChatSession over a tree of messages: regenerate and edit keep what was there, switching
between alternatives, forks, and replies that stay on the branch they started on."""

from __future__ import annotations

import pytest

from app.chat.events import TokensReceived
from app.chat.values import Message
from app.session import ChatSession
from app.store import ChatStore
from tests.core.session_helpers import ManualRunner, finished


def _turn(session: ChatSession, text: str, reply: str) -> None:
    stream = session.send(text)
    stream.put(finished("stop", reply))
    session.pump()


def _contents(session: ChatSession) -> list[str]:
    return [m.content for m in session.messages()]


def test_regenerate_keeps_the_earlier_reply_and_switches_between_them(
    session: ChatSession, store: ChatStore, runner: ManualRunner
) -> None:
    _turn(session, "q1", "a1")
    _turn(session, "q2", "first try")
    stream = session.regenerate()
    stream.put(TokensReceived("second", 1, 0.1))
    stream.put(finished("stop", "second try"))
    session.pump()
    assert _contents(session) == ["q1", "a1", "q2", "second try"]
    reply = session.messages()[-1]
    position = session.branch_positions()[reply.id]
    assert (position.label, position.index) == ("2 / 2", 1)
    assert session.switch_branch(reply.id, +1) is None, "no alternative past the last"
    path = session.switch_branch(reply.id, -1)
    assert path is not None and [m.content for m in path][-1] == "first try"
    assert _contents(session) == ["q1", "a1", "q2", "first try"]
    assert session.branch_positions()[path[-1].id].label == "1 / 2"
    _turn(session, "q3", "a3")  # continuing the first try's branch
    assert runner.calls[-1][1][-2:] == [
        Message("assistant", "first try"),
        Message("user", "q3"),
    ]
    assert _contents(session) == ["q1", "a1", "q2", "first try", "q3", "a3"]
    session.switch_branch(path[-1].id, +1)
    assert _contents(session) == ["q1", "a1", "q2", "second try"]


def test_edit_keeps_the_original_question_and_its_replies(
    session: ChatSession, store: ChatStore
) -> None:
    _turn(session, "q1", "a1")
    _turn(session, "q2", "a2")
    q2 = session.messages()[2]
    stream = session.edit_and_resend(q2.id, "q2 better")
    stream.put(finished("stop", "a2 better"))
    session.pump()
    assert _contents(session) == ["q1", "a1", "q2 better", "a2 better"]
    edited = session.messages()[2]
    assert edited.parent_id == session.messages()[1].id
    assert session.branch_positions()[edited.id].label == "2 / 2"
    session.switch_branch(edited.id, -1)
    assert _contents(session) == ["q1", "a1", "q2", "a2"], "the original branch, whole"


def test_editing_the_first_question_makes_a_new_top_branch_and_follows_the_title(
    session: ChatSession, store: ChatStore
) -> None:
    cid = session.conversation_id or ""
    _turn(session, "how do owls sleep", "standing")
    first = session.messages()[0]
    assert store.conversation(cid).title == "how do owls sleep"  # type: ignore[union-attr]
    session.edit_and_resend(first.id, "how do bats sleep")
    assert _contents(session) == ["how do bats sleep"]
    assert session.messages()[0].parent_id is None, "a first message hangs at the root"
    assert store.siblings(first.id) == [first.id, session.messages()[0].id]
    assert store.conversation(cid).title == "how do bats sleep"  # type: ignore[union-attr]
    session.pump()


def test_a_renamed_conversation_keeps_its_title_when_the_first_question_is_edited(
    session: ChatSession, store: ChatStore
) -> None:
    cid = session.conversation_id or ""
    _turn(session, "q1", "a1")
    store.rename(cid, "My owls")
    session.edit_and_resend(session.messages()[0].id, "q1 again")
    assert store.conversation(cid).title == "My owls"  # type: ignore[union-attr]


def test_a_reply_stays_on_the_branch_it_started_on(session: ChatSession, store: ChatStore) -> None:
    """The parent is captured at turn start: moving the leaf meanwhile cannot re-parent it."""
    cid = session.conversation_id or ""
    _turn(session, "q1", "a1")
    q1 = session.messages()[0]
    stream = session.regenerate()
    store.set_current_leaf(cid, session.messages()[0].id)  # something moved the leaf
    other = store.add_message(cid, "user", "elsewhere", parent_id=q1.id)
    stream.put(TokensReceived("b", 1, 0.1))
    stream.put(finished("stop", "b1"))
    session.pump()
    reply = next(m for m in store.all_messages(cid) if m.content == "b1")
    assert reply.parent_id == q1.id
    assert other.id in store.siblings(reply.id)


def test_a_regenerate_that_writes_nothing_shows_the_earlier_reply_again(
    session: ChatSession,
) -> None:
    _turn(session, "q1", "a1")
    stream = session.regenerate()
    assert _contents(session) == ["q1"]
    stream.put(finished("cancelled", ""))
    session.pump()
    assert _contents(session) == ["q1", "a1"]


def test_fork_copies_the_path_into_a_new_open_conversation(
    session: ChatSession, store: ChatStore, runner: ManualRunner
) -> None:
    source = session.conversation_id or ""
    _turn(session, "q1", "a1")
    _turn(session, "q2", "a2")
    a1 = session.messages()[1]
    record = session.fork(a1.id)
    assert session.conversation_id == record.id != source
    assert record.title == "q1 (fork)"
    assert _contents(session) == ["q1", "a1"]
    _turn(session, "q2 elsewhere", "a2 elsewhere")
    assert runner.calls[-1][0] == record.id
    assert [m.content for m in store.messages(source)] == ["q1", "a1", "q2", "a2"]


def test_switching_is_refused_while_a_reply_runs(session: ChatSession) -> None:
    _turn(session, "q1", "a1")
    session.regenerate()
    with pytest.raises(RuntimeError, match="still being generated"):
        session.switch_branch(session.messages()[0].id, 1)

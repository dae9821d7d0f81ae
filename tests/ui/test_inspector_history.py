"""The inspector's view of a conversation: stored history, and the prompt kept per reply."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QPushButton

from app.chat.values import Message
from app.store import ChatStore
from app.ui.panels.inspector_panel import prompt_for_reply
from tests.ui.inspector_helpers import PROMPT, STATS, finished
from tests.ui.labels import label_text as text


def test_show_conversation_rebuilds_history_from_stored_stats(inspector, hearth_home):
    store = ChatStore(hearth_home / "chats.sqlite3")
    chat = store.create_conversation()
    store.add_message(chat.id, "user", "hi")
    store.add_message(chat.id, "assistant", "hello", stats=replace(STATS, ttft_s=0.3).as_json())
    store.add_message(chat.id, "notice", "something")
    store.add_message(chat.id, "user", "more")
    store.add_message(chat.id, "assistant", "sure", stats=STATS.as_json())
    store.add_message(chat.id, "assistant", "cut off", stats=None)
    inspector.turn_finished(finished(replace(STATS, ttft_s=9.0)), PROMPT)
    messages = store.messages(chat.id)
    store.close()
    inspector.show_conversation(messages)
    assert inspector.history.ttft_series() == (0.3, 0.125)
    assert inspector.last_stats == STATS
    assert text(inspector, "insp_prompt_tokens") == "600"
    assert not inspector.findChild(QPushButton, "insp_show_tokens").isEnabled()
    assert inspector.prompt_messages is None
    inspector.show_conversation(messages, system_prompt="Be kind.")
    assert inspector.prompt_messages == [
        Message("system", "Be kind."),
        Message("user", "hi"),
        Message("assistant", "hello"),
        Message("user", "more"),
    ]
    assert prompt_for_reply(messages, "", None)[-1] == Message("assistant", "cut off")
    inspector.show_conversation([])
    assert len(inspector.history) == 0 and text(inspector, "insp_prompt_tokens") == "—"


def test_the_prompt_kept_for_its_tokens_leaves_out_dropped_turns(inspector):
    history = [Message("system", "s")]
    for i in range(4):
        history += [Message("user", f"q{i}"), Message("assistant", f"a{i}")]
    history.append(Message("user", "now"))
    inspector.turn_finished(finished(replace(STATS, dropped_turns=3)), history)
    assert inspector.prompt_messages == [
        Message("system", "s"),
        Message("user", "q3"),
        Message("assistant", "a3"),
        Message("user", "now"),
    ]

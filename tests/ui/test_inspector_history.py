"""The inspector's view of a conversation: stored history, and the prompt kept per reply."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QPushButton

from app.chat.values import Message
from app.store import ChatStore
from app.ui.panels.inspector_panel import prompt_for_reply
from tests.ui.test_inspector_panel import PROMPT, STATS, finished, measure, panel, text

__all__ = ["measure", "panel"]  # the fixtures


def test_show_conversation_rebuilds_history_from_stored_stats(panel, hearth_home):
    store = ChatStore(hearth_home / "chats.sqlite3")
    chat = store.create_conversation()
    store.add_message(chat.id, "user", "hi")
    store.add_message(chat.id, "assistant", "hello", stats=replace(STATS, ttft_s=0.3).as_json())
    store.add_message(chat.id, "notice", "something")
    store.add_message(chat.id, "user", "more")
    store.add_message(chat.id, "assistant", "sure", stats=STATS.as_json())
    store.add_message(chat.id, "assistant", "cut off", stats=None)
    panel.turn_finished(finished(replace(STATS, ttft_s=9.0)), PROMPT)
    messages = store.messages(chat.id)
    store.close()
    panel.show_conversation(messages)
    assert panel.history.ttft_series() == (0.3, 0.125)
    assert panel.last_stats == STATS
    assert text(panel, "insp_prompt_tokens") == "600"
    assert not panel.findChild(QPushButton, "insp_show_tokens").isEnabled()
    assert panel.prompt_messages is None
    panel.show_conversation(messages, system_prompt="Be kind.")
    assert panel.prompt_messages == [
        Message("system", "Be kind."),
        Message("user", "hi"),
        Message("assistant", "hello"),
        Message("user", "more"),
    ]
    assert prompt_for_reply(messages, "", None)[-1] == Message("assistant", "cut off")
    panel.show_conversation([])
    assert len(panel.history) == 0 and text(panel, "insp_prompt_tokens") == "—"


def test_the_prompt_kept_for_its_tokens_leaves_out_dropped_turns(panel):
    history = [Message("system", "s")]
    for i in range(4):
        history += [Message("user", f"q{i}"), Message("assistant", f"a{i}")]
    history.append(Message("user", "now"))
    panel.turn_finished(finished(replace(STATS, dropped_turns=3)), history)
    assert panel.prompt_messages == [
        Message("system", "s"),
        Message("user", "q3"),
        Message("assistant", "a3"),
        Message("user", "now"),
    ]

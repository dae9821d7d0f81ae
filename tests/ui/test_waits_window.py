"""The waits in the window, over the FakeEngine: load progress and Cancel, prompt progress
in the reply's place and the stats panel, the composer's token count; and the names and
controls a person recognises."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QToolBar, QToolButton
from pytestqt.qtbot import QtBot

from app.chat.values import LoadOptions
from app.engine.fake import FakeEngine
from app.engine.token_counter import TokenCounter
from app.settings import Settings
from tests.ui.labels import label_text
from tests.ui.window_helpers import FAKE_MODEL, WindowFactory, send

LONG_MESSAGE = "word " * 600  # the fake reads it in batches of 64


class WordCounter:
    def count(self, text: str) -> int:
        return len(text.split())

    def close(self) -> None:
        return None


def test_load_shows_file_size_and_progress_and_cancel_keeps_the_model(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    built = make_window(engine=FakeEngine(load_delay=0.1))
    window = built.window
    other = tmp_path / "other-model.Q8_0.gguf"
    other.write_bytes(b"GGUF" + bytes(1_999_996))
    cancel = window.picker.findChild(QPushButton, "model_load_cancel_button")
    assert cancel is not None and not cancel.isVisible()
    with qtbot.waitSignal(window.models.load_progressed, timeout=5000):
        window.load_model(str(other))
    qtbot.waitUntil(lambda: (window.picker.load_fraction or 0) >= 0.25, timeout=5000)
    status = window.picker.findChild(QLabel, "model_picker_status")
    assert status is not None
    assert status.text().startswith("Loading other-model.Q8_0.gguf (2 MB)… ")
    assert status.text().endswith("%") and cancel.isVisible()
    with qtbot.waitSignal(window.models.load_cancelled, timeout=5000) as cancelled:
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert cancelled.args == [str(other)]
    assert window.models.info is not None and window.models.info.path == FAKE_MODEL
    assert window.picker.current_path() == FAKE_MODEL
    assert not cancel.isVisible() and status.text() == "Loading cancelled"
    assert window.findChild(QMessageBox, "load_error_box") is None
    assert window.composer.send_button.isEnabled() is False  # empty box, model still there
    send(qtbot, window, "still answering?")
    assert built.messages()[-1].content == "You said: still answering?"


def test_prompt_progress_shows_in_the_reply_and_stats_and_stop_keeps_the_message(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    settings = Settings(load=LoadOptions(n_ctx=4096, n_batch=64))
    built = make_window(engine=FakeEngine(batch_delay=0.05), settings=settings)
    window = built.window
    window.composer.edit.setPlainText(LONG_MESSAGE)
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "%" in window.transcript.reply_status, timeout=5000)
    assert window.transcript.reply_status.startswith("Reading the prompt: ")
    assert re.search(r"of [0-9]{3} tokens", window.transcript.reply_status)
    assert "Reading the prompt" in window.transcript.toPlainText()
    qtbot.waitUntil(lambda: "left" in label_text(window.stats_panel, "stat_state"), timeout=5000)
    state = label_text(window.stats_panel, "stat_state")
    assert state.startswith("reading prompt ") and "%, about " in state
    with qtbot.waitSignal(window.chat.reply_finished, timeout=5000) as finished:
        qtbot.mouseClick(window.composer.stop_button, Qt.MouseButton.LeftButton)
    saved = finished.args[0]
    assert saved.finished.reason == "cancelled" and saved.message is None
    assert [(m.role, m.content) for m in built.messages()] == [("user", LONG_MESSAGE)]
    assert "Reading the prompt" not in window.transcript.toPlainText()
    assert label_text(window.stats_panel, "stat_state") == "idle"


def test_composer_counts_tokens_as_typed_and_knows_the_context(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    counter = TokenCounter(lambda _path: WordCounter())
    built = make_window(settings=Settings(load=LoadOptions(n_ctx=2048)), token_counter=counter)
    window = built.window
    label = window.composer.findChild(QLabel, "composer_token_count")
    assert label is not None and not label.isVisible()
    with qtbot.waitSignal(window.token_count.counted, timeout=5000) as counted:
        qtbot.keyClicks(window.composer.edit, "three small words")
    assert counted.args == [3]
    assert label.text() == "3 tokens; 3 of 2,048 after this message" and label.isVisible()
    window.composer.edit.clear()
    send(qtbot, window, "hello there")
    used = built.messages()[-1].stats["context_used"]  # type: ignore[index]
    assert used > 0
    with qtbot.waitSignal(window.token_count.counted, timeout=5000):
        qtbot.keyClicks(window.composer.edit, "one two")
    assert label.text() == f"2 tokens; {used + 2:,} of 2,048 after this message"


def test_one_new_chat_control_icons_with_text_and_an_empty_chat_that_says_what_to_do(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window().window
    toolbar = window.findChild(QToolBar, "main_toolbar")
    assert toolbar is not None
    assert toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    buttons = toolbar.findChildren(QToolButton)
    assert not any("New chat" in b.text() for b in buttons)
    news = [b for b in window.findChildren(QPushButton) if b.text() == "New chat"]
    assert [b.objectName() for b in news] == ["new_conversation_button"]
    for name in ("settings_tool_button", "stats_toggle_tool_button"):
        button = window.findChild(QToolButton, name)
        assert button is not None and not button.icon().isNull() and button.text()
    hint = window.transcript.empty_hint
    assert hint.isVisible() and "press Enter" in hint.text()
    send(qtbot, window, "hello")
    assert not hint.isVisible()
    qtbot.mouseClick(window.conversation_list.new_button, Qt.MouseButton.LeftButton)
    assert hint.isVisible()

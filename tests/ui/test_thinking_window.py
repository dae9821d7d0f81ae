"""The window with a reasoning model (FakeEngine that thinks): the thinking block streams,
folds when the answer starts, has its own Copy and figures, and the controls are saved per
conversation. The real engine's thinking is tested in tests/core/test_engine_thinking.py."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app.engine.fake import FakeEngine
from app.settings import Settings
from tests.ui.window_helpers import WindowFactory, send, type_and_enter

THOUGHT = "The user greets me so I should greet back politely and briefly"


def _plain(window) -> str:  # type: ignore[no-untyped-def]
    return window.transcript.toPlainText()


def test_thinking_streams_then_folds_above_a_clean_answer(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    built = make_window(FakeEngine(thinking=THOUGHT, token_delay=0.08))
    window = built.window
    assert window.thinking_controls.isVisible()  # a thinking model is loaded
    type_and_enter(qtbot, window, "Hello")
    qtbot.waitUntil(lambda: "Thinking…" in _plain(window), timeout=5000)
    qtbot.waitUntil(lambda: "greets" in _plain(window), timeout=5000)  # live, before the answer
    assert "You said" not in _plain(window)
    qtbot.waitUntil(lambda: "answer after" in _plain(window), timeout=10000)  # completed
    assert "Thought for" in _plain(window)
    text = _plain(window)
    assert "greets me" not in text  # folded once the answer started
    saved = window.session.messages()[-1]
    assert saved.content == "You said: Hello" and saved.thinking == THOUGHT
    assert "thinking 12 tokens" in text and "answer after" in text  # the footer's figures
    window.transcript.anchorClicked.emit(QUrl(f"hearth:thinking/{saved.id}"))
    assert "greets me" in _plain(window)  # Show
    window.transcript.anchorClicked.emit(QUrl(f"hearth:copythinking/{saved.id}"))
    clipboard = QGuiApplication.clipboard()
    assert clipboard is not None and clipboard.text() == THOUGHT
    stat = window.stats_panel._labels["stat_thinking"].text()
    assert stat.startswith("12 tokens")


def test_keep_open_setting_and_reopened_conversation(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    built = make_window(FakeEngine(thinking=THOUGHT), settings=Settings(thinking_open=True))
    window = built.window
    send(qtbot, window, "Hi")
    assert "greets me" in _plain(window)  # stayed open
    window.transcript.show_messages(window.session.messages())
    assert "Thought for" in _plain(window) and "greets me" in _plain(window)


def test_controls_are_saved_per_conversation(qtbot: QtBot, make_window: WindowFactory) -> None:
    built = make_window(FakeEngine(thinking=THOUGHT))
    window = built.window
    controls = window.thinking_controls
    first = window.session.conversation_id
    controls.mode.setCurrentIndex(controls.mode.findData("off"))
    controls.budget.setValue(512)
    assert window.session.settings().generation.thinking == "off"
    send(qtbot, window, "Hi")
    assert window.session.messages()[-1].thinking == ""  # off reached the engine
    window.chat.new_conversation()
    assert window.session.conversation_id != first
    assert window.session.settings().generation.thinking == "auto"  # a new one: defaults
    assert controls.mode.currentData() == "auto" and controls.budget.value() == 0
    window.chat.open(first)  # type: ignore[arg-type]
    assert controls.mode.currentData() == "off" and controls.budget.value() == 512

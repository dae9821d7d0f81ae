"""The transcript's design: bubbles on the right within a centred column, message actions on
hover and by keyboard, the welcome's example prompts."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from app.store import StoredMessage
from app.ui.chat.transcript_layout import MEASURE_CHARS
from app.ui.chat.transcript_view import TranscriptView
from app.ui.chat.transcript_welcome import EXAMPLE_PROMPTS
from tests.ui.window_helpers import WindowFactory, send


def message(ident: int, role: str, content: str) -> StoredMessage:
    return StoredMessage(ident, "c", role, content, time.time(), True, None)


@pytest.fixture
def view(qtbot: QtBot) -> TranscriptView:
    transcript = TranscriptView()
    qtbot.addWidget(transcript)
    transcript.resize(1400, 600)
    transcript.show()
    transcript.show_messages(
        [message(1, "user", "hi there"), message(2, "assistant", "Hello! " * 80)]
    )
    return transcript


def test_wide_windows_centre_a_readable_column_and_bubbles_sit_right(view: TranscriptView):
    shape = view._shape
    width = view.viewport().width()
    root = view.document().rootFrame().frameFormat()
    assert shape.column < width - 400  # narrower than the window...
    assert abs(root.leftMargin() - root.rightMargin()) < 1  # ...and centred
    assert root.leftMargin() + shape.column + root.rightMargin() == pytest.approx(width, abs=2)
    assert shape.column == pytest.approx(shape.measure(), abs=1)
    assert shape.column > 60 * 5  # about MEASURE_CHARS characters, not a sliver
    user = view.hover.frame_rect(1)
    reply = view.hover.frame_rect(2)
    assert user is not None and reply is not None
    assert user.width() < reply.width() / 2  # a short message: a small bubble...
    assert abs(user.right() - reply.right()) <= 2  # ...on the right edge of the column
    view.resize(500, 600)  # a narrow window: the column takes the width
    assert view._shape.column < MEASURE_CHARS * 6 and view._shape.column > 300


def test_hover_shows_the_message_actions_and_they_act(view: TranscriptView, qtbot: QtBot):
    rect = view.hover.frame_rect(1)
    assert rect is not None
    point = rect.center()
    event = QMouseEvent(
        QMouseEvent.Type.MouseMove,
        point,
        view.viewport().mapToGlobal(point),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(view.viewport(), event)
    bar = view.hover.bar
    assert bar.isVisible() and bar.message_id == 1
    shown = [b.accessibleName() for b in bar.visible_buttons()]
    assert shown == ["Copy message", "Edit message", "Delete message"]
    assert rect.contains(QPoint(bar.geometry().right() - 2, rect.top() + 2))  # top-right
    with qtbot.waitSignal(view.action_requested) as asked:
        bar.buttons["edit"].click()
    assert asked.args == ["edit", 1]


def test_keyboard_reaches_every_message_action(view: TranscriptView, qtbot: QtBot):
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    bar = view.hover.bar
    assert bar.isVisible() and bar.message_id == 1
    assert bar.buttons["copy"].hasFocus()
    qtbot.keyClick(bar.buttons["copy"], Qt.Key.Key_Right)
    assert bar.buttons["edit"].hasFocus()
    qtbot.keyClick(bar.buttons["edit"], Qt.Key.Key_Tab)
    assert bar.buttons["delete"].hasFocus()  # Tab cycles inside the bar
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert bar.message_id == 2  # Alt+Down: the reply, whose actions include regenerate
    names = [b.objectName() for b in bar.visible_buttons()]
    assert names == ["message_copy_button", "message_regenerate_button", "message_delete_button"]
    with qtbot.waitSignal(view.action_requested) as asked:
        qtbot.keyClick(bar.buttons["copy"], Qt.Key.Key_R)
    assert asked.args == ["regenerate", 2]
    with qtbot.waitSignal(view.copied):
        qtbot.keyClick(bar.buttons["copy"], Qt.Key.Key_Return)
    assert QApplication.clipboard().text() == "Hello! " * 80
    qtbot.keyClick(bar.buttons["copy"], Qt.Key.Key_Escape)
    assert not bar.isVisible() and view.hasFocus()


def test_the_welcome_offers_prompts_and_without_a_model_the_way_to_get_one(
    qtbot: QtBot, make_window: WindowFactory
):
    window = make_window().window
    welcome = window.transcript.empty_hint
    assert welcome.isVisible() and [b.text() for b in welcome.prompts] == list(EXAMPLE_PROMPTS)
    qtbot.mouseClick(welcome.prompts[1], Qt.MouseButton.LeftButton)
    assert window.composer.edit.toPlainText() == EXAMPLE_PROMPTS[1]
    assert window.composer.send_button.isEnabled()
    welcome.set_model_loaded(False)
    assert welcome.download_button.isVisibleTo(welcome) and "No model" in welcome.text()
    assert not any(b.isVisibleTo(welcome) for b in welcome.prompts)
    qtbot.mouseClick(welcome.download_button, Qt.MouseButton.LeftButton)
    downloads = window.findChild(QDialog, "download_dialog")
    assert downloads is not None and downloads.isVisible()
    downloads.close()
    welcome.set_model_loaded(True)
    send(qtbot, window, "hello")
    assert not welcome.isVisible()
    assert window.models.info is not None
    assert window.models.info.name in window.transcript.toPlainText()  # replies name the model

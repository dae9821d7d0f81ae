"""TranscriptView and Composer on their own: incremental rendering, links, keys."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from app.store import StoredMessage
from app.ui.chat.composer import Composer
from app.ui.chat.transcript_view import PAGE, TranscriptView


def message(ident: int, role: str, content: str, complete: bool = True) -> StoredMessage:
    return StoredMessage(ident, "c", role, content, time.time(), complete, None)


def conversation(count: int) -> list[StoredMessage]:
    return [
        message(i, "user" if i % 2 else "assistant", f"message number {i} with **markdown**")
        for i in range(1, count + 1)
    ]


def test_long_conversations_open_with_their_last_page(view: TranscriptView) -> None:
    view.show_messages(conversation(100))
    text = view.toPlainText()
    assert view.shown_count == PAGE
    assert "message number 100" in text and "message number 60 " not in text
    assert "Show 60 earlier messages" in text
    view.anchorClicked.emit(QUrl("hearth:earlier"))
    assert view.shown_count == 2 * PAGE
    assert "message number 21 " in view.toPlainText()
    assert "Show 20 earlier messages" in view.toPlainText()


def test_streaming_touches_only_the_reply(qtbot: QtBot, view: TranscriptView) -> None:
    view.show_messages(conversation(10))
    frames = list(view.document().rootFrame().childFrames())
    before = [(f.firstPosition(), f.lastPosition()) for f in frames]
    view.begin_reply()
    for index in range(2000):
        view.append_reply_text(f"tok{index}" + ("\n\n" if index % 50 == 49 else " "))
    assert view.render_count == 0  # appending is cheap: nothing rendered per token
    qtbot.waitUntil(lambda: "tok1999" in view.toPlainText(), timeout=5000)
    print("render steps for 2,000 tokens:", view.render_count)
    assert 2 <= view.render_count <= 20  # a backlog is spread over a few steps
    assert [(f.firstPosition(), f.lastPosition()) for f in frames] == before
    assert view.toPlainText().count("message number") == 10


def test_finishing_a_reply_adds_its_footer_without_rendering_it_again(
    qtbot: QtBot, view: TranscriptView
) -> None:
    view.show_messages([message(1, "user", "hi")])
    view.begin_reply()
    text = "# Heading\n\nSome *text*.\n\n```python\nprint(1)\n```\n\nThe end"
    view.append_reply_text(text)
    with qtbot.waitSignal(view.reply_completed, timeout=5000):
        view.finish_reply(message(2, "assistant", text))
    shown = view.toPlainText()
    assert "writing…" not in shown
    assert "Heading" in shown and "print(1)" in shown and "The end" in shown
    assert view.reply_text is None
    html = view.toHtml()
    assert "hearth:regenerate/2" in html and "hearth:copy-code/" in html
    assert [m.id for m in view.messages] == [1, 2]


def test_a_reply_whose_final_text_differs_is_shown_as_saved(
    qtbot: QtBot, view: TranscriptView
) -> None:
    view.show_messages([message(1, "user", "hi")])
    view.begin_reply()
    view.append_reply_text("partial garbage")
    with qtbot.waitSignal(view.reply_completed, timeout=5000):
        view.finish_reply(message(2, "assistant", "The real text"))
    assert "The real text" in view.toPlainText()
    assert "garbage" not in view.toPlainText()


def test_nothing_is_loaded_and_only_http_links_open(view: TranscriptView) -> None:
    opened: list[str] = []
    view.open_url = lambda url: opened.append(url.toString())
    image = QTextDocument.ResourceType.ImageResource
    assert view.loadResource(image, QUrl("http://example.com/cat.png")) is None
    text = "![cat](http://example.com/cat.png) [site](https://example.org)"
    view.show_messages([message(1, "assistant", text)])
    assert "[image: cat]" in view.toPlainText()
    view.anchorClicked.emit(QUrl("https://example.org"))
    view.anchorClicked.emit(QUrl("file:///etc/passwd"))
    view.anchorClicked.emit(QUrl("javascript:alert(1)"))
    assert opened == ["https://example.org"]


def test_actions_reach_the_window_as_signals(qtbot: QtBot, view: TranscriptView) -> None:
    view.show_messages([message(7, "user", "q"), message(8, "assistant", "a")])
    with qtbot.waitSignal(view.action_requested) as asked:
        view.anchorClicked.emit(QUrl("hearth:edit/7"))
    assert asked.args == ["edit", 7]
    with qtbot.assertNotEmitted(view.action_requested):
        view.anchorClicked.emit(QUrl("hearth:edit/not-a-number"))


@pytest.fixture
def composer(qtbot: QtBot) -> Composer:
    widget = Composer()
    qtbot.addWidget(widget)
    widget.show()
    widget.set_model_loaded(True)
    return widget


def test_enter_sends_and_shift_enter_adds_a_line(qtbot: QtBot, composer: Composer) -> None:
    qtbot.keyClicks(composer.edit, "line one")
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(composer.edit, "line two")
    assert composer.edit.toPlainText() == "line one\nline two"
    with qtbot.waitSignal(composer.send_requested) as sent:
        qtbot.keyClick(composer.edit, Qt.Key.Key_Return)
    assert sent.args == ["line one\nline two"]
    assert composer.edit.toPlainText() == ""


def test_ctrl_enter_sends_too_and_blank_text_is_not_sent(qtbot: QtBot, composer: Composer) -> None:
    with qtbot.assertNotEmitted(composer.send_requested):
        qtbot.keyClicks(composer.edit, "   ")
        qtbot.keyClick(composer.edit, Qt.Key.Key_Return)
    composer.edit.setPlainText("go")
    with qtbot.waitSignal(composer.send_requested):
        qtbot.keyClick(composer.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_send_is_disabled_while_generating_and_esc_stops(qtbot: QtBot, composer: Composer) -> None:
    composer.edit.setPlainText("next")
    assert composer.send_button.isEnabled() and composer.stop_button.isHidden()
    composer.set_generating(True)
    assert not composer.send_button.isEnabled() and composer.stop_button.isVisible()
    with qtbot.assertNotEmitted(composer.send_requested):
        qtbot.keyClick(composer.edit, Qt.Key.Key_Return)
    with qtbot.waitSignal(composer.stop_requested):
        qtbot.keyClick(composer.edit, Qt.Key.Key_Escape)
    with qtbot.waitSignal(composer.stop_requested):
        qtbot.mouseClick(composer.stop_button, Qt.MouseButton.LeftButton)
    composer.set_model_loaded(False)
    composer.set_generating(False)
    assert not composer.send_button.isEnabled()


def test_a_reply_that_produced_nothing_disappears(qtbot: QtBot, view: TranscriptView) -> None:
    view.show_messages([message(1, "user", "hi")])
    view.begin_reply()
    assert "writing…" in view.toPlainText()
    with qtbot.waitSignal(view.reply_completed, timeout=1000):
        view.finish_reply(None)
    assert "writing…" not in view.toPlainText() and "Assistant" not in view.toPlainText()
    assert view.reply_text is None

"""Branches in the window (FakeEngine): "‹ 2 / 3 ›" links switch the path shown at once,
Alt+Left / Alt+Right do it from the keyboard, Fork opens a copy in a new chat."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from pytestqt.qtbot import QtBot

from app.engine.fake import FakeEngine
from tests.ui.window_helpers import WindowFactory, send


def _click(window, link: str) -> None:  # type: ignore[no-untyped-def]
    window.transcript.anchorClicked.emit(QUrl(link))


def test_regenerated_replies_are_alternatives_the_links_and_keys_switch(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    replies = iter(["first answer", "second answer", "third answer"])
    built = make_window(FakeEngine(reply=lambda m: next(replies, f"You said: {m[-1].content}")))
    window = built.window
    send(qtbot, window, "q1")
    send(qtbot, window, "q2")
    first_try = built.messages()[-1]
    assert "hearth:branchprev/" not in window.transcript.toHtml(), "no alternatives yet"
    with qtbot.waitSignal(window.transcript.reply_completed, timeout=5000):
        _click(window, f"hearth:regenerate/{first_try.id}")
    second_try = built.messages()[-1]
    html = window.transcript.toHtml()
    assert f"hearth:branchprev/{second_try.id}" in html
    assert f"hearth:branchnext/{second_try.id}" not in html, "no alternative after the last"
    assert "2 / 2" in window.transcript.toPlainText()

    _click(window, f"hearth:branchprev/{second_try.id}")
    shown = window.transcript.toPlainText()
    assert "second answer" in shown and "third answer" not in shown
    assert "1 / 2" in shown
    assert f"hearth:branchnext/{first_try.id}" in window.transcript.toHtml()
    assert [m.content for m in built.messages()][-1] == "second answer"

    window.composer.edit.setFocus()
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert "third answer" in window.transcript.toPlainText()
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert "second answer" in window.transcript.toPlainText()

    send(qtbot, window, "q3")  # continues the branch shown
    assert [m.content for m in built.messages()][-3:] == ["second answer", "q3", "You said: q3"]


def test_an_edited_question_keeps_the_original_as_an_alternative(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    built = make_window()
    window = built.window
    send(qtbot, window, "first question")
    original = built.messages()[0]
    _click(window, f"hearth:edit/{original.id}")
    send(qtbot, window, "better question")
    edited = built.messages()[0]
    assert f"hearth:branchprev/{edited.id}" in window.transcript.toHtml()
    _click(window, f"hearth:branchprev/{edited.id}")
    assert "You said: first question" in window.transcript.toPlainText()
    assert "better question" not in window.transcript.toPlainText()


def test_fork_opens_the_path_in_a_new_chat(qtbot: QtBot, make_window: WindowFactory) -> None:
    built = make_window()
    window = built.window
    send(qtbot, window, "q1")
    send(qtbot, window, "q2")
    source = window.session.conversation_id
    reply = built.messages()[1]
    assert f"hearth:fork/{reply.id}" in window.transcript.toHtml()
    _click(window, f"hearth:fork/{reply.id}")
    assert window.session.conversation_id != source
    assert [m.content for m in built.messages()] == ["q1", "You said: q1"]
    shown = window.transcript.toPlainText()
    assert "q1" in shown and "q2" not in shown
    assert [m.content for m in built.messages(source)][-1] == "You said: q2"

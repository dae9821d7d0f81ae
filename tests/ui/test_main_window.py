"""The main window over the FakeEngine: streaming, stop, regenerate, edit, delete, switching.

The same flows run on the real default model in test_main_window_model.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from PySide6.QtCore import Qt, QUrl
from pytestqt.qtbot import QtBot

from app.chat.events import PromptEvaluated, TurnEvent
from app.chat.values import Message
from app.engine.fake import FakeEngine
from app.session import dropped_turns_notice
from app.settings import Settings
from tests.ui.labels import label_text as label
from tests.ui.window_helpers import (
    FAKE_MODEL,
    LONG_REPLY,
    GatedEngine,
    WindowFactory,
    send,
    type_and_enter,
)


class DroppingEngine(FakeEngine):
    """Says it dropped two old turns to fit the context."""

    def chat(self, conversation_id, messages, params, cancel) -> Iterator[TurnEvent]:  # type: ignore[no-untyped-def]
        for event in super().chat(conversation_id, messages, params, cancel):
            if isinstance(event, PromptEvaluated):
                event = PromptEvaluated(
                    event.prompt_tokens,
                    event.cached_tokens,
                    event.evaluated_tokens,
                    event.seconds,
                    2,
                    event.context_size,
                )
            yield event


def click(window, link: str) -> None:  # type: ignore[no-untyped-def]
    window.transcript.anchorClicked.emit(QUrl(link))


def test_a_reply_streams_into_the_transcript_and_is_saved(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    engine = GatedEngine(reply="Here is **bold** and `code`.\n\n- one\n- two\n\nDone.")
    built = make_window(engine)
    window = built.window
    assert window.session.model_path == FAKE_MODEL
    type_and_enter(qtbot, window, "Hello there")
    qtbot.waitUntil(lambda: "bold" in (window.transcript.reply_text or ""), timeout=5000)
    assert window.session.busy and window.composer.stop_button.isVisible()
    assert not window.composer.send_button.isEnabled()
    qtbot.waitUntil(lambda: "bold" in window.transcript.toPlainText(), timeout=5000)
    assert "Done." not in window.transcript.toPlainText()  # still streaming
    with qtbot.waitSignal(window.transcript.reply_completed, timeout=5000):
        engine.gate.set()
    shown = window.transcript.toPlainText()
    assert "Here is bold and code." in shown and "**" not in shown
    assert [(m.role, m.content) for m in built.messages()] == [
        ("user", "Hello there"),
        ("assistant", "Here is **bold** and `code`.\n\n- one\n- two\n\nDone."),
    ]
    assert built.messages()[1].complete
    assert label(window, "stat_state") == "idle"
    assert window.conversation_list.titles() == ["Hello there"]
    assert not window.composer.stop_button.isVisible()


def test_stop_keeps_the_partial_reply(qtbot: QtBot, make_window: WindowFactory) -> None:
    engine = GatedEngine()
    built = make_window(engine)
    window = built.window
    type_and_enter(qtbot, window, "Count")
    qtbot.waitUntil(lambda: "word3" in (window.transcript.reply_text or ""), timeout=5000)
    with qtbot.waitSignal(window.chat.reply_finished, timeout=5000) as finished:
        qtbot.keyClick(window.composer.edit, Qt.Key.Key_Escape)
        engine.gate.set()
    assert finished.args[0].finished.reason == "cancelled"
    reply = built.messages()[-1]
    assert reply.role == "assistant" and not reply.complete
    assert reply.content.startswith("word0 word1 word2 word3")
    assert len(reply.content.split()) < 400
    qtbot.waitUntil(lambda: "stopped" in window.transcript.toPlainText(), timeout=5000)


def test_regenerate_replaces_the_last_reply(qtbot: QtBot, make_window: WindowFactory) -> None:
    replies = iter(["first answer", "second answer", "third answer"])
    built = make_window(FakeEngine(reply=lambda _m: next(replies)))
    window = built.window
    send(qtbot, window, "q1")
    send(qtbot, window, "q2")
    last = built.messages()[-1]
    assert "hearth:regenerate/" + str(last.id) in window.transcript.toHtml()
    with qtbot.waitSignal(window.transcript.reply_completed, timeout=5000):
        click(window, f"hearth:regenerate/{last.id}")
    assert [m.content for m in built.messages()] == ["q1", "first answer", "q2", "third answer"]
    shown = window.transcript.toPlainText()
    assert "second answer" not in shown and "third answer" in shown
    assert window.transcript.toHtml().count("hearth:regenerate/") == 1


def test_edit_and_resend_replaces_later_turns(qtbot: QtBot, make_window: WindowFactory) -> None:
    engine = FakeEngine()
    built = make_window(engine)
    window = built.window
    send(qtbot, window, "first question")
    send(qtbot, window, "second question")
    first = built.messages()[0]
    click(window, f"hearth:edit/{first.id}")
    assert window.composer.editing_message_id == first.id
    assert window.composer.edit.toPlainText() == "first question"
    assert window.composer.edit_label.isVisible()
    send(qtbot, window, "better question")
    assert [m.content for m in built.messages()] == ["better question", "You said: better question"]
    assert engine.calls[-1] == [
        Message("system", Settings().system_prompt),
        Message("user", "better question"),
    ]
    assert "second question" not in window.transcript.toPlainText()
    assert window.composer.editing_message_id is None


def test_delete_a_message(qtbot: QtBot, make_window: WindowFactory) -> None:
    built = make_window()
    window = built.window
    send(qtbot, window, "keep me")
    reply = built.messages()[-1]
    click(window, f"hearth:delete/{reply.id}")
    assert [m.content for m in built.messages()] == ["keep me"]
    assert "You said" not in window.transcript.toPlainText()


def test_copy_puts_the_message_on_the_clipboard(qtbot: QtBot, make_window: WindowFactory) -> None:
    from PySide6.QtGui import QGuiApplication

    built = make_window(FakeEngine(reply=lambda _m: "Run:\n\n```sh\necho hi\n```\n\nbye"))
    window = built.window
    send(qtbot, window, "how?")
    click(window, f"hearth:copy/{built.messages()[-1].id}")
    assert QGuiApplication.clipboard().text() == "Run:\n\n```sh\necho hi\n```\n\nbye"
    html = window.transcript.toHtml()
    key = html.split("hearth:copy-code/")[1].split('"')[0]
    click(window, f"hearth:copy-code/{key}")
    assert QGuiApplication.clipboard().text() == "echo hi"


def test_a_full_context_shows_a_notice_before_the_reply(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    built = make_window(DroppingEngine())
    window = built.window
    send(qtbot, window, "tell me")
    assert [m.role for m in built.messages()] == ["user", "notice", "assistant"]
    shown = window.transcript.toPlainText()
    notice = dropped_turns_notice(2)
    assert notice in shown
    assert shown.index("tell me") < shown.index(notice) < shown.index("You said: tell me")


def test_switching_conversation_mid_reply_saves_the_reply_where_it_started(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    engine = GatedEngine()
    built = make_window(engine)
    window = built.window
    type_and_enter(qtbot, window, "story please")
    first = window.session.conversation_id
    qtbot.waitUntil(lambda: "word2" in (window.transcript.reply_text or ""), timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    second = window.session.conversation_id
    assert second != first and not window.session.busy
    assert window.composer.send_button.isEnabled() is False  # empty box
    engine.gate.set()
    qtbot.waitUntil(lambda: len(built.messages(first)) == 2, timeout=5000)
    assert built.messages(second) == []
    partial = built.messages(first)[-1]
    assert partial.role == "assistant" and not partial.complete
    send(qtbot, window, "other")  # the new conversation works normally
    assert [(m.role, m.complete) for m in built.messages(second)] == [
        ("user", True),
        ("assistant", True),
    ]
    assert built.messages(second)[1].content == LONG_REPLY
    window.conversations.open(first)
    assert partial.content in window.transcript.toPlainText()


def test_closing_mid_reply_saves_the_partial_reply(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    engine = GatedEngine()
    built = make_window(engine)
    window = built.window
    type_and_enter(qtbot, window, "long one")
    qtbot.waitUntil(lambda: "word3" in (window.transcript.reply_text or ""), timeout=5000)
    threading.Timer(0.2, engine.gate.set).start()  # the engine sees the stop only then
    window.close()
    saved = built.messages()[-1]
    assert saved.role == "assistant" and not saved.complete
    assert saved.content.startswith("word0 word1 word2 word3")
    try:
        built.runner.load("x", Settings().load)
    except RuntimeError as error:
        assert "shut down" in str(error)
    else:
        raise AssertionError("the runner still accepts work after the window closed")


class FailingEngine(FakeEngine):
    """Fails after three words, as llama.cpp might."""

    def chat(self, conversation_id, messages, params, cancel) -> Iterator[TurnEvent]:  # type: ignore[no-untyped-def]
        for count, event in enumerate(super().chat(conversation_id, messages, params, cancel)):
            if count == 4:
                raise RuntimeError("decode failed")
            yield event


def test_a_failed_reply_keeps_its_text_and_shows_the_error(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    built = make_window(FailingEngine(reply=lambda _m: LONG_REPLY))
    window = built.window
    send(qtbot, window, "go")
    reply, notice = built.messages()[1:]
    assert (reply.content, reply.complete) == ("word0 word1 word2", False)
    assert notice.role == "notice" and "decode failed" in notice.content
    shown = window.transcript.toPlainText()
    assert "word0 word1 word2" in shown and "decode failed" in shown and "error" in shown
    assert not window.session.busy and not window.composer.stop_button.isVisible()

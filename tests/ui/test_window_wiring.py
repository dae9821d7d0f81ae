"""The window's wiring over the FakeEngine: names, model loading, settings, per-chat model."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.chat.values import GenerationParams, Message
from app.engine.fake import FakeEngine
from tests.ui.window_helpers import FAKE_MODEL, WindowFactory, send


def test_the_window_has_its_named_widgets(make_window: WindowFactory) -> None:
    window = make_window(start=False).window
    for name in (
        "composer",
        "send_button",
        "stop_button",
        "model_picker",
        "conversation_list",
        "new_conversation_button",
        "transcript",
        "stats_panel",
        "stat_state",
        "stat_ttft",
        "stat_prompt_tokens",
        "stat_cached_tokens",
        "stat_prefill_rate",
        "stat_decode_rate",
        "stat_context",
        "stat_memory",
        "stat_load_time",
    ):
        widget = window.findChild(object, name)
        assert widget is not None, name
        assert widget.accessibleName(), name
    assert not window.composer.send_button.isEnabled()  # no model yet


def test_send_is_disabled_without_a_model_and_enabled_after_loading(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    built = make_window(start=False)
    window = built.window
    window.composer.edit.setPlainText("hi")
    assert not window.composer.send_button.isEnabled()
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
    assert built.store.list_conversations() == []  # nothing was sent
    with qtbot.waitSignal(window.models.loaded, timeout=5000):
        window.start()
    assert window.composer.send_button.isEnabled()


def test_a_model_that_fails_to_load_keeps_the_previous_one(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    built = make_window()
    window = built.window
    with qtbot.waitSignal(window.models.load_failed, timeout=5000) as failed:
        window.picker.model_requested.emit("/models/broken.gguf")
    assert "not a GGUF model" in failed.args[1]
    assert window.models.info is not None and window.models.info.path == FAKE_MODEL
    assert window.picker.current_path() == FAKE_MODEL
    assert window.composer.edit.isEnabled()
    window.composer.edit.setPlainText("still works")
    assert window.composer.send_button.isEnabled()
    assert "Could not load" in window.statusBar().currentMessage()


def test_settings_apply_to_the_conversation_and_are_saved(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    engine = FakeEngine()
    built = make_window(engine)
    window = built.window
    changed = window.settings.with_changes(
        system_prompt="Answer in French.", generation=GenerationParams(max_tokens=2)
    )
    window.apply_settings(changed)
    send(qtbot, window, "one two three")
    assert engine.calls[-1][0] == Message("system", "Answer in French.")
    assert built.messages()[-1].content == "You said:"  # two words at most
    assert built.saved_settings[-1].system_prompt == "Answer in French."


def test_every_interactive_widget_is_named_for_tests_and_screen_readers(
    make_window: WindowFactory,
) -> None:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QTextEdit,
    )

    def qt_internal(widget: QWidget) -> bool:
        """Qt's own parts: extension buttons, a line edit's clear button, a combo's popup."""
        parent = widget.parent()
        while parent is not None:
            if isinstance(parent, (QComboBox, QLineEdit)):
                return True
            parent = parent.parent()
        return widget.objectName().startswith("qt_")

    window = make_window(start=False).window
    kinds = (QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit, QAbstractItemView)
    unnamed = [
        f"{type(w).__name__}({w.objectName()!r}, {w.accessibleName()!r})"
        for w in window.findChildren(QWidget)
        if isinstance(w, kinds)
        and not qt_internal(w)
        and (not w.objectName() or not w.accessibleName())
    ]
    assert unnamed == [], "\n".join(unnamed)


def test_a_conversation_brings_back_its_model(
    qtbot: QtBot, make_window: WindowFactory, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "other-model.gguf"
    other.write_bytes(b"GGUF")
    built = make_window()
    window = built.window
    send(qtbot, window, "on the first model")
    first = window.session.conversation_id
    record = built.store.create_conversation("Made with the other model", model_path=str(other))
    with qtbot.waitSignal(window.models.loaded, timeout=5000) as loaded:
        window.conversations.open(record.id)
    assert loaded.args[0].path == str(other)
    with qtbot.assertNotEmitted(window.models.loaded, wait=100):
        window.conversations.open(first)  # its model file is gone: the loaded one stays
    assert window.models.info is not None and window.models.info.path == str(other)


def test_the_settings_dialog_shows_the_open_conversations_settings(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    built = make_window()
    window = built.window
    send(qtbot, window, "an older chat")
    older = window.session.conversation_id
    built.store.set_settings(older, {"system_prompt": "Be formal."})
    window.apply_settings(window.settings.with_changes(system_prompt="Speak like a poet."))
    window.conversations.new()
    dialog = window.window_actions.open_settings()
    assert dialog.settings().system_prompt == "Speak like a poet."  # a new chat: the defaults
    dialog.reject()
    window.conversations.open(older)
    dialog = window.window_actions.open_settings()
    assert dialog.settings().system_prompt == "Speak like a poet."  # applied to it too
    built.store.set_settings(older, {"system_prompt": "Be formal."})
    window.conversations.new()
    window.conversations.open(older)  # records are read again when opened
    dialog = window.window_actions.open_settings()
    assert dialog.settings().system_prompt == "Be formal."
    dialog.reject()

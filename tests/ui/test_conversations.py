"""The conversation list: new, open, rename, delete with undo, search, export; window layout."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.ui.shell.window_state import load_window_state
from tests.ui.window_helpers import WindowFactory, send


def test_new_chat_opens_an_empty_conversation_once(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    built = make_window()
    window = built.window
    first = window.session.conversation_id
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.session.conversation_id == first  # still empty: reused
    send(qtbot, window, "hello")
    qtbot.mouseClick(window.conversation_list.new_button, Qt.MouseButton.LeftButton)
    second = window.session.conversation_id
    assert second != first
    assert window.transcript.messages == []
    assert window.conversation_list.ids() == [second, first]
    assert window.conversation_list.titles() == ["New chat", "hello"]


def test_open_rename_and_search(qtbot: QtBot, make_window: WindowFactory) -> None:
    built = make_window()
    window = built.window
    send(qtbot, window, "Recipes for bread")
    bread = window.session.conversation_id
    window.conversations.new()
    send(qtbot, window, "Trip to Lisbon")
    lisbon = window.session.conversation_id
    window.conversation_list.list.setCurrentRow(1)  # the user clicks the older one
    assert window.session.conversation_id == bread
    assert "Recipes for bread" in window.transcript.toPlainText()
    window.conversation_list.rename_requested.emit(lisbon, "Portugal 2025")
    assert window.conversation_list.titles() == ["Portugal 2025", "Recipes for bread"]
    with qtbot.waitSignal(window.conversations.search_runner.finished, timeout=5000):
        window.conversation_list.search.setText("LISBON")  # found in the messages, off-thread
    assert window.conversation_list.ids() == [lisbon]
    window.conversation_list.search.clear()
    window.conversations.refresh()
    assert len(window.conversation_list.ids()) == 2


def test_delete_can_be_undone(qtbot: QtBot, make_window: WindowFactory) -> None:
    built = make_window()
    window = built.window
    send(qtbot, window, "keep this one")
    keep = window.session.conversation_id
    window.conversations.new()
    send(qtbot, window, "delete this one")
    doomed = window.session.conversation_id
    window.conversation_list.delete_requested.emit(doomed)
    assert window.session.conversation_id == keep  # the next one opens
    assert window.conversation_list.ids() == [keep]
    assert window.conversation_list.undo_button.isVisible()
    qtbot.mouseClick(window.conversation_list.undo_button, Qt.MouseButton.LeftButton)
    assert set(window.conversation_list.ids()) == {keep, doomed}
    assert window.session.conversation_id == doomed
    assert "delete this one" in window.transcript.toPlainText()
    assert not window.conversation_list.undo_button.isVisible()


def test_deleting_the_last_conversation_opens_a_new_one(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    built = make_window()
    window = built.window
    send(qtbot, window, "only")
    only = window.session.conversation_id
    window.conversation_list.delete_requested.emit(only)
    assert window.session.conversation_id not in (None, only)
    assert window.conversation_list.titles() == ["New chat"]


def test_export_markdown_and_json(qtbot: QtBot, make_window: WindowFactory, tmp_path: Path) -> None:
    built = make_window()
    window = built.window
    send(qtbot, window, "Export *me*")
    cid = window.session.conversation_id
    assert cid is not None
    window.conversations.export(cid, "md", tmp_path / "chat.md")
    window.conversations.export(cid, "json", tmp_path / "chat.json")
    markdown = (tmp_path / "chat.md").read_text("utf-8")
    assert markdown.startswith("# Export *me*") and "You said: Export *me*" in markdown
    data = json.loads((tmp_path / "chat.json").read_text("utf-8"))
    assert [m["role"] for m in data["messages"]] == ["user", "assistant"]
    assert "Exported to" in window.statusBar().currentMessage()
    window.conversations.export(cid, "md", tmp_path / "missing-dir" / "x.md")
    assert "Could not export" in window.statusBar().currentMessage()


def test_window_size_splitter_and_stats_panel_are_remembered(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    first = make_window(start=False).window
    first.resize(720, 520)  # within the offscreen screen (800 x 600)
    first.splitter.setSizes([240, 230, 250])  # each at least its minimum width
    first.action("stats_toggle_action").setChecked(False)
    assert first.side_tabs.isHidden()
    sizes = first.splitter.sizes()
    first.close()
    state = load_window_state()
    assert state.stats_visible is False and state.geometry and state.splitter
    second = make_window(start=False).window
    assert second.side_tabs.isHidden()
    assert not second.action("stats_toggle_action").isChecked()
    assert second.splitter.sizes()[0] == sizes[0]
    assert (second.width(), second.height()) == (720, 520)


def test_history_is_intact_after_reopening(qtbot: QtBot, make_window: WindowFactory) -> None:
    built = make_window()
    send(qtbot, built.window, "remember me")
    built.window.close()
    built.store.close()
    again = make_window()
    assert again.window.session.conversation_id == built.window.session.conversation_id
    shown = again.window.transcript.toPlainText()
    assert "remember me" in shown and "You said: remember me" in shown

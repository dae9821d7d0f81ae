"""The window's side of Hearth's own files: drafts, the banner, asking before losing text."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app import paths
from app.engine.fake import FakeEngine
from app.store import ChatStore
from app.store.connection import MEMORY
from tests.ui.window_helpers import FAKE_MODEL, WindowFactory, send


def test_drafts_survive_switching_conversations_and_a_restart(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    built = make_window()
    window = built.window
    send(qtbot, window, "first chat")
    first = window.session.conversation_id
    window.composer.edit.setPlainText("half a thought for the first chat")
    window.conversations.new()
    assert window.composer.edit.toPlainText() == "", "a new chat starts empty"
    window.composer.edit.setPlainText("another half thought")
    second = window.session.conversation_id
    assert first is not None and second is not None
    window.conversations.open(first)
    assert window.composer.edit.toPlainText() == "half a thought for the first chat"
    window.conversations.open(second)
    assert window.composer.edit.toPlainText() == "another half thought"
    window.close()
    built.runner.shutdown()
    built.store.close()
    again = make_window()
    again.window.conversations.open(second)
    assert again.window.composer.edit.toPlainText() == "another half thought"
    again.window.conversations.open(first)
    assert again.window.composer.edit.toPlainText() == "half a thought for the first chat"
    send(qtbot, again.window, "sent now")
    assert again.window.chat.drafts.get(first) == "", "a sent draft is forgotten"


def test_banner_shows_a_sentence_with_a_folder_link(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window().window
    folder = paths.data_dir()
    window.show_start_notes([("The settings file could not be read.", folder)])
    assert window.banner.isVisible() and "could not be read" in window.banner.text
    assert folder.as_uri() in window.banner.label.text()
    urls: list[object] = []
    window.banner.opener = urls.append  # no file browser in tests
    with qtbot.waitSignal(window.banner.folder_requested) as opened:
        window.banner.label.linkActivated.emit(folder.as_uri())
    assert Path(opened.args[0]) == folder and len(urls) == 1
    window.banner.dismiss()
    assert not window.banner.isVisible()


def test_closing_a_window_whose_chats_live_in_memory_asks_first(qtbot: QtBot) -> None:
    from app.engine.runner import EngineRunner
    from app.settings import Settings
    from app.ui.shell.main_window import MainWindow

    store = ChatStore(MEMORY)
    runner = EngineRunner(lambda: FakeEngine())
    window = MainWindow(
        runner, store, Settings(), default_model=FAKE_MODEL, persist_settings=lambda s: None
    )
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.models.loaded, timeout=10_000):
        window.start()
    window.mark_not_saved("The folder /x cannot be written.", Path("/x"))
    assert "not saved" in window.windowTitle()
    send(qtbot, window, "kept in memory")
    asked: list[list[str]] = []
    window.confirm_discard = lambda texts: asked.append(texts) or False
    window.close()
    assert window.isVisible() and asked and "kept in memory" in asked[0], "it asked and stayed"
    window.confirm_discard = lambda texts: True
    window.close()
    assert not window.isVisible()
    runner.shutdown()
    store.close()


def test_a_database_from_a_newer_hearth_gets_its_message_and_a_way_on(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.store import SchemaTooNewError
    from app.ui.shell.startup import ask_fresh_database

    error = SchemaTooNewError(tmp_path / "conversations.sqlite3", 9, 1)
    seen: list[str] = []

    def answer(choice: str) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        next(b for b in box.buttons() if choice in b.text()).click()

    QTimer.singleShot(50, lambda: answer("fresh"))
    assert ask_fresh_database(error) is True
    QTimer.singleShot(50, lambda: answer("Quit"))
    assert ask_fresh_database(error) is False
    assert seen == [str(error)] * 2 and "newer Hearth" in seen[0]


def test_a_last_model_that_fails_at_start_gives_way_to_the_default(
    make_window: WindowFactory, tmp_path: Path
) -> None:
    from app.settings import Settings

    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a model")
    built = make_window(settings=Settings(model_path=str(broken)))  # waits for `loaded`
    assert built.window.models.info is not None
    assert built.window.models.info.path == FAKE_MODEL
    assert built.window.composer._model_loaded

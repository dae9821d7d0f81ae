"""File > Import… and File > Export all… in the window: the work runs off the GUI thread,
the list refreshes, one sentence says what happened, a bad file says what is wrong, Cancel
leaves nothing imported and the chat saves its replies while an import reads its file."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

import app.ui.shell.import_export as import_export
from app.store import ChatStore
from tests.core.transfer_samples import chatgpt_export, write_json
from tests.ui.window_helpers import WindowFactory, send


def test_menu_offers_import_and_export_all(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(start=False).window
    file_menu = window.menuBar().actions()[0].menu()
    names = [a.objectName() for a in file_menu.actions()]
    assert names.index("import_action") == names.index("export_json_action") + 1
    assert names.index("export_all_action") == names.index("import_action") + 1
    window.action("import_action").trigger()
    dialog = window.findChild(QFileDialog, "import_dialog")
    assert dialog is not None and dialog.isVisible()
    dialog.reject()


def test_import_runs_off_the_gui_thread_and_refreshes_the_list(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = make_window()
    window = built.window
    send(qtbot, window, "Already here")
    threads: list[str] = []
    real = import_export.import_file

    def spy(*args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(import_export, "import_file", spy)
    source = write_json(tmp_path / "conversations.json", chatgpt_export())
    with qtbot.waitSignal(window.import_export.imported, timeout=10_000) as caught:
        window.import_export.import_file(source)
    assert threads == ["hearth-transfer"]
    assert caught.args[0].conversations == 2
    titles = window.conversation_list.titles()
    assert "Trip ✈️ to Lisbon" in titles and "Already here" in titles
    assert window.statusBar().currentMessage() == (
        "Imported 2 conversations with 11 messages and 1 alternative branch"
        " (skipped: 1 hidden message; 1 empty message)."
    )
    with qtbot.waitSignal(window.import_export.imported, timeout=10_000):
        window.import_export.import_file(source)
    assert window.statusBar().currentMessage().startswith("Nothing new to import")


def test_bad_file_says_what_is_wrong(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    built = make_window(start=False)
    window = built.window
    window.import_export.show_errors = False
    bad = tmp_path / "photo.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not json")
    with qtbot.waitSignal(window.import_export.failed, timeout=10_000) as caught:
        window.import_export.import_file(bad)
    assert caught.args[0] == "photo.jpg is not UTF-8 text (invalid start byte)"
    assert window.statusBar().currentMessage() == caught.args[0]
    assert built.store.count_conversations() == 0 and not window.import_export.busy


def test_export_all_then_import_into_an_empty_database(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    built = make_window()
    window = built.window
    send(qtbot, window, "First chat")
    window.conversations.new()
    send(qtbot, window, "Second chat 🙂")
    out = tmp_path / "all.jsonl"
    with qtbot.waitSignal(window.import_export.exported, timeout=10_000):
        window.import_export.export_all(out)
    assert window.statusBar().currentMessage() == f"Exported all chats to {out}"
    with ChatStore(tmp_path / "empty.sqlite3") as other:
        report = import_export.import_file(other, out)
        assert (report.conversations, report.messages) == (2, 4)
        contents = sorted(
            m.content for c in other.list_conversations() for m in other.messages(c.id)
        )
    original = sorted(
        m.content for c in built.store.list_conversations() for m in built.store.messages(c.id)
    )
    assert contents == original


def test_a_store_in_memory_imports_too(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QWidget

    from app.store.connection import MEMORY

    parent = QWidget()
    qtbot.addWidget(parent)
    refreshed: list[bool] = []
    with ChatStore(MEMORY) as store:
        transfer = import_export.ImportExport(store, lambda: refreshed.append(True), parent)
        source = write_json(tmp_path / "conversations.json", chatgpt_export())
        with qtbot.waitSignal(transfer.imported, timeout=10_000):
            transfer.import_file(source)
        assert refreshed == [True] and store.count_conversations() == 2


class _HeldImport:
    """`import_file` that stops after the first conversation read until released, so the
    test can act (Cancel, chat) while the import is in its reading phase."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reading = threading.Event()
        self.release = threading.Event()
        real = import_export.import_file

        def held(store: ChatStore, path: Path, **kwargs: Any) -> object:
            progress = kwargs.pop("progress")

            def hold(done: int, total: int) -> None:
                progress(done, total)
                if not self.reading.is_set():
                    self.reading.set()
                    self.release.wait(10)

            return real(store, path, progress=hold, **kwargs)

        monkeypatch.setattr(import_export, "import_file", held)


def _export_of(tmp_path: Path, count: int) -> Path:
    from bench.transfer_import import conversation

    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([conversation(n) for n in range(count)]))
    return path


def test_cancel_stops_the_import_and_leaves_nothing(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = make_window(start=False)
    window = built.window
    held = _HeldImport(monkeypatch)
    window.import_export.import_file(_export_of(tmp_path, 5))
    qtbot.waitUntil(held.reading.is_set, timeout=5000)
    dialog = window.findChild(QProgressDialog, "import_progress_dialog")
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)  # a slow import shows its progress
    with qtbot.waitSignal(window.import_export.cancelled, timeout=10_000) as caught:
        qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
        assert "Cancelling" in dialog.labelText()
        held.release.set()
    assert caught.args[0] == "Import cancelled: nothing was imported."
    assert window.statusBar().currentMessage() == caught.args[0]
    assert built.store.count_conversations() == 0 and window.conversation_list.titles() == []
    assert not window.import_export.busy and window.import_export.progress_dialog is None
    assert window.findChild(QMessageBox) is None, "no warning box for a cancel"


def test_the_chat_saves_replies_while_an_import_reads_its_file(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = make_window()
    window = built.window
    held = _HeldImport(monkeypatch)
    window.import_export.import_file(_export_of(tmp_path, 3))
    qtbot.waitUntil(held.reading.is_set, timeout=5000)
    problems: list[str] = []
    window.chat.save_problem.connect(lambda text, _folder: problems.append(text))
    send(qtbot, window, "Saved during the import")  # the store is not locked by it
    assert problems == []
    assert [m.content for m in built.messages()][-1] == "You said: Saved during the import"
    with qtbot.waitSignal(window.import_export.imported, timeout=10_000) as caught:
        held.release.set()
    assert caught.args[0].conversations == 3
    assert built.store.count_conversations() == 4

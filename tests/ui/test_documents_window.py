"""Documents in the window (FakeEngine, which echoes the prompt it got): attach by button
list, drop and paste; "whole" with its token cost before sending; the context reaches the
model, the stored message keeps the person's text; sources under the reply and their
dialog; collections indexed in the background, watched, paused, removed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, QPoint, QPointF, Qt, QUrl, Slot
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.documents import index_db
from app.engine.fake import FakeEngine
from app.ui.documents.documents_dialog import DocumentsDialog
from app.ui.documents.sources_dialog import SourcesDialog
from tests.core import documents_files as files
from tests.ui.window_helpers import WindowFactory


class FileOpener(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toLocalFile())


def _drop(widget, paths: list[Path]) -> None:  # type: ignore[no-untyped-def]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(
        QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    assert QApplication.sendEvent(widget, enter) and enter.isAccepted()
    event = QDropEvent(
        QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(widget, event)


def test_attach_send_and_see_the_sources(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    built = make_window(FakeEngine())
    window = built.window
    bar = window.composer.attachments
    notes = tmp_path / "notes.md"
    notes.write_text(files.MARKDOWN)
    guide = files.write_docx(tmp_path / "guide.docx")
    broken = files.write_broken_docx(tmp_path / "broken.docx")
    _drop(window.composer.edit.viewport(), [notes])
    QGuiApplication.clipboard().setText(f'"{guide}"')
    paste = QKeyEvent(QKeyEvent.Type.KeyPress, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert paste.matches(QKeySequence.StandardKey.Paste)
    QApplication.sendEvent(window.composer.edit, paste)
    bar.add([broken])
    assert bar.paths == [notes, guide, broken]
    assert window.composer.edit.toPlainText() == ""  # the path was attached, not pasted
    qtbot.waitUntil(lambda: len(bar.plans) == 3, timeout=10_000)
    text = bar.label.text()
    assert "notes.md: whole (~" in text and "guide.docx: whole (~" in text
    assert "broken.docx: cannot be read (the Word file is damaged" in text
    window.composer.edit.setPlainText("What is the launch code?")
    window.composer.submit()
    qtbot.waitUntil(lambda: len(built.messages()) == 2, timeout=10_000)
    qtbot.waitUntil(lambda: not window.session.busy, timeout=10_000)
    user, reply = built.messages()
    assert user.content == "What is the launch code?"
    assert [a["mode"] for a in user.stats["attachments"]] == ["whole", "whole", "unreadable"]
    assert reply.content.startswith("You said: Context from your documents:")
    assert "ORCHID-51" in reply.content and "colony number 88" in reply.content
    assert [Path(s["file"]).name for s in reply.stats["document_sources"]] == [
        "notes.md",
        "guide.docx",
    ]
    assert bar.paths == []  # attachments belong to the message that was sent
    assert all(name.startswith("hearth-docs") for name in window.chat.documents.workers.threads)
    qtbot.waitUntil(lambda: "Sources: " in window.transcript.toHtml(), timeout=5_000)
    html = window.transcript.toHtml()
    assert "Sources: " in html and "📎 notes.md, guide.docx, broken.docx" in html
    opener = FileOpener()
    QDesktopServices.setUrlHandler("file", opener, "open")
    try:
        window.transcript.anchorClicked.emit(QUrl(f"hearth:source/{reply.id}"))
        dialog = window.chat.documents.last_dialog
        assert isinstance(dialog, SourcesDialog) and dialog.isVisible()
        assert dialog.list.count() == 2 and "ORCHID-51" in dialog.passage.toPlainText()
        dialog.list.setCurrentRow(1)
        assert "colony number 88" in dialog.passage.toPlainText()
        assert dialog.open_current()
        assert opener.opened == [str(guide)]
        dialog.close()
    finally:
        QDesktopServices.unsetUrlHandler("file")


def test_a_folder_collection_is_indexed_watched_searched_paused_and_removed(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    built = make_window(FakeEngine())
    window = built.window
    documents = window.chat.documents
    folder = tmp_path / "library"
    folder.mkdir()
    files.write_pdf(folder / "report.pdf", [["Quarterly figures."], ["The vault code is 7319."]])
    files.write_scanned_pdf(folder / "scan.pdf")
    window.composer.attachments.documents_button.click()
    dialog = documents.last_dialog
    assert isinstance(dialog, DocumentsDialog) and dialog.isVisible()
    dialog.add_folder(folder)
    qtbot.waitUntil(lambda: dialog.last_report is not None, timeout=15_000)
    qtbot.waitUntil(lambda: dialog.collections.count() == 1, timeout=5_000)
    assert (
        "2 files, 2 passages, 1 unreadable (all conversations)" in dialog.collections.item(0).text()
    )
    assert "no text layer" in dialog.unreadable.item(0).text()
    assert dialog.progress.value() == dialog.progress.maximum()
    documents.watch.quiet_ms = 50
    dialog.reject()  # closing it watches the folders again
    qtbot.waitUntil(lambda: str(folder) in documents.watch.folders, timeout=5_000)
    qtbot.waitUntil(lambda: documents.workers.has_collections(None), timeout=5_000)
    with qtbot.waitSignal(documents.watch.reindexed, timeout=15_000) as changed:
        (folder / "new.md").write_text("# Keys\n\nThe spare key hangs in cabinet 12.\n")
    assert changed.args[0].added == 1
    window.composer.edit.setPlainText("Where is the spare key?")
    window.composer.submit()  # no attachment: the collection is searched
    qtbot.waitUntil(lambda: len(built.messages()) == 2 and not window.session.busy, timeout=10_000)
    reply = built.messages()[1]
    assert "cabinet 12" in reply.content
    assert Path(reply.stats["document_sources"][0]["file"]).name == "new.md"
    dialog = DocumentsDialog(documents.workers, window.session.conversation_id, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.collections.count() == 1, timeout=5_000)
    dialog.pause_button.setChecked(True)  # paused before the first file
    (folder / "more.md").write_text("# More\n\nmore text\n")
    dialog.index(dialog.rows[0][0].id)
    qtbot.waitUntil(lambda: dialog.last_report is not None, timeout=10_000)
    assert dialog.last_report.paused and dialog.progress_label.text().startswith("Paused")
    dialog.last_report = None
    dialog.pause_button.setChecked(False)  # resumes
    qtbot.waitUntil(lambda: dialog.last_report is not None, timeout=10_000)
    assert not dialog.last_report.paused and dialog.last_report.added == 1
    collection_id = dialog.rows[0][0].id
    dialog.remove(collection_id)
    qtbot.waitUntil(lambda: dialog.collections.count() == 0, timeout=5_000)
    conn = index_db.connect()
    try:
        assert index_db.counts(conn, collection_id) == (0, 0)
    finally:
        conn.close()


def test_only_document_sources_are_listed_not_a_remote_replys_figure_sources() -> None:
    from app.store import StoredMessage
    from app.ui.chat.sources_html import sources_inline_html
    from app.ui.common.theme import TranscriptColors

    colors = TranscriptColors.__new__(TranscriptColors)
    for field in TranscriptColors.__dataclass_fields__:
        object.__setattr__(colors, field, "#000")
    remote = {"sources": {"prompt_tokens": "usage", "decode_s": "timings"}}
    used = {"document_sources": [{"file": "/d/a.md", "location": "Setup", "score": 0.03}]}
    reply = StoredMessage(7, "c", "assistant", "text", 0.0, True, remote)
    assert sources_inline_html(reply, colors) == ""
    reply = StoredMessage(7, "c", "assistant", "text", 0.0, True, {**remote, **used})
    assert 'href="hearth:source/7"' in sources_inline_html(reply, colors)
    assert "[1] a.md — Setup" in sources_inline_html(reply, colors)

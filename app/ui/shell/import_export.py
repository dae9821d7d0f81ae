"""File > Import… and File > Export all…: the file dialogs, the work off the GUI thread
(through `Operation`) with progress in the status bar (and, for an import, a progress
dialog whose Cancel leaves nothing imported), then one sentence saying what happened and a
refreshed conversation list.

The work opens its own connection to the database file (SQLite connections stay on the
thread that made them); a store kept in memory only is handled on the GUI thread (it is
small by nature and has no file another connection could open).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMenuBar, QMessageBox, QWidget

from app.store import ChatStore
from app.store.export_all import export_all
from app.transfer import ImportCancelled, ImportReport, import_file
from app.ui.common.operation import Operation
from app.ui.shell.import_progress import INDEXING, READING, ImportProgressDialog

IMPORT_FILTER = "Chat exports (*.json *.jsonl *.zip);;All files (*)"
EXPORT_FILTER = "Hearth export (*.jsonl)"
TOO_LATE = "(Cancel came after the import was saved.)"
Progress = Callable[[int, int], None]


class _Percent:
    """Report (phase, percent) only when the whole percent changes (no flood of GUI calls)."""

    def __init__(self, report: Callable[[Any], None], phase: str) -> None:
        self._report = report
        self._phase = phase
        self._last = -1

    def __call__(self, done: int, total: int) -> None:
        percent = min(100, done * 100 // total) if total > 0 else 100
        if percent != self._last:
            self._last = percent
            self._report((self._phase, percent))


class ImportExport(QObject):
    status = Signal(str)
    imported = Signal(object)  # the ImportReport, after the list was refreshed
    cancelled = Signal(str)  # an import stopped by Cancel: the sentence shown
    exported = Signal(str)  # the path of an export-all file
    failed = Signal(str)  # the sentence shown

    def __init__(self, store: ChatStore, refresh: Callable[[], None], parent: QWidget) -> None:
        super().__init__(parent)
        self._store = store
        self._refresh = refresh
        self._parent = parent
        self.busy = False
        self.show_errors = True  # tests turn the warning box off
        self.progress_dialog: ImportProgressDialog | None = None  # while an import runs

    # -- menu ----------------------------------------------------------------------------
    def install(
        self, menu_bar: QMenuBar, by_name: dict[str, QAction], after: str = "export_json_action"
    ) -> None:
        """Add "Import chats…" and "Export all chats…" to the menu holding ``after``."""
        anchor = by_name[after]
        for top in menu_bar.actions():
            menu = top.menu()
            if not isinstance(menu, QMenu) or anchor not in menu.actions():
                continue
            following = menu.actions()[menu.actions().index(anchor) + 1 :]
            before = following[0] if following else None
            for name, text, slot in (
                ("import_action", "&Import chats…", self.ask_import),
                ("export_all_action", "Export &all chats…", self.ask_export_all),
            ):
                action = QAction(text, self._parent)
                action.setObjectName(name)
                action.triggered.connect(lambda _checked=False, run=slot: run())
                if before is None:
                    menu.addAction(action)
                else:
                    menu.insertAction(before, action)
                by_name[name] = action
            return

    def _dialog(self, title: str, name: str, filters: str, save: bool) -> QFileDialog:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        start = Path(folder or Path.home()) / ("Hearth chats.jsonl" if save else "")
        dialog = QFileDialog(self._parent, title, str(start))
        dialog.setObjectName(name)
        dialog.setNameFilter(filters)
        if save:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setDefaultSuffix("jsonl")
        else:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def ask_import(self) -> QFileDialog:
        dialog = self._dialog("Import chats", "import_dialog", IMPORT_FILTER, save=False)
        dialog.fileSelected.connect(lambda path: self.import_file(Path(path)))
        return dialog

    def ask_export_all(self) -> QFileDialog:
        dialog = self._dialog("Export all chats", "export_all_dialog", EXPORT_FILTER, save=True)
        dialog.fileSelected.connect(lambda path: self.export_all(Path(path)))
        return dialog

    # -- work ----------------------------------------------------------------------------
    def import_file(self, path: Path) -> None:
        """Import off the GUI thread, with a progress dialog (Cancel: nothing imported);
        the list refreshes and a sentence follows."""
        if self.busy:
            self.status.emit("An import or export is already running")
            return
        dialog = self.progress_dialog = ImportProgressDialog(path.name, self._parent)
        self._run(
            f"Importing {path.name}",
            lambda store, phase: import_file(
                store,
                path,
                progress=phase(READING),
                should_stop=dialog.stop.is_set,
                indexing=phase(INDEXING),
            ),
            self._on_imported,
        )

    def export_all(self, path: Path) -> None:
        self._run(
            f"Exporting all chats to {path.name}",
            lambda store, phase: export_all(store, path, progress=phase(READING)) and path,
            lambda _written: self._on_exported(path),
        )

    def _run(
        self,
        doing: str,
        work: Callable[[ChatStore, Callable[[str], Progress]], Any],
        done: Callable[[Any], None],
    ) -> None:
        if self.busy:
            self.status.emit("An import or export is already running")
            return
        self.busy = True
        self.status.emit(f"{doing}…")
        database, in_memory = self._store.path, self._store.in_memory

        def operation() -> Any:
            if in_memory:
                return work(self._store, phase)
            with ChatStore(database) as store:  # this thread's own connection, closed here
                return work(store, phase)

        task: Operation[Any] = Operation(
            parent=self,
            operation=operation,
            success=lambda result: self._finish(done, result),
            failure=self._failed,
        )
        task.with_progress(lambda value: self._on_progress(doing, *value))
        phase: Callable[[str], Progress] = lambda name: _Percent(task.report, name)  # noqa: E731
        if not in_memory:
            task.run_in_background("hearth-transfer")
            return
        future: Future[Any] = Future()
        try:
            future.set_result(operation())
        except Exception as error:  # shown by _failed, like a worker's failure
            future.set_exception(error)
        task.follow(future)

    def _on_progress(self, doing: str, phase: str, percent: int) -> None:
        if phase == INDEXING:
            self.status.emit(f"Indexing the imported messages for search… {percent}%")
        else:
            self.status.emit(f"{doing}… {percent}%")
        if self.progress_dialog is not None:
            self.progress_dialog.show_progress(phase, percent)

    def _close_progress(self) -> bool:
        """Close the import's dialog; True if Cancel was pressed."""
        dialog, self.progress_dialog = self.progress_dialog, None
        if dialog is None:
            return False
        dialog.finish()
        return dialog.stop.is_set()

    def _finish(self, done: Callable[[Any], None], result: Any) -> None:
        self.busy = False
        done(result)

    def _on_imported(self, report: ImportReport) -> None:
        too_late = self._close_progress()
        self._refresh()
        self.status.emit(report.sentence() + (f" {TOO_LATE}" if too_late else ""))
        self.imported.emit(report)

    def _on_exported(self, path: Path) -> None:
        self.status.emit(f"Exported all chats to {path}")
        self.exported.emit(str(path))

    def _failed(self, error: Exception) -> None:
        self.busy = False
        self._close_progress()
        sentence = str(error) or type(error).__name__
        self.status.emit(sentence)
        if isinstance(error, ImportCancelled):  # asked for: said in the status bar only
            self.cancelled.emit(sentence)
            return
        self.failed.emit(sentence)
        if self.show_errors:
            box = QMessageBox(
                QMessageBox.Icon.Warning, "Import or export failed", sentence, parent=self._parent
            )
            box.setObjectName("transfer_error_box")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

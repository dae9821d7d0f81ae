"""Document collections: add a folder (for this conversation or for all), index it in the
background with a progress bar and Pause, list the files that could not be read and why,
re-index, remove (its index goes with it). Every index call runs on the indexing worker."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.documents import index_db
from app.documents.values import Collection, IndexProgress, SyncReport, Unreadable
from app.ui.documents.workers import DocumentWorkers

Row = tuple[Collection, int, int, list[Unreadable]]


class DocumentsDialog(QDialog):
    def __init__(
        self, workers: DocumentWorkers, conversation_id: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("documents_dialog")
        self.setWindowTitle("Documents")
        self.resize(640, 520)
        self._workers = workers
        self._conversation = conversation_id
        self.rows: list[Row] = []
        self.last_report: SyncReport | None = None
        self.collections = QListWidget(self)
        self.collections.setObjectName("collections_list")
        self.unreadable = QListWidget(self)
        self.unreadable.setObjectName("unreadable_list")
        self.only_here = QCheckBox("Only for this conversation", self)
        self.only_here.setEnabled(conversation_id is not None)
        self.add_button = self._button("Add folder…", "add_folder_button")
        self.reindex_button = self._button("Re-index", "reindex_button")
        self.remove_button = self._button("Remove", "remove_collection_button")
        self.pause_button = self._button("Pause", "pause_indexing_button")
        self.pause_button.setCheckable(True)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("indexing_progress")
        self.progress_label = QLabel("", self)
        self._layout()
        self.add_button.clicked.connect(self.choose_folder)
        self.reindex_button.clicked.connect(lambda: self.index(self._selected()))
        self.remove_button.clicked.connect(lambda: self.remove(self._selected()))
        self.pause_button.toggled.connect(self._on_pause_toggled)
        self.collections.currentRowChanged.connect(self._on_collections_row_changed)
        self.refresh()

    def _button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        return button

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.add_button, self.reindex_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.only_here)
        progress = QHBoxLayout()
        progress.addWidget(self.progress, 1)
        progress.addWidget(self.pause_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Collections (searched with every message):", self))
        layout.addWidget(self.collections, 2)
        layout.addLayout(buttons)
        layout.addLayout(progress)
        layout.addWidget(self.progress_label)
        layout.addWidget(QLabel("Files that could not be read:", self))
        layout.addWidget(self.unreadable, 1)
        layout.addWidget(close)

    # -- reading the index (on the worker) -----------------------------------------------
    def refresh(self) -> None:
        library = self._workers.library

        def work() -> list[Row]:
            conn = library.indexer.connection
            rows = []
            for c in library.collections(self._conversation):
                if c.name == index_db.ATTACHMENTS:
                    continue
                files, chunks = index_db.counts(conn, c.id)
                rows.append((c, files, chunks, index_db.unreadable(conn, c.id)))
            return rows

        self._workers.call(self, work, self._show)

    def _show(self, rows: list[Row]) -> None:
        self.rows = rows
        current = self.collections.currentRow()
        self.collections.clear()
        for c, files, chunks, bad in rows:
            scope = "this conversation" if c.conversation_id else "all conversations"
            text = f"{c.name} — {files} files, {chunks} passages, {len(bad)} unreadable ({scope})"
            item = QListWidgetItem(text)
            item.setToolTip("\n".join(c.roots))
            self.collections.addItem(item)
        if rows:
            self.collections.setCurrentRow(min(max(current, 0), len(rows) - 1))

    def _on_collections_row_changed(self, row: int) -> None:
        self.unreadable.clear()
        if 0 <= row < len(self.rows):
            for bad in self.rows[row][3]:
                self.unreadable.addItem(f"{Path(bad.path).name}: {bad.reason}")

    def _selected(self) -> int | None:
        row = self.collections.currentRow()
        return self.rows[row][0].id if 0 <= row < len(self.rows) else None

    # -- actions -------------------------------------------------------------------------
    def choose_folder(self) -> None:
        dialog = QFileDialog(self, "Add a folder of documents")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.fileSelected.connect(lambda name: self.add_folder(Path(name)))
        dialog.open()

    def add_folder(self, folder: Path) -> None:
        scope = self._conversation if self.only_here.isChecked() else None
        library = self._workers.library
        self._workers.call(
            self,
            lambda: library.add_collection(folder.name, [folder], scope),
            lambda c: self.index(c.id),
        )

    def index(self, collection_id: int | None) -> None:
        if collection_id is None:
            return
        self.progress.setRange(0, 0)
        self.progress_label.setText("Indexing…")
        self._workers.index(self, collection_id, self._on_progress, self._on_indexed)

    def _on_progress(self, p: IndexProgress) -> None:
        self.progress.setRange(0, p.total)
        self.progress.setValue(p.done)
        self.progress_label.setText(f"{p.done} of {p.total}: {Path(p.path).name}")

    def _on_indexed(self, report: SyncReport) -> None:
        self.last_report = report
        state = "Paused" if report.paused else "Indexed"
        self.progress_label.setText(
            f"{state}: {report.added} new, {report.updated} changed, {report.removed} removed, "
            f"{len(report.unreadable)} unreadable, {report.chunks} passages in "
            f"{report.seconds:.1f} s"
        )
        if not report.paused:
            self.progress.setRange(0, 1)
            self.progress.setValue(1)
        self.refresh()

    def _on_pause_toggled(self, paused: bool) -> None:
        self.pause_button.setText("Resume" if paused else "Pause")
        if paused:
            self._workers.pause.set()
        else:
            self._workers.pause.clear()
            self.index(self._selected())

    def remove(self, collection_id: int | None) -> None:
        if collection_id is None:
            return
        library = self._workers.library
        self._workers.call(
            self, lambda: library.remove_collection(collection_id), lambda _: self.refresh()
        )

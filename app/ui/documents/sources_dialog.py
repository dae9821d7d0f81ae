"""The sources of one reply: pick one to read its passage; Open file opens it (the system's
viewer, through QDesktopServices: a local file, never a URL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class SourcesDialog(QDialog):
    def __init__(self, sources: list[dict[str, Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sources_dialog")
        self.setWindowTitle("Sources of this reply")
        self.resize(640, 480)
        self._sources = sources
        self.opened: list[str] = []  # files opened (tests read it)
        self.list = QListWidget(self)
        self.list.setObjectName("sources_list")
        for n, entry in enumerate(sources, 1):
            where = f" — {entry.get('location')}" if entry.get("location") else ""
            score = float(entry.get("score", 0.0))
            self.list.addItem(f"[{n}] {Path(str(entry['file'])).name}{where}  (score {score:.3f})")
        self.path_label = QLabel(self)
        self.path_label.setWordWrap(True)
        self.passage = QPlainTextEdit(self)
        self.passage.setObjectName("source_passage")
        self.passage.setReadOnly(True)
        self.open_button = QPushButton("Open file", self)
        self.open_button.setObjectName("open_source_button")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.path_label)
        layout.addWidget(self.passage, 2)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.open_button.clicked.connect(self.open_current)
        if sources:
            self.list.setCurrentRow(0)

    def _on_list_current_row_changed(self, row: int) -> None:
        if 0 <= row < len(self._sources):
            entry = self._sources[row]
            self.path_label.setText(str(entry["file"]))
            self.passage.setPlainText(str(entry.get("passage", "")))

    def open_current(self) -> bool:
        row = self.list.currentRow()
        if not 0 <= row < len(self._sources):
            return False
        path = str(self._sources[row]["file"])
        self.opened.append(path)
        return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(path)))

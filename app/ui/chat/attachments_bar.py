"""The composer's attachments: Attach…, drag and drop, or paste a file's path. Before
sending it says, per file, "whole" or "retrieved passages" and the token cost (planned on
the documents worker, never the GUI thread). "Documents…" opens the collections dialog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QUrl, Signal
from PySide6.QtGui import QDragMoveEvent, QDropEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QToolButton, QWidget

from app.documents.context import AttachmentPlan, describe
from app.ui.common.icons import set_symbol


def path_from_text(text: str) -> Path | None:
    """A pasted path ("~/a.pdf", '"/x y.md"', file:///…) if it names an existing file."""
    text = text.strip().strip("'\"")
    if not text or "\n" in text:
        return None
    if text.startswith("file://"):
        text = QUrl(text).toLocalFile()
    try:
        path = Path(text).expanduser()
        return path if path.is_absolute() and path.is_file() else None
    except (OSError, ValueError):
        return None


class AttachmentsBar(QWidget):
    changed = Signal()
    documents_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachments_bar")
        self.budget_tokens = 2048  # the whole-file budget (half the context, set by the chat)
        self.workers: Any = None  # DocumentWorkers, set by the chat controller
        self.plans: list[AttachmentPlan] = []
        self._paths: list[Path] = []
        self.attach_button = self._button(
            "attach_button",
            "attach",
            "Attach files",
            "Attach files (or drop them on the box, or paste a path)",
        )
        self.documents_button = self._button(
            "documents_button",
            "documents",
            "Documents",
            "Folders indexed for this conversation or for all",
        )
        self.label = QLabel(self)
        self.label.setObjectName("attachments_label")
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Attachments")
        self.clear_button = self._button(
            "clear_attachments_button", "close", "Remove the attachments", "Remove the attachments"
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.attach_button)
        row.addWidget(self.documents_button)
        row.addWidget(self.label, 1)
        row.addWidget(self.clear_button)
        self.attach_button.clicked.connect(self.choose)
        self.documents_button.clicked.connect(self.documents_requested)
        self.clear_button.clicked.connect(self.clear)
        self._show()

    def _button(self, name: str, icon: str, accessible: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(accessible)  # shown only where icons are not (the icon is the face)
        set_symbol(button, icon, "muted")
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        button.setToolTip(tip)
        return button

    # -- the list ------------------------------------------------------------------------
    @property
    def paths(self) -> list[Path]:
        return list(self._paths)

    def add(self, paths: list[Path]) -> None:
        fresh = [p for p in paths if p not in self._paths]
        if fresh:
            self._paths += fresh
            self._replan()

    def clear(self) -> None:
        if self._paths:
            self._paths, self.plans = [], []
            self._show()
            self.changed.emit()

    def choose(self) -> None:
        dialog = QFileDialog(self, "Attach files")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.filesSelected.connect(lambda names: self.add([Path(n) for n in names]))
        dialog.open()

    def replan(self) -> None:
        """Plan the attachments again (the model, so its tokenizer or context, changed)."""
        if self._paths:
            self._replan()

    def _replan(self) -> None:
        self.plans = []
        self._show("reading…")
        self.changed.emit()
        if self.workers is not None:
            asked = list(self._paths)
            self.workers.plan(self, asked, self.budget_tokens, lambda p: self._planned(asked, p))

    def _planned(self, asked: list[Path], plans: list[AttachmentPlan]) -> None:
        if asked == self._paths:
            self.plans = plans
            self._show()
            self.changed.emit()

    def _show(self, note: str = "") -> None:
        if not self._paths:
            self.label.setText("")
        elif self.plans:
            self.label.setText(describe(self.plans))
        else:
            self.label.setText(
                ", ".join(p.name for p in self._paths) + (f" ({note})" if note else "")
            )
        self.clear_button.setVisible(bool(self._paths))

    # -- drop and paste on the composer's box --------------------------------------------
    def install_on(self, edit: QWidget) -> None:
        edit.installEventFilter(self)
        viewport = getattr(edit, "viewport", None)
        if viewport is not None:
            viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(
            event, QDragMoveEvent
        ):
            if self._files_in(event):
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
            files = self._files_in(event)
            if files:
                self.add(files)
                event.acceptProposedAction()
                return True
        elif isinstance(event, QKeyEvent) and event.matches(QKeySequence.StandardKey.Paste):
            clipboard = QGuiApplication.clipboard()
            path = path_from_text(clipboard.text()) if clipboard else None
            if path is not None and kind == QEvent.Type.KeyPress:
                self.add([path])
                return True
        return super().eventFilter(watched, event)

    @staticmethod
    def _files_in(event: QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]

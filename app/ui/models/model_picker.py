"""The toolbar's model picker: local GGUF files grouped by where they were found.

Scanning (`app.hub.local.local_scan.scan_models`) runs on a short-lived thread; the result comes
back through one long-lived relay object, so a picker that is closed mid-scan is never
touched from the worker. The list is rebuilt on the GUI thread; files whose header cannot
be read are listed disabled with the reason as tooltip, and so are embedding models (they
make vectors for document search, chosen in Settings; they cannot chat). New files in the
models folder and the added folders are picked up live (a file-system watcher, debounced).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from app import paths
from app.chat.remote import RemoteServer, is_remote_path
from app.ui.common.format import format_model_details
from app.ui.common.operation import Operation
from app.ui.models import remote_items
from app.ui.models.model_item_delegate import ModelItemDelegate

if TYPE_CHECKING:
    from app.hub.local.local_scan import LocalModel

log = logging.getLogger(__name__)

Scanner = Callable[[Sequence[Path]], "list[LocalModel]"]

SOURCE_ORDER = ("default", "models_dir", "hf_cache", "folder")
SOURCE_LABELS = {
    "default": "Default model",
    "models_dir": "Models folder",
    "hf_cache": "Hugging Face cache",
    "folder": "Added folders",
}
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
PATH_ROLE = Qt.ItemDataRole.UserRole + 2
KIND_HEADER, KIND_MODEL = "header", "model"
KIND_ADD_FOLDER, KIND_DOWNLOAD = "add_folder", "download"
ADD_FOLDER_TEXT = "Add folder…"
DOWNLOAD_TEXT = "Download models…"
WATCH_DEBOUNCE_MS = 500
PICKER_MAX_WIDTH = 560  # the toolbar's picker: room for a long name, not the whole bar
EMBEDDING_HEADER = "For document search (Settings)"
EMBEDDING_TIP = (
    "An embedding model: it turns your documents into vectors for search and cannot chat. "
    "Choose it in Settings, Document search."
)


def describe_model(model: LocalModel) -> str:
    """'SmolLM2 135M Instruct — 135M · Q4_1 · 98 MB · 8K ctx' (unknown parts left out)."""
    if model.error:
        return f"{model.name} — unreadable"
    details = format_model_details(
        model.parameter_count, model.quantization, model.file_size, model.context_length
    )
    return f"{model.name} — {details}" if details else model.name


def _item(
    text: str,
    kind: str,
    tip: str = "",
    path: str | None = None,
    enabled: bool = True,
    bold: bool = False,
) -> QStandardItem:
    """One row of the list: a source header, a model, or an action."""
    item = QStandardItem(text)
    item.setData(kind, KIND_ROLE)
    item.setToolTip(tip)
    if path is not None:
        item.setData(path, PATH_ROLE)
    if not enabled:
        item.setFlags(Qt.ItemFlag.NoItemFlags)
    if bold:
        font = item.font()
        font.setBold(True)
        item.setFont(font)
    return item


def _path_key(path: str) -> str:
    if is_remote_path(path):
        return remote_items.path_key(path)
    return os.path.normcase(os.path.realpath(path))


def _default_scanner(folders: Sequence[Path]) -> list[LocalModel]:
    from app.hub.local.local_scan import scan_models

    return scan_models(folders)


class ModelPicker(QWidget):
    """Contains the QComboBox "model_picker", a load progress bar, a status text and Cancel."""

    model_requested = Signal(str)
    download_requested = Signal()
    add_folder_requested = Signal(str)
    add_server_requested = Signal()
    scan_finished = Signal()  # the list was rebuilt from a finished scan
    cancel_load_requested = Signal()

    def __init__(self, parent: QWidget | None = None, scanner: Scanner | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("model_picker_panel")
        self._scanner: Scanner = scanner or _default_scanner
        self._models: tuple[LocalModel, ...] = ()
        self._folders: tuple[str, ...] = ()
        self._servers: tuple[RemoteServer, ...] = ()
        self._current: str | None = None
        self._pending = 0
        self._build()
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._on_watcher_directory_changed)
        self._rescan_timer = QTimer(self)
        self._rescan_timer.setSingleShot(True)
        self._rescan_timer.setInterval(WATCH_DEBOUNCE_MS)
        self._rescan_timer.timeout.connect(lambda: self.refresh(self._folders))

    # -- public API ------------------------------------------------------------------
    def refresh(self, extra_folders: Sequence[str] = ()) -> None:
        """Rescan in the background; `scan_finished` fires when the list is rebuilt."""
        self._folders = tuple(str(f) for f in extra_folders)
        self._watch(self._folders)
        folders, scanner = [Path(f) for f in self._folders], self._scanner
        self._pending += 1
        scan = self._pending
        Operation(
            parent=self,
            operation=lambda: scanner(folders),
            success=lambda models: self._on_scan_done(scan, models, None),
            failure=lambda error: self._on_scan_done(scan, (), error),
        ).run_in_background(name="hearth-model-scan")

    def set_servers(self, servers: Sequence[RemoteServer]) -> None:
        """The servers the person added (their models get a group each)."""
        self._servers = tuple(servers)
        self._rebuild(self._models)

    def set_current(self, path: str | None) -> None:
        self._current = path
        self._select_current()

    def set_busy(self, busy: bool, text: str = "") -> None:
        """Busy: the list is locked, an activity bar and Cancel show (until progress comes)."""
        self._combo.setEnabled(not busy)
        self._busy.setRange(0, 0)
        self._busy.setVisible(busy)
        self._cancel.setVisible(busy)
        self._status.setText(text)
        self._status.setVisible(bool(text))

    def set_load_progress(self, fraction: float, text: str) -> None:
        """A load in progress: the bar shows how far it is, Cancel stops it."""
        self._combo.setEnabled(False)
        self._busy.setRange(0, 100)
        self._busy.setValue(int(max(0.0, min(1.0, fraction)) * 100))
        self._busy.setVisible(True)
        self._cancel.setVisible(True)
        self._status.setText(text)
        self._status.setVisible(True)

    @property
    def load_fraction(self) -> float | None:
        """How far the bar shows the load (None when it shows no progress)."""
        if self._busy.isHidden() or self._busy.maximum() == 0:
            return None
        return self._busy.value() / 100

    def models(self) -> tuple[LocalModel, ...]:
        return self._models

    def embedding_models(self) -> list[LocalModel]:
        """The readable embedding models found (for Settings, never offered for chat)."""
        return [m for m in self._models if m.embedding and not m.error]

    def combo(self) -> QComboBox:
        return self._combo

    def current_path(self) -> str | None:
        return self._current

    # -- building --------------------------------------------------------------------
    def _build(self) -> None:
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._combo = QComboBox(self)
        self._combo.setObjectName("model_picker")
        self._combo.setAccessibleName("Model")
        self._combo.setToolTip("Choose the language model that answers your messages.")
        self._combo.setPlaceholderText("No model loaded")
        self._combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self._combo.setMinimumContentsLength(32)
        self._combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._combo.setMaximumWidth(PICKER_MAX_WIDTH)
        self._item_model = QStandardItemModel(self._combo)
        self._combo.setModel(self._item_model)
        self._combo.setItemDelegate(ModelItemDelegate(self._combo))  # two-line rows
        self._combo.activated.connect(self._on_combo_activated)
        self._busy = QProgressBar(self)
        self._busy.setObjectName("model_picker_busy")
        self._busy.setAccessibleName("Loading the model")
        self._busy.setRange(0, 0)
        self._busy.setMaximumWidth(80)
        self._busy.setTextVisible(False)
        self._busy.hide()
        self._status = QLabel(self)
        self._status.setObjectName("model_picker_status")
        self._status.setAccessibleName("Model status")
        self._status.hide()
        self._cancel = QPushButton("Cancel", self)
        self._cancel.setObjectName("model_load_cancel_button")
        self._cancel.setAccessibleName("Cancel loading")
        self._cancel.setToolTip("Stop loading this model; the current one stays")
        self._cancel.clicked.connect(self.cancel_load_requested)
        self._cancel.hide()
        layout.addWidget(self._combo, 1)
        layout.addWidget(self._busy)
        layout.addWidget(self._status)
        layout.addWidget(self._cancel)
        layout.addStretch(1)
        self._rebuild(())

    def _rebuild(self, models: Sequence[LocalModel], failure: str | None = None) -> None:
        self._models = tuple(models)
        self._item_model.clear()
        add = self._item_model.appendRow
        for source in SOURCE_ORDER:
            group = [m for m in models if m.source == source and not m.embedding]
            if group:
                add(_item(SOURCE_LABELS[source], KIND_HEADER, enabled=False, bold=True))
            for model in group:
                tip = f"{model.path}\n{model.error}" if model.error else model.path
                add(_item(describe_model(model), KIND_MODEL, tip, model.path, not model.error))
        embedders = self.embedding_models()
        if embedders:
            add(_item(EMBEDDING_HEADER, KIND_HEADER, enabled=False, bold=True))
        for model in embedders:
            tip = f"{model.path}\n{EMBEDDING_TIP}"
            add(_item(describe_model(model), KIND_HEADER, tip, enabled=False))
        if failure or not models:
            text = f"Could not list models: {failure}" if failure else "No models found"
            add(_item(text, KIND_HEADER, enabled=False, bold=True))
        for row in remote_items.server_rows(self._servers, _item, KIND_HEADER, KIND_MODEL):
            add(row)
        self._combo.insertSeparator(self._combo.count())
        add(_item(ADD_FOLDER_TEXT, KIND_ADD_FOLDER, "Look for GGUF models in another folder."))
        add(
            _item(
                remote_items.ADD_SERVER_TEXT,
                remote_items.KIND_ADD_SERVER,
                remote_items.ADD_SERVER_TIP,
            )
        )
        add(_item(DOWNLOAD_TEXT, KIND_DOWNLOAD, "Find and download models."))
        self._select_current()

    def _index_of(self, path: str) -> int:
        key = _path_key(path)
        for row in range(self._item_model.rowCount()):
            item = self._item_model.item(row)
            item_path = item.data(PATH_ROLE) if item is not None else None
            if item_path and _path_key(item_path) == key:
                return row
        return -1

    def _select_current(self) -> None:
        if self._current is None:
            self._combo.setCurrentIndex(-1)
            return
        row = self._index_of(self._current)
        if row < 0:  # loaded from elsewhere (command line, an old setting): list it on top
            current = self._current
            name = (
                remote_items.current_label(current)
                if is_remote_path(current)
                else Path(current).name
            )
            self._item_model.insertRow(0, _item(name, KIND_MODEL, self._current, self._current))
            row = 0
        self._combo.setCurrentIndex(row)

    # -- reactions -------------------------------------------------------------------
    def _on_scan_done(
        self, scan: int, result: Sequence[LocalModel], error: Exception | None
    ) -> None:
        if scan != self._pending:
            return  # an older scan that finished after a newer one
        if error is not None:
            log.error("scanning for models failed: %r", error)
            self._rebuild((), failure=str(error) or type(error).__name__)
        else:
            self._rebuild(result)
        self.scan_finished.emit()

    def _on_combo_activated(self, row: int) -> None:
        item = self._item_model.item(row)
        kind = item.data(KIND_ROLE) if item is not None else None
        if kind == KIND_MODEL and item is not None:
            path = str(item.data(PATH_ROLE))
            if self._current is None or _path_key(path) != _path_key(self._current):
                self._current = path
                self.model_requested.emit(path)
            return
        self._select_current()  # actions and headers never stay selected
        if kind == KIND_DOWNLOAD:
            self.download_requested.emit()
        elif kind == KIND_ADD_FOLDER:
            self._open_folder_dialog()
        elif kind == remote_items.KIND_ADD_SERVER:
            self.add_server_requested.emit()

    def _open_folder_dialog(self) -> None:
        dialog = QFileDialog(self, "Add a folder with GGUF models")
        dialog.setObjectName("add_folder_dialog")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.add_folder_requested.emit)
        dialog.open()  # not exec(): no nested event loop under qasync

    def _watch(self, folders: Sequence[str]) -> None:
        wanted = {str(paths.models_dir()), *(f for f in folders if os.path.isdir(f))}
        watched = set(self._watcher.directories())
        if watched - wanted:
            self._watcher.removePaths(sorted(watched - wanted))
        if wanted - watched:
            self._watcher.addPaths(sorted(wanted - watched))

    def _on_watcher_directory_changed(self, _path: str) -> None:
        self._rescan_timer.start()

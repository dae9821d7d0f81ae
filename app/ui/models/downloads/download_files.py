"""Middle of the download dialog: a repository's GGUF files grouped by quantization, the
fit check for the chosen one (memory and disk), and the Download button."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.hub.remote.fit_remote import FitReport
from app.hub.remote.remote_values import RemoteModel, RepoFiles
from app.ui.common.format import format_bytes
from app.ui.common.theme import ERROR_COLOR, WARNING_COLOR

MODEL_ROLE = Qt.ItemDataRole.UserRole
FIT_COLORS = {"fits": "#2e8b57", "tight": WARNING_COLOR, "won't fit": ERROR_COLOR}
CONTEXT_DEBOUNCE_MS = 300


def _label(name: str, parent: QWidget) -> QLabel:
    label = QLabel("", parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class FilesPanel(QWidget):
    model_selected = Signal(object)  # RemoteModel
    download_requested = Signal(object)  # RemoteModel
    context_changed = Signal(int)

    def __init__(self, n_ctx: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model: RemoteModel | None = None
        self.title_label = _label("files_title", self)
        self.title_label.setText("Pick a model on the left to see its files.")
        self.files_tree = QTreeWidget(self)
        self.files_tree.setObjectName("files_tree")
        self.files_tree.setHeaderLabels(["File", "Size"])
        self.files_tree.setColumnWidth(0, 330)
        self.files_tree.currentItemChanged.connect(self._on_files_tree_current_item_changed)
        self.context_spin = QSpinBox(self)
        self.context_spin.setObjectName("context_spin")
        self.context_spin.setRange(512, 1_048_576)
        self.context_spin.setSingleStep(1024)
        self.context_spin.setValue(n_ctx)
        self.context_spin.setSuffix(" tokens")
        self._context_timer = QTimer(self)
        self._context_timer.setSingleShot(True)
        self._context_timer.setInterval(CONTEXT_DEBOUNCE_MS)
        self._context_timer.timeout.connect(lambda: self.context_changed.emit(self.n_ctx))
        self.context_spin.valueChanged.connect(lambda _value: self._context_timer.start())
        self.fit_label = _label("fit_label", self)
        self.basis_label = _label("fit_basis_label", self)
        self.disk_label = _label("disk_label", self)
        self.notice_label = _label("files_notice", self)
        self.download_button = QPushButton("Download", self)
        self.download_button.setObjectName("download_button")
        self.download_button.setEnabled(False)
        self.download_button.clicked.connect(self._on_download_button_clicked)
        self._lay_out()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Context length:", self.context_spin)
        buttons = QHBoxLayout()
        buttons.addWidget(self.notice_label, 1)
        buttons.addWidget(self.download_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title_label)
        layout.addWidget(self.files_tree, 1)
        layout.addLayout(form)
        for label in (self.fit_label, self.basis_label, self.disk_label):
            layout.addWidget(label)
        layout.addLayout(buttons)

    @property
    def n_ctx(self) -> int:
        return int(self.context_spin.value())

    @property
    def selected_model(self) -> RemoteModel | None:
        return self._model

    def show_loading(self, repo_id: str) -> None:
        self._clear()
        self.title_label.setText(f"Listing the files of {repo_id}…")

    def show_error(self, message: str) -> None:
        self._clear()
        self.title_label.setText(message)

    def show_listing(self, listing: RepoFiles) -> None:
        self._clear()
        count = len(listing.models)
        licence = f" · licence: {listing.licence}" if listing.licence else ""
        self.title_label.setText(
            f"{listing.repo_id}{licence} · {count} GGUF model{'s' if count != 1 else ''}"
            if count
            else f"{listing.repo_id} has no GGUF model files."
        )
        for quant, models in listing.by_quantization():
            group = QTreeWidgetItem(self.files_tree, [quant, ""])
            group.setFlags(group.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            for model in models:
                child = QTreeWidgetItem(group, [model.name, format_bytes(model.total_size)])
                child.setData(0, MODEL_ROLE, model)
                child.setToolTip(0, "\n".join(f.path for f in model.files))
        self.files_tree.expandAll()

    def show_fit_pending(self) -> None:
        self.fit_label.setText("Checking whether it fits in memory…")
        self.basis_label.setText("")
        self.disk_label.setText("")

    def show_fit(self, report: FitReport) -> None:
        verdict = report.verdict
        color = FIT_COLORS[verdict.fit]
        label, _, rest = verdict.explanation.partition(": ")
        self.fit_label.setText(f'<b style="color:{color}">{label}</b>: {rest}')
        self.basis_label.setText(report.basis)
        self.disk_label.setText(report.disk_text)
        self.download_button.setEnabled(self._model is not None and report.disk_ok)
        self.download_button.setToolTip("" if report.disk_ok else report.disk_text)

    def show_notice(self, message: str) -> None:
        self.notice_label.setText(message)

    def _clear(self) -> None:
        self._model = None
        self.files_tree.clear()
        self.fit_label.setText("")
        self.basis_label.setText("")
        self.disk_label.setText("")
        self.notice_label.setText("")
        self.download_button.setEnabled(False)

    def _on_files_tree_current_item_changed(
        self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None
    ) -> None:
        model = current.data(0, MODEL_ROLE) if current is not None else None
        self._model = model if isinstance(model, RemoteModel) else None
        self.notice_label.setText("")
        self.download_button.setEnabled(False)
        if self._model is not None:
            self.model_selected.emit(self._model)

    def _on_download_button_clicked(self) -> None:
        if self._model is not None:
            self.download_requested.emit(self._model)

"""The model download dialog: catalogue and search, files by quantization, fit check,
and the download queue. The only place in Hearth that goes online.

Every Hub call is an `Operation` on a short-lived thread; downloads run on the
DownloadManager's worker, whose notifications arrive here as queued Qt signals. When the
Hub cannot be reached the banner says so; nothing else in the app is affected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QSplitter, QVBoxLayout, QWidget

from app.hub.downloads.manager import DownloadManager
from app.hub.remote.fit_remote import FitReport, check_fit
from app.hub.remote.hub_client import SortKey, list_repo_models, search_repos
from app.hub.remote.hub_errors import HubUnreachableError, NotEnoughDiskError
from app.hub.remote.remote_values import RemoteModel, RepoFiles
from app.ui.common.operation import Operation, on_gui_thread
from app.ui.common.theme import ERROR_COLOR
from app.ui.models.downloads.download_browse import BrowsePanel
from app.ui.models.downloads.download_files import FilesPanel
from app.ui.models.downloads.download_queue import QueuePanel

DEFAULT_CONTEXT = 4096
Handler = Callable[[Any, Exception | None], None]


def _load_option(parent: QWidget | None, name: str, default: int) -> int:
    """The main window's LoadOptions value (context length, GPU layers), if it has one."""
    load = getattr(getattr(parent, "settings", None), "load", None)
    value = getattr(load, name, None)
    return value if isinstance(value, int) else default


class DownloadDialog(QDialog):
    model_ready = Signal(str)  # a verified model is in the models folder
    _item_changed = Signal(object)  # from the download worker thread
    _ready = Signal(str)  # from the download worker thread

    def __init__(
        self,
        parent: QWidget | None = None,
        manager: DownloadManager | None = None,
        n_ctx: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("download_dialog")
        self.setWindowTitle("Download models")
        self.resize(1000, 720)
        self.manager = manager or DownloadManager()
        self._started = 0
        self._latest: dict[str, int] = {}
        self._headers: dict[str, tuple[Any, str | None]] = {}
        self.banner = QLabel("", self)
        self.banner.setObjectName("hub_banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(f"color: white; background: {ERROR_COLOR}; padding: 6px;")
        self.banner.setVisible(False)
        self.browse = BrowsePanel(self)
        self._gpu_layers = _load_option(parent, "n_gpu_layers", 0)
        self.files = FilesPanel(n_ctx or _load_option(parent, "n_ctx", DEFAULT_CONTEXT), self)
        self.queue = QueuePanel(self)
        self._lay_out()
        self._connect(owns_manager=manager is None)
        for item in self.manager.items():
            self.queue.show_item(item)

    def _lay_out(self) -> None:
        top = QSplitter(Qt.Orientation.Horizontal, self)
        top.addWidget(self.browse)
        top.addWidget(self.files)
        top.setSizes([420, 580])
        where = QLabel(
            f"Models are saved in {self.manager.target_dir}. Downloads continue in the "
            "background when this window is closed.",
            self,
        )
        where.setObjectName("download_location")
        where.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(top, 3)
        layout.addWidget(self.queue, 2)
        layout.addWidget(where)

    def _connect(self, owns_manager: bool) -> None:
        self.browse.search_requested.connect(self._on_browse_search_requested)
        self.browse.repo_selected.connect(self._on_browse_repo_selected)
        self.files.model_selected.connect(self._on_files_model_selected)
        self.files.context_changed.connect(self._on_files_context_changed)
        self.files.download_requested.connect(self._on_files_download_requested)
        self.queue.cancel_requested.connect(self.manager.cancel)
        self.queue.resume_requested.connect(self.manager.resume)
        self.queue.remove_requested.connect(self._on_queue_remove_requested)
        self._item_changed.connect(self._on_manager_item_changed)
        self._ready.connect(self.model_ready)
        manager, changed, ready = self.manager, self._item_changed.emit, self._ready.emit
        manager.add_change_listener(changed)
        manager.add_ready_listener(ready)
        # on_model_ready then runs on the GUI thread (dropped once this dialog is gone)
        manager.call_on_main = lambda function: on_gui_thread(function, self)
        self.destroyed.connect(lambda *_: _forget(manager, changed, ready))
        app = QCoreApplication.instance()
        if owns_manager and app is not None:
            app.aboutToQuit.connect(lambda: manager.shutdown(timeout=2.0))

    # -- background calls ----------------------------------------------------------------
    def _start(self, kind: str, work: Callable[[], Any], handler: Handler) -> None:
        """Run `work` off the GUI thread; only the latest call of each kind is handled."""
        self._started += 1
        token = self._latest[kind] = self._started

        def done(result: Any, error: Exception | None) -> None:
            self._show_reachability(error)
            if self._latest.get(kind) == token:
                handler(result, error)

        Operation(
            parent=self,
            operation=work,
            success=lambda result: done(result, None),
            failure=lambda error: done(None, error),
        ).run_in_background(name=f"hearth-hub-{kind}")

    def _show_reachability(self, error: Exception | None) -> None:
        if isinstance(error, HubUnreachableError):
            self.banner.setText(str(error))
            self.banner.setVisible(True)
        elif error is None:
            self.banner.setVisible(False)

    # -- handlers ------------------------------------------------------------------------
    def _on_browse_search_requested(self, query: str, sort: str) -> None:
        self.browse.set_searching(query)
        key: SortKey = "likes" if sort == "likes" else "downloads"
        self._start("search", lambda: search_repos(query, key), self._on_search_done)

    def _on_search_done(self, results: Any, error: Exception | None) -> None:
        if error is not None:
            self.browse.show_search_failed(str(error))
        else:
            self.browse.show_results(results)

    def _on_browse_repo_selected(self, repo_id: str) -> None:
        self.files.show_loading(repo_id)
        self._start("list", lambda: list_repo_models(repo_id), self._on_listing_done)

    def _on_listing_done(self, listing: RepoFiles | None, error: Exception | None) -> None:
        if error is not None or listing is None:
            self.files.show_error(str(error))
        else:
            self.files.show_listing(listing)

    def _on_files_model_selected(self, model: RemoteModel) -> None:
        self._check_fit(model)

    def _on_files_context_changed(self, _n_ctx: int) -> None:
        model = self.files.selected_model
        if model is not None:
            self._check_fit(model)

    def _check_fit(self, model: RemoteModel) -> None:
        self.files.show_fit_pending()
        n_ctx, target, layers = self.files.n_ctx, self.manager.target_dir, self._gpu_layers
        known = self._headers.get(model.key)
        self._start(
            "fit", lambda: check_fit(model, n_ctx, target, known, layers), self._on_fit_done
        )

    def _on_fit_done(self, report: FitReport | None, error: Exception | None) -> None:
        model = self.files.selected_model
        if error is not None or report is None or model is None:
            self.files.fit_label.setText(f"Could not check the fit: {error}")
            return
        if report.metadata is not None or report.header_problem is not None:
            self._headers[model.key] = (report.metadata, report.header_problem)
        self.files.show_fit(report)

    def _on_files_download_requested(self, model: RemoteModel) -> None:
        try:
            item = self.manager.enqueue(model)
        except NotEnoughDiskError as error:
            self.files.show_notice(str(error))
            return
        self.queue.show_item(item)
        self.files.show_notice(f"Added {model.name} to the downloads.")

    def _on_manager_item_changed(self, item: Any) -> None:
        # Show the download as it is now: a queued notification may be older than a click
        # handled since (Cancel), and a removed download must not come back.
        current = self.manager.item(item.key)
        if current is not None:
            self.queue.show_item(current)

    def _on_queue_remove_requested(self, key: str) -> None:
        self.manager.remove(key)
        self.queue.drop_item(key)


def _forget(
    manager: DownloadManager, changed: Callable[..., Any], ready: Callable[..., Any]
) -> None:
    manager.remove_change_listener(changed)
    manager.remove_ready_listener(ready)
    manager.call_on_main = None

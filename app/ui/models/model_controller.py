"""ModelController: loads models through the runner and keeps picker and stats in step.

Loading runs on the engine's worker thread; the picker shows its progress (file name, size,
percent) with a Cancel button meanwhile, and the load time afterwards. A cancelled load
keeps the previous model. A file that fails to load shows its error and the previous model
stays loaded (the engine guarantees that; the picker goes back to it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from app.chat.progress_text import load_progress_text
from app.chat.values import LoadOptions, ModelInfo
from app.engine.errors import ModelLoadCancelled
from app.engine.runner import EngineRunner
from app.ui.common.format import format_seconds
from app.ui.common.operation import Operation
from app.ui.models.model_picker import ModelPicker


class ModelStatsView(Protocol):
    """Where the loaded model is shown (the stats panel in app.ui.panels is one)."""

    def set_loading(self, path: str) -> None: ...
    def set_model(self, info: ModelInfo | None) -> None: ...
    def set_load_failed(self, message: str) -> None: ...


class ModelController(QObject):
    loaded = Signal(object)  # ModelInfo
    load_failed = Signal(str, str)  # path, message a person can act on
    load_cancelled = Signal(str)  # path; the previous model (if any) stays
    load_progressed = Signal(str, float)  # path, fraction loaded

    def __init__(
        self,
        runner: EngineRunner,
        picker: ModelPicker,
        stats: ModelStatsView,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._picker = picker
        self._stats = stats
        self._pending = 0
        self.info: ModelInfo | None = None
        self.gpu_offload_available = False
        picker.cancel_load_requested.connect(self.cancel)

    @property
    def loading(self) -> bool:
        return self._pending > 0

    def load(self, path: str, options: LoadOptions) -> None:
        """Start loading `path`; `loaded` or `load_failed` follows on the GUI thread."""
        self._pending += 1
        self._picker.set_current(path)
        self._picker.set_busy(True, f"Loading {Path(path).name}…")
        self._stats.set_loading(path)
        size = _size_of(path)
        load: Operation[ModelInfo] = Operation(
            parent=self,
            success=self._on_loaded,
            failure=lambda error: self._on_load_failed(path, error),
        )
        load.with_progress(lambda fraction: self._on_load_progress(path, size, fraction))
        load.follow(self._runner.load(path, options, load.report))

    def cancel(self) -> None:
        """Stop the load(s) in progress; the model loaded before stays."""
        if self.loading and self._runner.cancel_load():
            self._picker.set_busy(True, "Cancelling…")

    def _on_load_progress(self, path: str, size: int, fraction: float) -> None:
        if not self.loading or self._picker.current_path() != path:
            return  # a newer load took over
        text = load_progress_text(Path(path).name, size, fraction)
        self._picker.set_load_progress(fraction, text)
        self.load_progressed.emit(path, fraction)

    def probe_gpu(self, probe: Callable[[], bool]) -> None:
        """Ask (on the worker thread) whether this build can offload to a GPU."""
        Operation(
            parent=self,
            operation=probe,
            success=lambda available: self._set_gpu_offload(bool(available)),
            failure=lambda _error: self._set_gpu_offload(False),
        ).run_on(lambda work: self._runner.submit(lambda _engine: work()))

    def _set_gpu_offload(self, available: bool) -> None:
        self.gpu_offload_available = available

    def _on_loaded(self, info: ModelInfo) -> None:
        self._pending -= 1
        self.info = info
        self._stats.set_model(info)
        self._picker.set_current(info.path)
        seconds = format_seconds(info.load_seconds)
        self._picker.set_busy(self.loading, f"Loaded in {seconds}")
        self.loaded.emit(info)

    def _on_load_failed(self, path: str, error: Exception) -> None:
        self._pending -= 1
        if isinstance(error, ModelLoadCancelled):
            self._stats.set_model(self.info)
            self._picker.set_current(self.info.path if self.info else None)
            self._picker.set_busy(self.loading, "Loading cancelled")
            self.load_cancelled.emit(path)
            return
        message = str(error) if str(error) else repr(error)
        self._stats.set_load_failed(message)
        self._picker.set_current(self.info.path if self.info else None)
        self._picker.set_busy(self.loading, "Load failed")
        self.load_failed.emit(path, message)


def _size_of(path: str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0

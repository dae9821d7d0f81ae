"""ModelController: loads models through the runner and keeps picker and stats in step.

Loading runs on the engine's worker thread; the picker shows a busy state meanwhile and
the load time afterwards. A file that fails to load shows its error and the previous model
stays loaded (the engine guarantees that; the picker goes back to it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from app.chat.values import LoadOptions, ModelInfo
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

    @property
    def loading(self) -> bool:
        return self._pending > 0

    def load(self, path: str, options: LoadOptions) -> None:
        """Start loading `path`; `loaded` or `load_failed` follows on the GUI thread."""
        self._pending += 1
        self._picker.set_current(path)
        self._picker.set_busy(True, f"Loading {Path(path).name}…")
        self._stats.set_loading(path)
        Operation(
            parent=self,
            success=self._on_loaded,
            failure=lambda error: self._on_load_failed(path, error),
        ).follow(self._runner.load(path, options))

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
        message = str(error) if str(error) else repr(error)
        self._stats.set_load_failed(message)
        self._picker.set_current(self.info.path if self.info else None)
        self._picker.set_busy(self.loading, "Load failed")
        self.load_failed.emit(path, message)

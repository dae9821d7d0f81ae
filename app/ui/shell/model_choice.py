"""ModelChoice: which model is loaded, and when it changes.

At start the last model (or the default one when it is missing); a conversation remembers
its model, so opening it switches to that model when the file is still there; the loaded
model is remembered in the settings, and new load options reload it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.chat.values import ModelInfo
from app.settings import Settings
from app.store import ConversationRecord
from app.ui.models.model_controller import ModelController
from app.ui.shell.settings_controller import SettingsController


class ModelChoice(QObject):
    status = Signal(str)  # a short message for the status bar

    def __init__(
        self,
        models: ModelController,
        settings: SettingsController,
        stop_reply: Callable[[], None],
        default_model: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._models = models
        self._settings = settings
        self._stop_reply = stop_reply
        self._default_model = default_model
        models.loaded.connect(self._on_models_loaded)
        settings.applied.connect(self._on_settings_applied)

    def start(self) -> None:
        """Load the last model, or the default one when the last is missing."""
        last = self._settings.settings.model_path
        path = last if last and Path(last).is_file() else self._default_model
        if last and path != last:
            self.status.emit(f"The last model ({last}) is missing; using the default model.")
        if path:
            self.load(path)

    def load(self, path: str) -> None:
        self._stop_reply()  # the load runs after the reply ends (one engine thread)
        self._models.load(path, self._settings.settings.load)

    def conversation_opened(self, record: ConversationRecord | None) -> None:
        """A conversation remembers its model: switch to it when it is not the loaded one."""
        wanted = record.model_path if record is not None else None
        info = self._models.info
        loaded = info.path if info is not None else None
        if not wanted or loaded is None or wanted == loaded or self._models.loading:
            return
        if Path(wanted).is_file():
            self.status.emit(f"Switching to {Path(wanted).name}, this conversation's model")
            self.load(wanted)

    def _on_models_loaded(self, info: ModelInfo) -> None:
        self._settings.remember_model(info.path)

    def _on_settings_applied(self, old: Settings, new: Settings) -> None:
        if new.load != old.load and self._models.info is not None:
            self.load(self._models.info.path)

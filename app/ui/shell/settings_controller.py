"""SettingsController: the one owner of the user's settings; every change is saved here.

Two kinds of change: `apply(settings)` is the person's choice (the settings dialog, the
welcome) and announces itself through `applied(old, new)` so the session and the model
follow it; `remember(**changes)` records what the app learned on its way (the last model,
an added folder, the measured memory bandwidth) and only saves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.settings import Settings, save_settings


class SettingsController(QObject):
    applied = Signal(object, object)  # old Settings, new Settings (a person's choice)

    def __init__(
        self,
        settings: Settings,
        persist: Callable[[Settings], None] = save_settings,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._persist = persist

    @property
    def settings(self) -> Settings:
        return self._settings

    def apply(self, settings: Settings) -> None:
        """The person changed the settings: save them, then tell who follows them."""
        old, self._settings = self._settings, settings
        self._persist(settings)
        self.applied.emit(old, settings)

    def remember(self, **changes: Any) -> None:
        """Save something the app learned (the last model, a folder, the bandwidth)."""
        self._settings = self._settings.with_changes(**changes)
        self._persist(self._settings)

    def remember_model(self, path: str) -> None:
        if path != self._settings.model_path:
            self.remember(model_path=path)

    def add_model_folder(self, folder: str) -> None:
        if folder and folder not in self._settings.model_folders:
            self.remember(model_folders=(*self._settings.model_folders, folder))

"""SettingsController: the one owner of the user's settings; every change is saved here.

Two kinds of change: `apply(settings)` is the person's choice (the settings dialog, the
welcome) and announces itself through `applied(old, new)` so the session and the model
follow it; `remember(**changes)` records what the app learned on its way (the last model,
an added folder, the measured memory bandwidth) and only saves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from app import disk, paths
from app.settings import Settings, save_settings

log = logging.getLogger(__name__)


class SettingsController(QObject):
    applied = Signal(object, object)  # old Settings, new Settings (a person's choice)
    save_failed = Signal(str, str)  # what failed and what to do; the folder

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
        self._save()
        self.applied.emit(old, settings)

    def remember(self, **changes: Any) -> None:
        """Save something the app learned (the last model, a folder, the bandwidth)."""
        self._settings = self._settings.with_changes(**changes)
        self._save()

    def _save(self) -> None:
        """Save; a refused write keeps the settings for this run and says so (no exception)."""
        try:
            self._persist(self._settings)
        except OSError as error:
            folder = paths.settings_path().parent
            problem = disk.describe(error, folder)
            log.warning("could not save settings: %s", error)
            self.save_failed.emit(
                f"Settings could not be saved; they apply until Hearth closes. {problem.advice()}",
                str(folder),
            )

    def remember_model(self, path: str) -> None:
        if path != self._settings.model_path:
            self.remember(model_path=path)

    def add_model_folder(self, folder: str) -> None:
        if folder and folder not in self._settings.model_folders:
            self.remember(model_folders=(*self._settings.model_folders, folder))

"""Opening Hearth's own files at start-up, so that whatever is wrong ends in a usable window.

Each file gets its own report; `StartupFiles.notes()` turns them into the sentences the
window shows (with the folder to open). A database from a newer Hearth asks first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app import paths
from app.hub.downloads.download_store import read_items, save_items
from app.settings import Settings, read_settings
from app.state_check import StateReport
from app.store import OpenedStore, SchemaTooNewError, open_store, separate_database_path
from app.ui.shell.window_state import read_window_state

log = logging.getLogger(__name__)
AskFresh = Callable[[SchemaTooNewError], bool]
Note = tuple[str, Path | None]


@dataclass
class StartupFiles:
    settings: Settings
    opened: OpenedStore
    reports: list[tuple[str, StateReport]] = field(default_factory=list)
    separate_from: Path | None = None  # the newer database left alone

    def notes(self) -> list[Note]:
        out: list[Note] = []
        if self.separate_from is not None:
            newer, fresh = self.separate_from, self.opened.store.path
            sentence = (
                f"The conversation database {newer} comes from a newer Hearth and was left "
                f"untouched; this window uses a separate one, {fresh}."
            )
            out.append((sentence, newer.parent))
        recovery = self.opened.recovery
        if recovery is not None:
            out.append((recovery.sentence(), recovery.folder))
        for what, report in self.reports:
            if not report.clean:
                out.append((report.sentence(what), report.path.parent))
        return out


def ask_fresh_database(error: SchemaTooNewError) -> bool:
    """Today's clear message, and a way on: start with a separate, fresh database."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Conversations from a newer Hearth", str(error))
    box.setObjectName("newer_database_box")
    fresh = box.addButton("Start with a separate fresh database", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setInformativeText(
        f"A fresh database would be kept in {separate_database_path(error.path)}; "
        "the newer file is not touched either way."
    )
    box.exec()
    return box.clickedButton() is fresh


def _window_state_report() -> StateReport:
    return read_window_state()[1]


def _downloads_report() -> StateReport:
    items, report = read_items()
    if not report.clean and report.backup is not None:
        try:
            save_items(items)  # the cleaned list, so the download dialog finds it sound
        except OSError as error:
            log.warning("could not rewrite the download list: %s", error)
    return report


def open_startup_files(ask_fresh: AskFresh = ask_fresh_database) -> StartupFiles | None:
    """Settings, conversations, window state and downloads; None when the person quits."""
    settings, settings_report = read_settings()
    database = paths.database_path()
    separate_from = None
    try:
        opened = open_store(database)
    except SchemaTooNewError as error:
        log.warning("%s", error)
        if not ask_fresh(error):
            return None
        opened, separate_from = open_store(separate_database_path(database)), database
    reports = [
        ("settings", settings_report),
        ("window layout settings", _window_state_report()),
        ("download list entries", _downloads_report()),
    ]
    return StartupFiles(settings, opened, reports, separate_from)

"""A MainWindow whose engine is the app's SwitchingEngine over the FakeEngine (local) and
the RemoteEngine (short timeouts), and the gestures of adding and picking a server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.engine.fake import FakeEngine
from app.engine.remote.client import Timeouts
from app.engine.remote.keys import read_key
from app.engine.remote.remote_engine import RemoteEngine
from app.engine.remote.switching import SwitchingEngine
from app.settings import Settings
from app.ui.models.add_server_dialog import AddServerDialog
from app.ui.models.model_picker import KIND_ROLE, PATH_ROLE
from app.ui.models.remote_items import KIND_ADD_SERVER
from app.ui.shell.main_window import MainWindow
from tests.remote.remote_helpers import FAST
from tests.ui.window_helpers import FAKE_MODEL, Built, build_window, close_built


@pytest.fixture
def make_remote_window(qtbot: QtBot) -> Iterator[object]:
    made: list[Built] = []

    def make(settings: Settings | None = None, timeouts: Timeouts = FAST) -> Built:
        windows: list[MainWindow] = []

        def key(base_url: str) -> str:  # what the app's settings_key does, over this window
            servers = windows[0].settings.remote_servers if windows else ()
            return next((read_key(s) for s in servers if s.base_url == base_url), "")

        def engine() -> SwitchingEngine:
            return SwitchingEngine(FakeEngine, lambda: RemoteEngine(key, timeouts))

        built = build_window(qtbot, engine, FAKE_MODEL, settings)
        windows.append(built.window)
        made.append(built)
        return built

    yield make
    for built in made:
        close_built(built)


def rows(window: MainWindow) -> list[tuple[str, str, str | None]]:
    model = window.model_picker.model()
    items = (model.item(row) for row in range(model.rowCount()))
    return [(i.text(), i.data(KIND_ROLE), i.data(PATH_ROLE)) for i in items if i is not None]


def activate(qtbot: QtBot, window: MainWindow, path: str, timeout_ms: int = 10_000) -> None:
    row = next(i for i, (_t, _k, p) in enumerate(rows(window)) if p == path)
    with qtbot.waitSignal(window.models.loaded, timeout=timeout_ms):
        window.model_picker.activated.emit(row)


def add_server(qtbot: QtBot, window: MainWindow, url: str, key: str = "") -> AddServerDialog:
    row = next(i for i, (_t, kind, _p) in enumerate(rows(window)) if kind == KIND_ADD_SERVER)
    window.model_picker.activated.emit(row)
    dialog = window.findChild(AddServerDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.url_edit.setText(url)
    dialog.key_edit.setText(key)
    with qtbot.waitSignal(dialog.listed, timeout=10_000):
        qtbot.mouseClick(dialog.list_button, Qt.MouseButton.LeftButton)
    return dialog

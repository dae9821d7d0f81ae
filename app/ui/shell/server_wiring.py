"""ServerWiring: the window's two kinds of server, kept out of MainWindow.

The local API server's switch (its panel, its settings, its requests shown like chat turns)
and "Add a server…" (a remote server the person adds by hand, remembered in the settings).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from app.chat.events import TurnFinished
from app.chat.remote import RemoteServer
from app.ui.models.model_picker import ModelPicker
from app.ui.panels.inspector_panel import InspectorPanel
from app.ui.panels.stats_panel import STATE_IDLE, StatsPanel
from app.ui.server.api_server_controller import ApiServerController
from app.ui.server.api_server_panel import ApiServerPanel
from app.ui.shell.settings_controller import SettingsController


class ServerWiring(QObject):
    def __init__(
        self,
        api_panel: ApiServerPanel,
        api_server: ApiServerController,
        settings: SettingsController,
        panels: tuple[StatsPanel, InspectorPanel],
        picker: ModelPicker,
        show_status: Callable[[str], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._panel, self._server, self._settings = api_panel, api_server, settings
        self._stats, self._inspector = panels
        self._picker, self._show_status, self._window = picker, show_status, parent
        api_panel.port.setValue(settings.settings.api_server_port)
        api_panel.key.setText(settings.settings.api_server_key)
        api_panel.start_requested.connect(api_server.start)
        api_panel.stop_requested.connect(api_server.stop)
        api_server.running_changed.connect(self._on_api_server_running_changed)
        api_server.request_finished.connect(api_panel.add_record)
        api_server.turn_finished.connect(self._on_api_server_turn_finished)
        picker.add_server_requested.connect(self.open_add_server)

    def _on_api_server_running_changed(self, url: str | None, message: str | None) -> None:
        self._panel.set_running(url, message)
        port, key = self._panel.port.value(), self._panel.key.text().strip()
        current = self._settings.settings
        changed = current.with_changes(
            api_server_enabled=url is not None, api_server_port=port, api_server_key=key
        )
        if changed != current and (url is not None or message is None):
            self._settings.remember(
                api_server_enabled=url is not None, api_server_port=port, api_server_key=key
            )

    def _on_api_server_turn_finished(self, event: TurnFinished) -> None:
        """An API request's figures, shown like a chat turn's (unless a chat turn runs)."""
        if self._stats.state == STATE_IDLE:
            self._stats.turn_finished(event)
        self._inspector.turn_finished(event, [])

    def open_add_server(self) -> None:
        from app.ui.models.add_server_dialog import AddServerDialog

        dialog = AddServerDialog(self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.server_added.connect(self._on_add_server_dialog_server_added)
        dialog.open()  # not exec(): no nested event loop under qasync

    def _on_add_server_dialog_server_added(self, server: RemoteServer) -> None:
        kept = [s for s in self._settings.settings.remote_servers if s.base_url != server.base_url]
        self._settings.remember(remote_servers=(*kept, server))
        self._picker.set_servers(self._settings.settings.remote_servers)
        where = " (its API key is in the settings file)" if server.api_key else ""
        self._show_status(f"Added {server.endpoint.netloc}: {len(server.models)} models{where}")

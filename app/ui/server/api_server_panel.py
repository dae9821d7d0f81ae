"""ApiServerPanel: the "Local API server" switch, port, key, base URL, recent requests.

A thin view: it asks (`*_requested` signals) and ApiServerController answers by calling
`set_running` / `add_record`.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.server import RequestRecord

MAX_ROWS = 100


class ApiServerPanel(QWidget):
    start_requested = Signal(int, str)  # port, API key ("" for none)
    stop_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("api_server_panel")
        self.switch = QCheckBox("Local API server", self)
        self.switch.setObjectName("api_server_switch")
        self.switch.setToolTip("An OpenAI-compatible API on this computer only (127.0.0.1)")
        self.port = QSpinBox(self)
        self.port.setObjectName("api_server_port")
        self.port.setRange(1024, 65535)
        self.port.setValue(8080)
        self.key = QLineEdit(self)
        self.key.setObjectName("api_server_key")
        self.key.setPlaceholderText("optional")
        self.key.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.url = QLineEdit(self)
        self.url.setObjectName("api_server_url")
        self.url.setReadOnly(True)
        self.copy = QPushButton("Copy", self)
        self.copy.setObjectName("api_server_copy")
        self.status = QLabel("Off", self)
        self.status.setObjectName("api_server_status")
        self.status.setWordWrap(True)
        self.requests = QListWidget(self)
        self.requests.setObjectName("api_server_requests")
        for widget, name in (
            (self.switch, "Local API server"),
            (self.port, "API server port"),
            (self.key, "API key"),
            (self.url, "API base URL"),
            (self.copy, "Copy the base URL"),
            (self.requests, "Recent API requests"),
        ):
            widget.setAccessibleName(name)
        self._build()
        self.switch.toggled.connect(self._on_switch_toggled)
        self.copy.clicked.connect(self._on_copy_clicked)
        self.set_running(None)

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow("Port", self.port)
        form.addRow("API key", self.key)
        url_row = QHBoxLayout()
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.copy)
        form.addRow("Base URL", url_row)
        column = QVBoxLayout(self)
        column.addWidget(self.switch)
        column.addLayout(form)
        column.addWidget(self.status)
        column.addWidget(QLabel("Recent requests", self))
        column.addWidget(self.requests, 1)

    def set_running(self, base_url: str | None, message: str | None = None) -> None:
        """Show the server as running at `base_url`, or off (with an optional reason)."""
        running = base_url is not None
        self.switch.blockSignals(True)
        self.switch.setChecked(running)
        self.switch.blockSignals(False)
        self.port.setEnabled(not running)
        self.key.setEnabled(not running)
        self.url.setText(base_url or "")
        self.copy.setEnabled(running)
        self.status.setText(message or (f"Serving at {base_url}" if running else "Off"))

    def add_record(self, record: RequestRecord) -> None:
        stamp = time.strftime("%H:%M:%S", time.localtime(record.started))
        self.requests.insertItem(0, f"{stamp}  {record.summary}")
        while self.requests.count() > MAX_ROWS:
            self.requests.takeItem(self.requests.count() - 1)

    def _on_switch_toggled(self, on: bool) -> None:
        if on:
            self.status.setText("Starting…")
            self.start_requested.emit(self.port.value(), self.key.text().strip())
        else:
            self.stop_requested.emit()

    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.url.text())
        self.status.setText("Base URL copied")

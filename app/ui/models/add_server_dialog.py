"""AddServerDialog: "Add a server…" in the model picker.

The person types a base URL and, if the server wants one, an API key; "List models" asks
the server's /v1/models on a background thread (the window never waits on the network)
and shows the models or a clear reason. "Add" stores the server with its models; the key
goes into the platform keyring, or (none on this computer) into the settings file, which
the dialog says before the person adds it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.chat.remote import Endpoint, EndpointURLError, RemoteServer, normalize_base_url
from app.ui.common.operation import Operation
from app.ui.common.theme import ERROR_COLOR, WARNING_COLOR

Lister = Callable[[str, str], list[str]]  # (base URL, API key) -> model ids
KEY_IN_SETTINGS_NOTE = (
    "No system keyring was found on this computer: an API key you enter is saved in "
    "Hearth's settings file, readable by anyone who can read your files."
)


def list_server_models(base_url: str, api_key: str) -> list[str]:
    from app.engine.remote.client import ServerClient, Timeouts

    client = ServerClient(Endpoint(base_url), api_key, Timeouts(connect_s=5.0, read_s=20.0))
    try:
        return [model.id for model in client.list_models()]
    finally:
        client.close()


def keyring_works() -> bool:
    from app.engine.remote.keys import keyring_available

    return keyring_available()


class AddServerDialog(QDialog):
    server_added = Signal(object)  # RemoteServer, its key already stored
    listed = Signal()  # a listing finished (models or an error shown); tests wait on it

    def __init__(
        self,
        parent: QWidget | None = None,
        lister: Lister = list_server_models,
        has_keyring: Callable[[], bool] = keyring_works,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("add_server_dialog")
        self.setWindowTitle("Add a server")
        self._lister = lister
        self._pending = 0
        self._listed_url: str | None = None
        self._models: list[str] = []
        self.key_in_settings = not has_keyring()
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Chat through an OpenAI-compatible server: llama-server, vLLM, Ollama or another "
            "Hearth started with --serve. Your messages are sent to this server.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.url_edit = QLineEdit(self)
        self.url_edit.setObjectName("server_url")
        self.url_edit.setPlaceholderText("http://192.168.1.20:8080/v1")
        self.url_edit.setAccessibleName("Server address")
        self.key_edit = QLineEdit(self)
        self.key_edit.setObjectName("server_api_key")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("optional")
        self.key_edit.setAccessibleName("API key")
        form.addRow("Address", self.url_edit)
        form.addRow("API key", self.key_edit)
        layout.addLayout(form)
        self.key_note = self._label("server_key_note", KEY_IN_SETTINGS_NOTE, WARNING_COLOR)
        self.key_note.setVisible(self.key_in_settings)
        layout.addWidget(self.key_note)
        self.list_button = QPushButton("List models", self)
        self.list_button.setObjectName("server_list_button")
        self.list_button.clicked.connect(self._on_list_button_clicked)
        layout.addWidget(self.list_button)
        self.status = self._label("server_status", "")
        layout.addWidget(self.status)
        self.model_list = QListWidget(self)
        self.model_list.setObjectName("server_models")
        self.model_list.setAccessibleName("Models on the server")
        layout.addWidget(self.model_list, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.add_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.add_button.setText("Add")
        self.add_button.setObjectName("server_add_button")
        self.add_button.setEnabled(False)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.url_edit.textChanged.connect(self._on_url_edit_text_changed)
        self.resize(480, 380)

    def _label(self, name: str, text: str, color: str = "") -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if color:
            label.setStyleSheet(f"color: {color};")
        return label

    # -- reactions -----------------------------------------------------------------------
    def _on_url_edit_text_changed(self, _text: str) -> None:
        self._listed_url = None
        self.add_button.setEnabled(False)

    def _on_list_button_clicked(self) -> None:
        try:
            url = normalize_base_url(self.url_edit.text())
        except EndpointURLError as error:
            self._show(str(error), ERROR_COLOR)
            self.listed.emit()
            return
        key, lister = self.key_edit.text().strip(), self._lister
        self.model_list.clear()
        self.list_button.setEnabled(False)
        self._show(f"Asking {Endpoint(url).netloc} for its models…")
        self._pending += 1
        ask = self._pending
        Operation(
            parent=self,
            operation=lambda: (url, lister(url, key)),
            success=lambda result: self._on_listed(ask, result, None),
            failure=lambda error: self._on_listed(ask, None, error),
        ).run_in_background(name="hearth-list-models")

    def _on_listed(self, ask: int, result: Any, error: Exception | None) -> None:
        if ask != self._pending:
            return  # an older listing that finished after a newer one was asked
        self.list_button.setEnabled(True)
        if error is not None:
            self._show(str(error) or type(error).__name__, ERROR_COLOR)
        else:
            url, models = result
            self._listed_url, self._models = url, list(models)
            self.model_list.addItems(self._models)
            count = len(self._models)
            self._show(
                f"{count} model{'s' if count != 1 else ''} on {Endpoint(url).netloc}."
                if count
                else "The server answered but lists no models."
            )
            self.add_button.setEnabled(count > 0)
        self.listed.emit()

    def _on_buttons_accepted(self) -> None:
        if self._listed_url is None:
            return
        from app.engine.remote.keys import store_key

        server = RemoteServer(self._listed_url, tuple(self._models))
        self.server_added.emit(store_key(server, self.key_edit.text().strip()))
        self.accept()

    def _show(self, text: str, color: str = "") -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {color};" if color else "")

    def models(self) -> list[str]:
        return list(self._models)

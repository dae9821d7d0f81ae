"""RemoteMark: the line above the composer that says where messages go on a remote model.

"Sent to gpu-box:8080" (the messages leave this computer) or, for a server on loopback,
that it runs on this computer. Hidden for local models.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from app.chat.remote import Endpoint
from app.chat.values import ModelInfo
from app.ui.common.theme import WARNING_COLOR


def mark_text(info: ModelInfo | None) -> str:
    if info is None or not info.is_remote:
        return ""
    endpoint = Endpoint(info.endpoint)
    if endpoint.is_loopback:
        return (
            f"Sent to {endpoint.netloc}, a server on this computer (local): "
            "nothing leaves the machine."
        )
    return f"Sent to {endpoint.netloc}: this conversation's messages leave this computer."


class RemoteMark(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("remote_mark")
        self.setAccessibleName("Where messages are sent")
        self.setWordWrap(True)
        self.hide()

    def set_model(self, info: ModelInfo | None) -> None:
        text = mark_text(info)
        self.setText(text)
        local = info is not None and Endpoint(info.endpoint).is_loopback if text else True
        self.setStyleSheet("" if local else f"color: {WARNING_COLOR}; font-weight: bold;")
        self.setToolTip(info.endpoint if info is not None and text else "")
        self.setVisible(bool(text))

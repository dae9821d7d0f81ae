"""One window per user and data folder: a second `hearth` hands over to the first.

The first instance holds a QLockFile (in the temp folder, named per user and data folder)
and listens on a QLocalServer. A second one finds the lock taken, connects, sends one JSON
line ({"model": path or null}) and exits; the first raises its window and loads the model.
`hearth --cli` takes no part: it never opens the conversation database.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)
CONNECT_MS = 2000
STALE_LOCK_MS = 0  # a lock is stale only when its process is gone (Qt checks the pid)


def instance_key(data_dir: Path) -> str:
    """Per user and per data folder (HEARTH_HOME gives tests and portable installs their own)."""
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    digest = hashlib.sha256(f"{user}:{data_dir.resolve()}".encode()).hexdigest()[:16]
    return f"hearth-{digest}"


def _lock_path(key: str) -> Path:
    return Path(tempfile.gettempdir()) / f"{key}.lock"


class InstanceGuard(QObject):
    """claim() -> True for the first instance; the second calls hand_over() and exits."""

    activation_requested = Signal(str)  # a model path, or "" just to come to the front

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = instance_key(data_dir)
        self._lock = QLockFile(str(_lock_path(self.key)))
        self._lock.setStaleLockTime(STALE_LOCK_MS)
        self._server: QLocalServer | None = None

    def claim(self) -> bool:
        if not self._lock.tryLock(0):
            return False
        QLocalServer.removeServer(self.key)  # a socket left by a crashed instance
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.key):
            log.warning("cannot listen for a second Hearth: %s", server.errorString())
        server.newConnection.connect(self._on_server_new_connection)
        self._server = server
        return True

    def hand_over(self, model: str | None) -> bool:
        """Ask the running instance to come to the front (and load `model`); True if it heard."""
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if not socket.waitForConnected(CONNECT_MS):
            return False
        socket.write((json.dumps({"model": model}) + "\n").encode())
        socket.flush()  # often writes everything at once; then there is nothing to wait for
        while socket.bytesToWrite() > 0:
            if not socket.waitForBytesWritten(CONNECT_MS):
                return False
        socket.disconnectFromServer()
        return True

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()

    def _on_server_new_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            line = bytes(socket.readLine().data()).decode("utf-8", "replace")
            try:
                model = json.loads(line).get("model")
            except (ValueError, AttributeError):
                log.warning("ignoring a malformed message from a second Hearth")
                continue
            self.activation_requested.emit(model if isinstance(model, str) else "")

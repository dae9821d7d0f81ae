"""ApiServerController: runs the API server on the Qt loop (qasync) over the window's runner.

The server shares the window's EngineRunner, so one model serves both; its turns are
background turns (the window's Stop does not end them, and they never end the window's).
Every finished request is shown in the panel and, when it generated, in the stats panel
and the Inspector like a chat turn.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from app.chat.events import TurnFinished
from app.engine.runner import EngineRunner
from app.server import ApiServer, RequestRecord, ServerConfig
from app.ui.server.qt_loop import qt_event_loop

log = logging.getLogger(__name__)


class ApiServerController(QObject):
    request_finished = Signal(object)  # RequestRecord
    turn_finished = Signal(object)  # TurnFinished of a request that generated
    running_changed = Signal(object, object)  # base URL or None, message or None

    def __init__(
        self,
        runner: EngineRunner,
        parent: QObject | None = None,
        loop_factory: Callable[[], asyncio.AbstractEventLoop] = qt_event_loop,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._loop_factory = loop_factory
        self._server: ApiServer | None = None
        self._starting: asyncio.Future[None] | None = None
        self._stopping: asyncio.Future[None] | None = None

    @property
    def server(self) -> ApiServer | None:
        return self._server

    @property
    def base_url(self) -> str | None:
        server = self._server
        return server.base_url if server is not None and server.running else None

    def start(self, port: int, api_key: str) -> None:
        if self._server is not None:
            return
        try:
            server = ApiServer(
                self._runner, ServerConfig(port=port, api_key=api_key or None), self._on_record
            )
        except ValueError as error:
            self.running_changed.emit(None, str(error))
            return
        self._server = server
        self._starting = asyncio.ensure_future(self._start(server), loop=self._loop_factory())

    async def _start(self, server: ApiServer) -> None:
        if self._stopping is not None:
            await self._stopping  # the previous server frees the port first
        try:
            url = await server.start()
        except OSError as error:
            self._server = None
            self.running_changed.emit(None, f"Could not start: {error.strerror or error}")
            return
        self.running_changed.emit(url, None)

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            self._stopping = asyncio.ensure_future(server.stop(), loop=self._loop_factory())
        self.running_changed.emit(None, None)

    async def aclose(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            await server.stop()

    def _on_record(self, record: RequestRecord) -> None:
        self.request_finished.emit(record)
        if record.stats is not None and record.stats.generated_tokens:
            stats = record.stats
            self.turn_finished.emit(TurnFinished(stats.stop_reason, "", stats, record.error))

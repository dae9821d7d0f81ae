"""ApiServer: start and stop the API on the running asyncio loop (Qt's via qasync, or plain)."""

from __future__ import annotations

import logging
import socket

from aiohttp import web

from app.engine.runner import EngineRunner
from app.server.app import create_app
from app.server.config import ServerConfig
from app.server.records import RequestObserver

log = logging.getLogger(__name__)


class ApiServer:
    def __init__(
        self, runner: EngineRunner, config: ServerConfig, observer: RequestObserver | None = None
    ) -> None:
        self.config = config.checked()
        self._app = create_app(runner, self.config, observer)
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def base_url(self) -> str:
        return self.config.base_url(self.port)

    async def start(self) -> str:
        """Listen; returns the base URL. OSError (port in use...) propagates."""
        runner = web.AppRunner(
            self._app,
            access_log=None,
            handle_signals=False,
            keepalive_timeout=self.config.idle_timeout_s,
            lingering_time=1.0,
            shutdown_timeout=2.0,
        )
        await runner.setup()
        sock = socket.socket(
            socket.AF_INET6 if ":" in self.config.host else socket.AF_INET, socket.SOCK_STREAM
        )
        try:
            sock.bind((self.config.host, self.config.port))
            sock.listen(128)
            sock.setblocking(False)
            await web.SockSite(runner, sock).start()
        except BaseException:
            sock.close()
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = int(sock.getsockname()[1])
        log.info("API server listening on %s", self.base_url)
        return self.base_url

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

"""Run the API server for tests: in a thread with its own asyncio loop, or as `hearth --serve`."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import app
from app.chat.values import LoadOptions
from app.engine.protocol import ChatEngine
from app.engine.runner import EngineRunner
from app.server import ApiServer, RequestRecord, ServerConfig

ROOT = Path(app.__file__).resolve().parent.parent


class ThreadServer:
    """ApiServer over `engine_factory`, served from a private loop thread."""

    def __init__(
        self,
        engine_factory: Callable[[], ChatEngine],
        model: str,
        config: ServerConfig | None = None,
        options: LoadOptions | None = None,
    ) -> None:
        self.runner = EngineRunner(engine_factory)
        self.runner.load(model, options or LoadOptions(n_ctx=2048, n_threads=2)).result()
        self.records: list[RequestRecord] = []
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.server = ApiServer(self.runner, config or ServerConfig(port=0), self.records.append)
        self.url = self._call(self.server.start())
        self.port = self.server.port or 0

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(30)

    def stop(self) -> None:
        self._call(self.server.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.runner.shutdown()


class HeadlessServer:
    """`python -m app.main --serve --port 0 ...` in a subprocess; url parsed from its stdout."""

    def __init__(self, home: Path, *args: str) -> None:
        env = dict(os.environ, HEARTH_HOME=str(home), PYTHONPATH=str(ROOT))
        self.log = home / "serve-stderr.log"
        self._stderr = self.log.open("w")  # a file: a full pipe must never block the server
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.main", "--serve", "--port", "0", "--ctx", "4096", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        assert self.process.stdout is not None
        self.banner = self.process.stdout.readline()
        found = re.search(r"(http://\S+/v1)", self.banner)
        if not found:
            self.process.kill()
            self.process.wait(30)
            raise AssertionError(f"no URL in {self.banner!r}: {self.log.read_text()[-3000:]}")
        self.url = found.group(1)
        self.port = int(self.url.rsplit(":", 1)[1].split("/")[0])

    def stop(self) -> int:
        self.process.terminate()
        try:
            return self.process.wait(30)
        finally:
            if self.process.stdout:
                self.process.stdout.close()
            self._stderr.close()


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | str | dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """One raw HTTP request; (status, JSON body, headers)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    if isinstance(body, dict):
        body = json.dumps(body)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    raw = response.read()
    connection.close()
    data = json.loads(raw) if raw.strip() else {}
    return response.status, data, dict(response.getheaders())

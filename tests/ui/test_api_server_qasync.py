"""The API server in-process on the Qt event loop through qasync (as the window runs it),
with the real `openai` client (on a worker thread) and the real default model."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import openai
import pytest

from app.chat.values import LoadOptions
from app.engine.runner import EngineRunner
from app.server import ApiServer, RequestRecord, ServerConfig
from tests.server.openai_checks import ALL_CHECKS

pytestmark = [pytest.mark.model, pytest.mark.slow]


class QtLoopServer:
    def __init__(self, qapp: Any, model: Path, home: Path) -> None:
        from app.engine.llama_engine import LlamaEngine
        from app.ui.server.qt_loop import qt_event_loop

        self.loop = qt_event_loop()  # the window's loop: Qt's, with asyncio on it
        self.threads = ThreadPoolExecutor(1, thread_name_prefix="openai-client")
        self.runner = EngineRunner(lambda: LlamaEngine(kv_dir=home / "kv"))
        self.runner.load(str(model), LoadOptions(n_ctx=4096, n_threads=2)).result()
        self.records: list[RequestRecord] = []
        self.server = ApiServer(self.runner, ServerConfig(port=0), self.records.append)
        self.url = self.loop.run_until_complete(self.server.start())

    def run(self, work: Callable[[], Any]) -> Any:
        """Run blocking client `work` on a thread while the Qt loop serves."""
        return self.loop.run_until_complete(self.loop.run_in_executor(self.threads, work))

    def close(self) -> None:
        self.loop.run_until_complete(self.server.stop())
        self.runner.shutdown()
        self.threads.shutdown()


@pytest.fixture(scope="module")
def qt_server(
    qapp: Any, default_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[QtLoopServer]:
    server = QtLoopServer(qapp, default_model, tmp_path_factory.mktemp("qt-serve"))
    yield server
    server.close()


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: c.__name__)
def test_openai_client_against_the_server_on_the_qt_loop(
    qt_server: QtLoopServer, check: Callable[[openai.OpenAI], None]
) -> None:
    def work() -> None:
        with openai.OpenAI(base_url=qt_server.url, api_key="x", max_retries=0) as client:
            check(client)

    before = len(qt_server.records)
    qt_server.run(work)
    assert len(qt_server.records) > before, "every request is recorded for the window"


def test_a_client_leaving_mid_stream_stops_the_real_model_within_a_few_tokens(
    qt_server: QtLoopServer,
) -> None:
    import json
    import socket

    body = json.dumps(
        {
            "messages": [{"role": "user", "content": "Count from 1 to 500, one per line."}],
            "max_tokens": 1000,
            "temperature": 0,
            "stream": True,
        }
    ).encode()

    def work() -> None:
        sock = socket.create_connection(("127.0.0.1", int(qt_server.url.rsplit(":", 1)[1][:-3])))
        sock.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        received = b""
        while received.count(b"data: ") < 6:
            received += sock.recv(4096)
        sock.close()

    qt_server.run(work)
    qt_server.run(lambda: qt_server.runner.submit(lambda e: None).result(60))
    qt_server.run(lambda: __import__("time").sleep(0.5))  # the loop records the request
    last = qt_server.records[-1]
    assert last.status == 499 and last.stats is not None
    assert last.stats.stop_reason == "cancelled"
    assert last.stats.generated_tokens <= 20, last.stats.generated_tokens

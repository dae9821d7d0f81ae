"""The window's "Local API server" switch: it serves the API on the Qt loop (qasync) over
the window's own runner, lists requests, and a window turn and an API request share the
engine without stopping each other."""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from app.engine.fake import FakeEngine
from app.ui.server.qt_loop import qt_event_loop
from tests.ui.window_helpers import Built, WindowFactory


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


THREADS = ThreadPoolExecutor(2, thread_name_prefix="api-client")


def _run(work: Callable[[], Any]) -> Any:
    """Run blocking `work` on a thread while the Qt loop (and the server on it) runs."""
    loop = qt_event_loop()
    return loop.run_until_complete(loop.run_in_executor(THREADS, work))


def _until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    async def wait() -> None:
        async with asyncio.timeout(timeout):
            while not condition():
                await asyncio.sleep(0.02)

    qt_event_loop().run_until_complete(wait())


def _post(port: int, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", "/v1/chat/completions", json.dumps(body))
    response = connection.getresponse()
    data = json.loads(response.read())
    connection.close()
    return response.status, data


def _ask(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text}]}


def _switch_on(built: Built) -> int:
    panel = built.window.api_panel
    panel.port.setValue(_free_port())
    panel.switch.setChecked(True)
    _until(lambda: built.window.api_server.base_url is not None)
    return panel.port.value()


def test_the_switch_serves_the_api_lists_requests_and_turns_off(
    make_window: WindowFactory,
) -> None:
    built = make_window()
    panel = built.window.api_panel
    assert not panel.switch.isChecked() and panel.url.text() == "", "off by default"
    port = _switch_on(built)
    assert panel.url.text() == f"http://127.0.0.1:{port}/v1"
    assert built.saved_settings[-1].api_server_enabled
    assert built.saved_settings[-1].api_server_port == port
    status, data = _run(lambda: _post(port, {"messages": [{"role": "user", "content": "hi"}]}))
    assert status == 200 and data["choices"][0]["message"]["content"] == "You said: hi"
    _until(lambda: panel.requests.count() == 1)
    assert "POST /v1/chat/completions -> 200" in panel.requests.item(0).text()
    last = built.window.stats_panel.last_stats
    assert last is not None and last.generated_tokens == data["usage"]["completion_tokens"]
    panel.copy.click()
    assert QApplication.clipboard().text() == panel.url.text()
    panel.switch.setChecked(False)
    _until(lambda: built.window.api_server._stopping is not None)
    qt_event_loop().run_until_complete(built.window.api_server._stopping)
    assert panel.url.text() == "" and not built.saved_settings[-1].api_server_enabled
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_a_busy_port_is_reported_and_the_switch_stays_off(make_window: WindowFactory) -> None:
    built = make_window()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        panel = built.window.api_panel
        panel.port.setValue(taken.getsockname()[1])
        panel.switch.setChecked(True)
        _until(lambda: "Could not start" in panel.status.text())
    assert not panel.switch.isChecked() and built.window.api_server.base_url is None


def test_window_stop_does_not_end_an_api_request_and_both_complete(
    make_window: WindowFactory,
) -> None:
    words = " ".join(f"w{i}" for i in range(60))
    built = make_window(engine=FakeEngine(reply=lambda m: words, token_delay=0.01))
    port = _switch_on(built)
    window = built.window
    results: list[tuple[int, dict[str, Any]]] = []
    loop = qt_event_loop()
    api = loop.run_in_executor(
        THREADS,
        lambda: results.append(_post(port, {"messages": [{"role": "user", "content": "x"}]})),
    )
    window.chat.send("hello from the window")
    _until(lambda: window.stats_panel.state != "idle")
    window.chat.stop()  # the window's Stop: ends the window's turn only
    loop.run_until_complete(api)
    _until(lambda: window.stats_panel.state == "idle")
    ((status, data),) = results
    assert status == 200
    assert data["choices"][0]["message"]["content"] == words, "the API reply is whole"
    assert data["choices"][0]["finish_reason"] == "stop"
    api_again = loop.run_in_executor(
        THREADS,
        lambda: results.append(_post(port, {"messages": [{"role": "user", "content": "y"}]})),
    )
    window.chat.send("and again")  # queued with an API request: both complete
    loop.run_until_complete(api_again)
    _until(lambda: window.stats_panel.state == "idle" and built.messages()[-1].content == words)
    assert built.messages()[-1].role == "assistant", "the window's turn completed"
    assert results[-1][0] == 200
    assert results[-1][1]["choices"][0]["message"]["content"] == words

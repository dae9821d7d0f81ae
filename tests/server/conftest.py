"""Servers shared per module: one fake-engine server, one headless real-model server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.engine.fake import FakeEngine
from app.server import ServerConfig
from tests.server.server_helpers import HeadlessServer, ThreadServer


def long_reply(messages: object) -> str:
    return " ".join(f"word{i}" for i in range(400))


@pytest.fixture(scope="module")
def fake_server() -> Iterator[ThreadServer]:
    server = ThreadServer(
        lambda: FakeEngine(token_delay=0.002),
        "/models/fake-model.gguf",
        ServerConfig(port=0, max_body_bytes=1 << 20, cors_origins=("http://allowed.example",)),
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def headless(default_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`hearth --serve` on the default model; its base URL."""
    server = HeadlessServer(tmp_path_factory.mktemp("serve-home"), "--model", str(default_model))
    yield server.url
    assert server.stop() == 0, "the server exits cleanly on SIGTERM"

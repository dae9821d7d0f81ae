"""The remote engine against real OpenAI-compatible servers on 127.0.0.1: Hearth's own API
server (in-process over the FakeEngine, and `hearth --serve` on the real default model) and
llama-cpp-python's `python -m llama_cpp.server` on the real default model."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.chat.events import TokensReceived, TurnFinished
from app.chat.values import GenerationParams, LoadOptions, Message
from app.engine.fake import FakeEngine
from app.engine.remote.client import Timeouts
from app.engine.remote.remote_engine import RemoteEngine
from app.settings import Settings
from app.ui.common.format import UNKNOWN
from tests.remote.remote_helpers import FAST, LOCAL_KEYS, hearth_cli, json_lines
from tests.remote.remote_window import activate, add_server
from tests.server.server_helpers import HeadlessServer, ThreadServer
from tests.ui.window_helpers import send

ASK = [Message("system", "Answer in one short sentence."), Message("user", "What is a cat?")]
GREEDY = GenerationParams(temperature=0.0, top_k=1, max_tokens=24, seed=7)


def chat(engine: RemoteEngine, cancel: threading.Event | None = None) -> list[object]:
    return list(engine.chat("c", ASK, GREEDY, cancel or threading.Event()))


@pytest.fixture
def hearth_fake_server() -> Iterator[ThreadServer]:
    server = ThreadServer(lambda: FakeEngine(token_delay=0.002), "/models/fake-model.gguf")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def hearth_serve(default_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = HeadlessServer(tmp_path_factory.mktemp("serve-home"), "--model", str(default_model))
    yield server.url
    assert server.stop() == 0


def test_hearths_own_server_reports_every_figure(hearth_fake_server: ThreadServer) -> None:
    engine = RemoteEngine(timeouts=FAST)
    info = engine.load(hearth_fake_server.url, LoadOptions())
    assert info.is_remote and info.backend.endswith("(a server on this computer)")
    finished = chat(engine)[-1]
    assert isinstance(finished, TurnFinished) and finished.error is None
    assert finished.text == "You said: What is a cat?"
    stats = finished.stats
    assert stats.unknown == () or set(stats.unknown) <= {"context_size", "context_used"}
    assert stats.generated_tokens == 6 and stats.source("generated_tokens") == "server usage"
    assert stats.source("prefill_s") == "server timings"


@pytest.mark.model
@pytest.mark.slow
def test_hearth_serve_on_the_real_model(hearth_serve: str) -> None:
    engine = RemoteEngine()
    engine.load(hearth_serve, LoadOptions())
    first, second = chat(engine)[-1], chat(engine)[-1]
    for finished in (first, second):
        assert isinstance(finished, TurnFinished) and finished.error is None and finished.text
        assert finished.stats.generated_tokens > 0 and finished.stats.decode_tps > 0
        assert finished.stats.source("decode_tps") == "server timings"
    assert second.stats.figure("cached_tokens") is not None  # type: ignore[union-attr]
    assert second.text == first.text, "greedy with a seed: the same answer"  # type: ignore[union-attr]


@pytest.mark.model
@pytest.mark.slow
def test_llama_cpp_server_chat_stop_and_honest_unknowns(llama_cpp_server: str) -> None:
    engine = RemoteEngine()
    info = engine.load(f"{llama_cpp_server}#smollm", LoadOptions())
    assert info.name == "smollm" and info.context_size == 0, "it does not say its context"
    events = chat(engine)
    finished = events[-1]
    assert isinstance(finished, TurnFinished) and finished.error is None
    assert finished.text and finished.text == "".join(
        e.text for e in events if isinstance(e, TokensReceived)
    )
    stats = finished.stats
    assert stats.ttft_s > 0 and stats.source("ttft_s") == "client clock"
    if stats.figure("generated_tokens") is None:  # it sends no usage while streaming
        assert stats.as_json()["generated_tokens"] is None and stats.figure("decode_tps") is None
    else:
        assert stats.source("generated_tokens") == "server usage"
    cancel, seen = threading.Event(), []
    for event in engine.chat("c", ASK, GenerationParams(max_tokens=200), cancel):
        if isinstance(event, TokensReceived):
            seen.append(event.text)
            cancel.set()
        last = event
    assert isinstance(last, TurnFinished) and last.reason == "cancelled" and seen
    assert chat(engine)[-1].text == finished.text, "the server serves the next turn normally"  # type: ignore[attr-defined]


@pytest.mark.model
@pytest.mark.slow
def test_the_cli_through_llama_cpp_server(llama_cpp_server: str) -> None:
    done = hearth_cli(
        "--json", "--endpoint", llama_cpp_server, "--endpoint-model", "smollm",
        "--max-tokens", "16", "--temperature", "0", stdin="What is a cat?\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    (stats,) = json_lines(done.stdout)
    assert set(stats) == LOCAL_KEYS and stats["stop_reason"] in ("stop", "length")
    assert json.dumps(stats)  # plain JSON, nulls for what is unknown


@pytest.mark.model
@pytest.mark.slow
def test_the_window_adds_llama_cpp_server_and_chats_through_it(
    qtbot: QtBot, make_remote_window: Any, llama_cpp_server: str
) -> None:
    built = make_remote_window(Settings(generation=GREEDY), Timeouts(connect_s=5, read_s=60))
    window = built.window
    dialog = add_server(qtbot, window, llama_cpp_server)
    assert dialog.models() == ["smollm"]
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    activate(qtbot, window, f"{llama_cpp_server}#smollm", timeout_ms=30_000)
    assert window.remote_mark.isVisible() and "Sent to 127.0.0.1:" in window.remote_mark.text()
    send(qtbot, window, "What is a cat?", timeout_ms=120_000)
    reply = built.messages()[-1]
    assert reply.role == "assistant" and reply.content and reply.complete
    ttft = window.stats_panel.findChild(object, "stat_ttft").text()
    assert ttft.endswith(" · here") and ttft != UNKNOWN

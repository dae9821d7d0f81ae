"""Every bad-server case through the real runner, session and SQLite store: a clear
message, the partial reply kept and marked incomplete, and the engine thread free again."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.chat.values import LoadOptions
from app.engine.errors import ModelLoadError
from app.engine.fake import FakeEngine
from app.engine.remote.remote_engine import RemoteEngine
from app.engine.remote.switching import SwitchingEngine
from app.engine.runner import EngineRunner
from app.session import ChatSession
from app.settings import Settings
from app.store import ChatStore
from tests.faults.live_session import TurnResult
from tests.remote.openai_server import REPLY, Server
from tests.remote.remote_helpers import FAST, free_port

# model -> (what the message says, the partial reply that must be kept)
CASES = {
    "500": ("failed (HTTP 500): CUDA out of memory", ""),
    "html": (
        "does not look like an OpenAI-compatible server: it answered a chat request with text/html",
        "",
    ),
    "cut": ("closed in the middle of the reply; the part that arrived is kept", "Half a reply"),
    "never": ("accepted the request but sent nothing for 1 s", ""),
    "stall": ("stopped sending in the middle of the reply (nothing for 1 s)", "Two words"),
    "latin1": ("sent bytes that are not UTF-8 text", "Caf"),
    "notjson": ("sent something that is not JSON: '<html>Bad gateway</html>'", "Some"),
}


@pytest.fixture
def parts(server: Server, tmp_path: Path) -> Iterator[tuple[EngineRunner, ChatSession, ChatStore]]:
    runner = EngineRunner(lambda: SwitchingEngine(FakeEngine, lambda: RemoteEngine(timeouts=FAST)))
    store = ChatStore(tmp_path / "chats.sqlite3")
    session = ChatSession(store, runner, Settings(system_prompt="Be brief."))
    yield runner, session, store
    session.close()
    runner.shutdown(timeout=5)
    store.close()


def send(session: ChatSession, text: str) -> TurnResult:
    stream = session.send(text)
    assert stream.wait(15), "the turn must end, whatever the server does"
    return TurnResult(session.pump())


@pytest.mark.parametrize("model", sorted(CASES))
def test_a_bad_server_gives_a_clear_message_and_keeps_the_partial_reply(
    parts: tuple[EngineRunner, ChatSession, ChatStore], server: Server, model: str
) -> None:
    runner, session, store = parts
    runner.load(server.model_path(model), LoadOptions()).result(timeout=10)
    session.new_conversation()
    started = time.monotonic()
    turn = send(session, "Hello")
    message, partial = CASES[model]
    assert turn.error is not None and message in turn.error, turn.error
    assert f"127.0.0.1:{server.port}" in turn.error, "the message names the server"
    stored = store.messages(session.conversation_id or "")
    replies = [m for m in stored if m.role == "assistant"]
    if partial:
        assert [(m.content, m.complete) for m in replies] == [(partial, False)]
    else:
        assert replies == []
    assert stored[-1].role == "notice" and message in stored[-1].content
    assert time.monotonic() - started < 10
    # the engine thread is free: the next turn on a good model works at once
    runner.load(server.model_path("good"), LoadOptions()).result(timeout=10)
    assert send(session, "Again").text == REPLY


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("http://127.0.0.1:{closed}/v1#good", "Cannot reach the server at 127.0.0.1:{closed}"),
        ("{base}/models-are-elsewhere#good", "no OpenAI-compatible API at"),
        ("{base}#gpt-9", "does not offer the model 'gpt-9'"),
    ],
)
def test_a_server_that_cannot_serve_keeps_the_previous_model(
    parts: tuple[EngineRunner, ChatSession, ChatStore], server: Server, path: str, message: str
) -> None:
    runner, _session, _store = parts
    runner.load("/models/local.gguf", LoadOptions()).result(timeout=10)
    closed = free_port()
    target = path.format(closed=closed, base=server.base_url)
    with pytest.raises(ModelLoadError) as caught:
        runner.load(target, LoadOptions()).result(timeout=10)
    assert message.format(closed=closed) in str(caught.value)
    info = runner.submit(lambda engine: engine.info).result(timeout=5)
    assert info is not None and info.path == "/models/local.gguf"


def test_a_404_model_during_a_chat_is_named(
    parts: tuple[EngineRunner, ChatSession, ChatStore], server: Server
) -> None:
    """The model disappeared from the server after it was loaded (e.g. Ollama unloaded it)."""
    runner, session, _store = parts
    runner.load(server.model_path("good"), LoadOptions()).result(timeout=10)
    server.models = ("plain",)
    session.new_conversation()
    turn = send(session, "Hello")
    assert turn.error is not None
    assert "does not offer the model 'good' (HTTP 404: model 'good' not found)" in turn.error

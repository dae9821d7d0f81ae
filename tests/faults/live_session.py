"""A ChatSession over the real engine and a real store, driven synchronously (no Qt)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from app import paths
from app.chat.events import PromptEvaluated
from app.chat.values import GenerationParams, LoadOptions
from app.engine.runner import EngineRunner
from app.session import ChatSession, ReplySaved
from app.settings import Settings
from app.store import ChatStore
from tests.values_factory import GREEDY

SYSTEM_PROMPT = "You are Hearth, a concise assistant. Answer in one short sentence."
GREEDY_SHORT = replace(GREEDY, max_tokens=24)  # one short sentence


def make_engine() -> Any:
    from app.engine.llama_engine import LlamaEngine

    return LlamaEngine()


@contextmanager
def live_session(
    model: Path, n_ctx: int = 512, params: GenerationParams = GREEDY_SHORT
) -> Iterator[tuple[ChatSession, EngineRunner, ChatStore]]:
    """A session with the default model loaded; closes store and runner on the way out."""
    runner = EngineRunner(make_engine)
    store = ChatStore(paths.database_path())
    settings = Settings(system_prompt=SYSTEM_PROMPT, generation=params)
    settings = replace(settings, load=LoadOptions(n_ctx=n_ctx, n_threads=2))
    try:
        runner.load(str(model), settings.load).result(timeout=120)
        session = ChatSession(store, runner, settings)
        session.model_path = str(model)
        yield session, runner, store
        session.close()
    finally:
        runner.shutdown(timeout=30)
        store.close()


class TurnResult:
    """What one turn produced, as the session saw it."""

    def __init__(self, events: list[Any]) -> None:
        self.events = events
        saved = [e for e in events if isinstance(e, ReplySaved)]
        assert len(saved) == 1, events
        self.saved: ReplySaved = saved[0]
        self.prompt = next((e for e in events if isinstance(e, PromptEvaluated)), None)

    @property
    def text(self) -> str:
        return self.saved.finished.text

    @property
    def error(self) -> str | None:
        return self.saved.finished.error


def send_and_wait(session: ChatSession, text: str, timeout: float = 120) -> TurnResult:
    stream = session.send(text)
    assert stream.wait(timeout), "the reply did not finish"
    return TurnResult(session.pump())

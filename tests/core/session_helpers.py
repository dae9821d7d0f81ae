"""Helpers for the ChatSession tests: a runner fed by hand, a clock (fixtures: conftest.py)."""

from __future__ import annotations

from collections.abc import Sequence

from app.chat.events import PromptEvaluated, TurnFinished
from app.chat.values import GenerationParams, Message
from app.engine.runner import TurnStream, empty_finish
from app.store import StoredMessage


class ManualRunner:
    """Hands out streams the test feeds by hand."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[Message], GenerationParams]] = []
        self.streams: list[TurnStream] = []

    def chat(
        self, conversation_id: str, messages: Sequence[Message], params: GenerationParams
    ) -> TurnStream:
        self.calls.append((conversation_id, list(messages), params))
        stream = TurnStream(conversation_id)
        self.streams.append(stream)
        return stream


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def finished(reason: str, text: str, error: str | None = None) -> TurnFinished:
    return empty_finish(reason, text, error, 2048)  # type: ignore[arg-type]


def evaluated(dropped: int = 0) -> PromptEvaluated:
    return PromptEvaluated(10, 0, 10, 0.01, dropped, 2048)


def roles(messages: Sequence[StoredMessage]) -> list[tuple[str, str, bool]]:
    return [(m.role, m.content, m.complete) for m in messages]

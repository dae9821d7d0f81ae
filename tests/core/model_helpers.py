"""Helpers for tests that run the real default model."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from app.chat.events import PromptEvaluated, TokensReceived, TurnEvent, TurnFinished
from app.chat.values import GenerationParams, Message
from app.engine.llama_engine import LlamaEngine
from tests.values_factory import GREEDY

SYSTEM = Message("system", "You are a helpful assistant.")


class Turn:
    def __init__(self, events: list[TurnEvent]) -> None:
        self.events = events
        self.prompt = next(e for e in events if isinstance(e, PromptEvaluated))
        self.deltas = [e for e in events if isinstance(e, TokensReceived)]
        self.finished = events[-1]
        assert isinstance(self.finished, TurnFinished)
        self.text = self.finished.text
        self.stats = self.finished.stats


def run_turn(
    engine: LlamaEngine,
    conversation: str,
    messages: Sequence[Message],
    params: GenerationParams = GREEDY,
    cancel: threading.Event | None = None,
) -> Turn:
    return Turn(list(engine.chat(conversation, messages, params, cancel or threading.Event())))


def converse(
    engine: LlamaEngine,
    conversation: str,
    questions: Sequence[str],
    params: GenerationParams = GREEDY,
) -> tuple[list[Message], list[Turn]]:
    history = [SYSTEM]
    turns = []
    for question in questions:
        history.append(Message("user", question))
        turn = run_turn(engine, conversation, history, params)
        history.append(Message("assistant", turn.text))
        turns.append(turn)
    return history, turns

"""Reading a prompt into the KV cache one batch at a time, so a long one shows progress
and can be stopped (llama.cpp cannot abort inside a batch)."""

from __future__ import annotations

import threading
from collections.abc import Generator
from typing import Any

from app.chat.events import PromptProgress
from app.engine.llama_internals import batch_size, evaluate
from app.engine.turn_stats import TurnClock


def read_prompt(
    llm: Any, todo: list[int], cancel: threading.Event, clock: TurnClock, last_alone: bool = False
) -> Generator[PromptProgress, None, bool]:
    """Evaluate the prompt's new tokens one batch at a time; False if stopped.

    A prompt longer than one batch reports PromptProgress before and between batches,
    and Stop is honoured between them. A prompt of one batch behaves as before: no
    progress, and Stop takes effect at the first token.
    `last_alone`: the last token is decoded in a batch of its own (see llama_engine: a seed
    must give the same reply whether or not the rest of the prompt was cached).
    """
    step = batch_size(llm)
    shown = len(todo) > step
    body = todo[:-1] if last_alone and len(todo) > 1 else todo
    if shown:
        yield PromptProgress(0, len(todo), clock.prefill_s)
    for start in range(0, len(body), step):
        if start and cancel.is_set():
            return False
        evaluate(llm, body[start : start + step])
        done = min(len(body), start + step)
        if shown and done < len(todo) and done % step == 0:
            yield PromptProgress(done, len(todo), clock.prefill_s)
    if len(body) < len(todo):
        evaluate(llm, todo[len(body) :])
    return True

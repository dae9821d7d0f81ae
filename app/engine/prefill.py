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
    llm: Any, todo: list[int], cancel: threading.Event, clock: TurnClock
) -> Generator[PromptProgress, None, bool]:
    """Evaluate the prompt's new tokens one batch at a time; False if stopped.

    A prompt longer than one batch reports PromptProgress before and between batches,
    and Stop is honoured between them. A prompt of one batch behaves as before: no
    progress, and Stop takes effect at the first token.
    """
    step = batch_size(llm)
    shown = len(todo) > step
    if shown:
        yield PromptProgress(0, len(todo), clock.prefill_s)
    for start in range(0, len(todo), step):
        if start and cancel.is_set():
            return False
        evaluate(llm, todo[start : start + step])
        done = min(len(todo), start + step)
        if shown and done < len(todo):
            yield PromptProgress(done, len(todo), clock.prefill_s)
    return True

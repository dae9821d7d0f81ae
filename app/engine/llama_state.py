"""Copy one conversation's KV cache out of llama.cpp and back (sequence 0 only).

Cheaper than `Llama.save_state()`, which also copies an n_batch x n_vocab logits array.
"""

from __future__ import annotations

import ctypes
from typing import Any


def snapshot_sequence(llm: Any) -> bytes:
    import llama_cpp

    size = int(llama_cpp.llama_state_seq_get_size(llm.ctx, 0))
    buffer = (ctypes.c_uint8 * size)()
    written = int(llama_cpp.llama_state_seq_get_data(llm.ctx, buffer, size, 0))
    return bytes(memoryview(buffer)[:written])


def clear_cache(llm: Any) -> None:
    import llama_cpp

    memory = llama_cpp.llama_get_memory(llm.ctx)
    if memory is not None:
        llama_cpp.llama_memory_clear(memory, True)
    llm.reset()


def restore_sequence(llm: Any, state: bytes, tokens: list[int]) -> bool:
    """Load `state` (made from `tokens`) into the context. False (and a clean cache) on failure."""
    import llama_cpp

    clear_cache(llm)
    if not tokens or len(tokens) >= llm.n_ctx():
        return False
    buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
    if int(llama_cpp.llama_state_seq_set_data(llm.ctx, buffer, len(state), 0)) == 0:
        clear_cache(llm)
        return False
    llm.input_ids[: len(tokens)] = tokens
    llm.n_tokens = len(tokens)
    llm._requires_eval = True  # restored KV has no live logits: generate re-decodes one token
    return True


def reusable_prefix(llm: Any, prompt: list[int]) -> int:
    """How many prompt tokens llama.cpp will take from the KV cache (as generate() does)."""
    import numpy as np

    held = int(llm.n_tokens)
    n = min(held, len(prompt))
    if n == 0:
        return 0
    differ = np.nonzero(llm.input_ids[:n] != np.asarray(prompt[:n]))[0]
    common = int(differ[0]) if len(differ) else n
    if common == len(prompt):
        exact = held == len(prompt) and not getattr(llm, "_requires_eval", True)
        return common if exact else common - 1
    return common

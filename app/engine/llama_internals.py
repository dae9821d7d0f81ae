"""Every use of llama-cpp-python's internals, in one place (pinned: 0.3.36).

The engine relies on behaviour the bindings do not promise: `Llama`'s private token
bookkeeping (`input_ids`, `n_tokens`, `_requires_eval`, `_ctx`), the prefix match inside
`Llama.generate()`, the `llama_memory_*` / `llama_state_seq_*` C calls on its context, and
the model parameters `Llama.__init__` builds (to pass llama.cpp's load progress callback,
which the constructor does not expose). Nothing else in Hearth touches them.

`tests/core/test_llama_internals.py` checks each assumption on the real default model; when
an upgrade changes one, that test fails and this file is the one to fix.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

PINNED_VERSION = "0.3.36"
LoadProgress = Callable[[float], bool]  # fraction 0..1 -> keep loading?

log = logging.getLogger(__name__)
# `open_model` swaps a module attribute for the duration of one construction: serialise them.
_construct = threading.Lock()


def version() -> str:
    import llama_cpp

    return str(llama_cpp.__version__)


# -- opening ------------------------------------------------------------------------
def open_model(path: str, progress: LoadProgress | None = None, **kwargs: Any) -> Any:
    """Construct `llama_cpp.Llama(model_path=path, **kwargs)`, reporting load progress.

    `progress(fraction)` runs on the calling thread while llama.cpp reads the weights;
    returning False aborts the load (the constructor then raises ValueError). 0.3.36's
    constructor has no parameter for it, so the default model parameters it starts from
    are wrapped for this one call.
    """
    import llama_cpp
    import llama_cpp.llama_cpp as low

    if progress is None:
        with _construct:
            return llama_cpp.Llama(model_path=path, **kwargs)
    callback = _c_progress(progress)
    original = low.llama_model_default_params

    def params_with_progress() -> Any:
        params = original()
        params.progress_callback = callback
        return params

    with _construct:
        low.llama_model_default_params = params_with_progress
        try:
            llm: Any = llama_cpp.Llama(model_path=path, **kwargs)
        finally:
            low.llama_model_default_params = original
    llm._hearth_progress_callback = callback  # model_params points at it: keep it alive
    return llm


def _c_progress(progress: LoadProgress) -> Any:
    import llama_cpp

    def call(fraction: float, _user_data: Any) -> bool:
        try:
            return bool(progress(float(fraction)))
        except Exception:  # an exception must not cross into C (ctypes would abort the load)
            log.exception("load progress callback failed")
            return True

    return llama_cpp.llama_progress_callback(call)


class VocabOnly:
    """A model's tokenizer without its weights: for counting tokens off the engine thread."""

    def __init__(self, path: str) -> None:
        import llama_cpp
        import llama_cpp._internals as internals

        params = llama_cpp.llama_model_default_params()
        params.vocab_only = True
        with _construct:
            self._model: Any = internals.LlamaModel(path_model=path, params=params, verbose=False)
        self.path = path

    def count(self, text: str) -> int:
        if not text:
            return 0
        return len(self._model.tokenize(text.encode("utf-8"), False, False))

    def close(self) -> None:
        self._model.close()


# -- the tokens the KV cache holds ----------------------------------------------------
def cached_count(llm: Any) -> int:
    """How many tokens the context holds (positions 0..n-1 of sequence 0)."""
    return int(llm.n_tokens)


def cached_tokens_equal(llm: Any, tokens: Sequence[int]) -> bool:
    """True when the context's first len(tokens) tokens are exactly `tokens`."""
    import numpy as np

    n = len(tokens)
    return n <= cached_count(llm) and bool(
        np.array_equal(llm.input_ids[:n], np.asarray(tokens, dtype=llm.input_ids.dtype))
    )


def reusable_prefix(llm: Any, prompt: Sequence[int]) -> int:
    """How many prompt tokens `Llama.generate()` will take from the KV cache.

    Its rule: the longest common prefix of the held tokens and the prompt; when the prompt
    is entirely held, one token is decoded again (for fresh logits) unless the held tokens
    are exactly the prompt and their logits come from a live decode (`_requires_eval`).
    """
    import numpy as np

    held = cached_count(llm)
    n = min(held, len(prompt))
    if n == 0:
        return 0
    differ = np.nonzero(llm.input_ids[:n] != np.asarray(prompt[:n]))[0]
    common = int(differ[0]) if len(differ) else n
    if common == len(prompt):
        exact = held == len(prompt) and not getattr(llm, "_requires_eval", True)
        return common if exact else common - 1
    return common


def keep_prefix(llm: Any, prompt: Sequence[int]) -> int:
    """Trim the KV cache to the part of `prompt` it can reuse, as `generate()` would.

    Returns the number of tokens kept. Afterwards `evaluate(llm, prompt[kept:])` and then
    `llm.generate(prompt)` samples at once: `generate` sees its exact-hit case.
    """
    reuse = reusable_prefix(llm, prompt)
    if reuse == len(prompt):
        return reuse  # exact hit with live logits: nothing to evaluate
    if reuse > 0 and llm._ctx.kv_cache_seq_rm(-1, reuse, -1):
        llm.n_tokens = reuse
        llm._requires_eval = True
        return reuse
    llm.reset()
    return 0


def batch_size(llm: Any) -> int:
    return int(llm.n_batch)


def evaluate(llm: Any, tokens: Sequence[int]) -> None:
    """Decode `tokens` after the ones held (one `llama_decode` per n_batch tokens)."""
    llm.eval(list(tokens))


# -- context shift ---------------------------------------------------------------------
def cut_cache(llm: Any, start: int, end: int) -> bool:
    """Remove KV positions [start, end) and shift the rest back. False if not possible."""
    import llama_cpp

    held = cached_count(llm)
    if not 0 < start < end <= held:
        return False
    memory = llama_cpp.llama_get_memory(llm.ctx)
    if memory is None or not llama_cpp.llama_memory_can_shift(memory):
        return False
    if not llama_cpp.llama_memory_seq_rm(memory, 0, start, end):
        return False
    removed = end - start
    llama_cpp.llama_memory_seq_add(memory, 0, end, -1, -removed)
    llm.input_ids[start : held - removed] = llm.input_ids[end:held].copy()
    llm.n_tokens = held - removed
    llm._requires_eval = True  # logits belong to the old last position: decode again
    return True


# -- KV state of one conversation (sequence 0) -------------------------------------------
def snapshot_sequence(llm: Any) -> bytes:
    """Sequence 0's KV state; cheaper than `Llama.save_state()` (no n_batch x n_vocab logits)."""
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


# -- facts about the loaded model -------------------------------------------------------
def model_facts(llm: Any) -> tuple[str, int, int]:
    """(llama.cpp's one-line description, parameter count, trained context length)."""
    import llama_cpp

    buffer = ctypes.create_string_buffer(256)
    llama_cpp.llama_model_desc(llm.model, buffer, 256)
    return (
        buffer.value.decode("utf-8", errors="replace"),
        int(llama_cpp.llama_model_n_params(llm.model)),
        int(llama_cpp.llama_model_n_ctx_train(llm.model)),
    )

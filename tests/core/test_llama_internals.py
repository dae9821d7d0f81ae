"""What Hearth assumes about llama-cpp-python's internals, checked on the real default model.

If one of these fails after an upgrade, fix app/engine/llama_internals.py (and only it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.engine import llama_internals as li

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def llm(default_model: Path) -> Iterator[Any]:
    model = li.open_model(str(default_model), n_ctx=512, n_batch=64, n_ubatch=64, verbose=False)
    yield model
    model.close()


def _tokens(llm: Any, text: str) -> list[int]:
    return list(llm.tokenize(text.encode(), add_bos=False, special=True))


def _prompt_evals(llm: Any) -> int:
    import llama_cpp

    return int(llama_cpp.llama_perf_context(llm.ctx).n_p_eval)


def _reset_perf(llm: Any) -> None:
    import llama_cpp

    llama_cpp.llama_perf_context_reset(llm.ctx)


def test_the_pinned_version_is_installed() -> None:
    assert li.version() == li.PINNED_VERSION


def test_llama_keeps_the_token_bookkeeping_the_engine_reads(llm: Any) -> None:
    llm.reset()
    assert li.cached_count(llm) == 0 and llm._requires_eval is True
    assert isinstance(llm.input_ids, np.ndarray) and len(llm.input_ids) == 512
    assert li.batch_size(llm) == 64
    tokens = _tokens(llm, "The quick brown fox jumps over the lazy dog.")
    li.evaluate(llm, tokens)
    assert li.cached_count(llm) == len(tokens)
    assert li.cached_tokens_equal(llm, tokens) and not li.cached_tokens_equal(llm, tokens[1:])
    assert llm._requires_eval is False, "a live decode leaves fresh logits"


def test_prefix_rule_matches_generate(llm: Any) -> None:
    head = _tokens(llm, "Once upon a time there was a lighthouse keeper")
    tail = _tokens(llm, " who loved the sea and the gulls.")
    llm.reset()
    li.evaluate(llm, head)
    assert li.reusable_prefix(llm, head + tail) == len(head)
    assert li.reusable_prefix(llm, head) == len(head), "exact hit with live logits"
    llm._requires_eval = True
    assert li.reusable_prefix(llm, head) == len(head) - 1, "restored: decode one again"
    llm._requires_eval = False
    # generate() itself evaluates exactly the tokens after the reusable prefix.
    _reset_perf(llm)
    next(iter(llm.generate(head + tail, top_k=1, temp=0.0)))
    assert _prompt_evals(llm) == len(tail)


def test_prefilled_prompt_makes_generate_sample_at_once(llm: Any) -> None:
    prompt = _tokens(llm, "A long prompt read in batches by Hearth itself. " * 6)
    assert len(prompt) > 2 * li.batch_size(llm)
    llm.reset()
    expected = next(iter(llm.generate(prompt, top_k=1, temp=0.0)))
    llm.reset()
    kept = li.keep_prefix(llm, prompt)
    assert kept == 0
    for start in range(0, len(prompt), li.batch_size(llm)):
        li.evaluate(llm, prompt[start : start + li.batch_size(llm)])
    _reset_perf(llm)
    first = next(iter(llm.generate(prompt, top_k=1, temp=0.0)))
    assert _prompt_evals(llm) == 0, "generate() must not evaluate the prompt again"
    assert first == expected


def test_keep_prefix_trims_the_cache_to_the_common_part(llm: Any) -> None:
    shared = _tokens(llm, "System: be kind. User: hello there")
    llm.reset()
    li.evaluate(llm, shared + _tokens(llm, " old reply"))
    new = shared + _tokens(llm, " and a new question?")
    kept = li.keep_prefix(llm, new)
    assert kept == li.cached_count(llm) == len(shared)
    assert llm._requires_eval is True


def test_context_shift_and_sequence_state_calls_exist(llm: Any) -> None:
    import llama_cpp

    memory = llama_cpp.llama_get_memory(llm.ctx)
    assert memory is not None and llama_cpp.llama_memory_can_shift(memory)
    tokens = _tokens(llm, "one two three four five six seven eight nine ten")
    llm.reset()
    li.evaluate(llm, tokens)
    state = li.snapshot_sequence(llm)
    assert len(state) > 1000
    assert li.cut_cache(llm, 2, 5)
    assert li.cached_count(llm) == len(tokens) - 3
    assert li.cached_tokens_equal(llm, tokens[:2] + tokens[5:])
    assert li.restore_sequence(llm, state, tokens)
    assert li.cached_tokens_equal(llm, tokens) and llm._requires_eval is True


def test_load_progress_reaches_one_and_false_aborts(default_model: Path) -> None:
    seen: list[float] = []
    model = li.open_model(str(default_model), lambda f: seen.append(f) or True, n_ctx=256)
    model.close()
    assert len(seen) > 2 and seen == sorted(seen) and seen[-1] == 1.0
    calls: list[float] = []
    with pytest.raises(ValueError):
        li.open_model(str(default_model), lambda f: calls.append(f) or False, n_ctx=256)
    assert len(calls) == 1, "llama.cpp stops at the first False"


def test_vocab_only_counts_like_the_full_model(llm: Any, default_model: Path) -> None:
    vocab = li.VocabOnly(str(default_model))
    try:
        for text in ("", "Hello!", "Ünïcödé and emoji 🎉 in one line", "code:\n    x = 1\n" * 20):
            expected = len(llm.tokenize(text.encode(), add_bos=False, special=False)) if text else 0
            assert vocab.count(text) == expected
    finally:
        vocab.close()

"""Conversations switched away from are parked in RAM, written to disk when RAM's share is
full and at close; switching back restores them either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.chat.values import LoadOptions, Message
from app.engine.llama_engine import LlamaEngine
from tests.core.model_helpers import converse, run_turn

pytestmark = pytest.mark.model


def _files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.kv"))


@pytest.mark.parametrize("memory_bytes", [512 << 20, 0])
def test_alternating_conversations_restore_from_ram_or_disk(
    default_model: Path, tmp_path: Path, memory_bytes: int
) -> None:
    engine = LlamaEngine(kv_dir=tmp_path, kv_memory_bytes=memory_bytes)
    engine.load(str(default_model), LoadOptions(n_ctx=2048, n_threads=2))
    a_history, a_turns = converse(engine, "a", ["Tell me about cats.", "And dogs?"])
    converse(engine, "b", ["What is the capital of France?"])
    assert len(_files(tmp_path)) == (0 if memory_bytes else 1), "parked in RAM, not on disk"
    turn = run_turn(engine, "a", [*a_history, Message("user", "Which is older?")])
    assert turn.stats.restored_from_disk
    assert turn.stats.cached_tokens >= a_turns[-1].stats.context_used - 1
    assert turn.stats.evaluated_tokens <= 20
    engine.close()
    assert len(_files(tmp_path)) == 2, "closing writes every parked conversation"

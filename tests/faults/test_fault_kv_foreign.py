"""A KV state file made with another model file at the same path is detected and ignored.

The truncated, corrupted and other-settings variants are in
tests/core/test_engine_kv_restore.py (listed in the summary table).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from app import paths
from app.chat.values import LoadOptions, Message
from app.engine.llama_engine import LlamaEngine
from tests.core.model_helpers import converse, run_turn

pytestmark = pytest.mark.model

OPTIONS = LoadOptions(n_ctx=1024, n_threads=2)


def _swap_in_another_model(model: Path) -> None:
    """Same path, size and mtime; one byte of the metadata differs (the model's name)."""
    stat = model.stat()
    data = bytearray(model.read_bytes())
    at = data.index(b"Smollm2 135M")
    data[at + 6 : at + 7] = b"3"
    model.write_bytes(bytes(data))
    os.utime(model, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_state_saved_with_another_model_file_at_the_same_path_is_ignored(
    default_model: Path, tmp_path: Path
) -> None:
    model = tmp_path / "model.gguf"
    shutil.copyfile(default_model, model)
    engine = LlamaEngine()
    engine.load(str(model), OPTIONS)
    history, _ = converse(engine, "a", ["Tell me about cats.", "And dogs?"])
    engine.close()
    saved = list(paths.kv_state_dir().glob("*.kv"))
    assert len(saved) == 1
    _swap_in_another_model(model)
    question = [*history, Message("user", "Tell me more.")]

    engine = LlamaEngine()
    engine.load(str(model), OPTIONS)
    expected = run_turn(engine, "fresh", question).text
    # the old model's state, under the name the new model's state of "a" would have
    assert engine._model is not None
    target = engine._kv.path_for("a", engine._model.fingerprint)
    assert target != saved[0], "another model file gets another fingerprint"
    shutil.copyfile(saved[0], target)
    turn = run_turn(engine, "a", question)
    engine.close()
    assert not turn.stats.restored_from_disk
    assert turn.stats.cached_tokens == 0
    assert turn.stats.evaluated_tokens == turn.stats.prompt_tokens
    assert turn.text == expected, "re-evaluated from the history: the same greedy reply"
    assert target.read_bytes() != saved[0].read_bytes(), "replaced by the new model's state"

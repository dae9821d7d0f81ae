"""KV state per conversation survives switching and a new process; bad state files are ignored."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import paths
from app.chat.values import LoadOptions, Message
from app.engine.llama_engine import LlamaEngine
from tests.core.model_helpers import converse, run_turn

pytestmark = pytest.mark.model

QUESTIONS = ["Tell me about cats.", "And dogs?", "Which is better for a flat?"]

CHILD = r"""
import json, sys
from app.chat.values import LoadOptions, Message
from app.engine.llama_engine import LlamaEngine
from tests.core.model_helpers import converse, run_turn
engine = LlamaEngine()
engine.load(sys.argv[1], LoadOptions(n_ctx=2048, n_threads=2))
history = [Message(**m) for m in json.loads(sys.argv[2])]
if history:
    turn = run_turn(engine, "conv-a", history + [Message("user", "One more thing?")])
    print(json.dumps(turn.stats.as_json()))
else:
    history, turns = converse(engine, "conv-a", %r)
    print(json.dumps([{"role": m.role, "content": m.content} for m in history]))
engine.close()
""" % (QUESTIONS,)


def _child(model: Path, history: list[dict[str, str]]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(model), json.dumps(history)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def test_reopened_conversation_restores_kv_state_in_a_new_process(default_model: Path) -> None:
    history = json.loads(_child(default_model, []))
    assert list(paths.kv_state_dir().glob("*.kv")), "closing the engine saves the KV state"
    stats = json.loads(_child(default_model, history))
    assert stats["restored_from_disk"] is True
    assert stats["cached_tokens"] >= stats["prompt_tokens"] - 20
    assert stats["evaluated_tokens"] <= 20


def test_switching_conversations_restores_each_ones_cache(default_model: Path) -> None:
    engine = LlamaEngine()
    engine.load(str(default_model), LoadOptions(n_ctx=2048, n_threads=2))
    a_history, a_turns = converse(engine, "a", QUESTIONS)
    b_history, _ = converse(engine, "b", ["What is the capital of France?"])
    turn = run_turn(engine, "a", a_history + [Message("user", "Tell me more.")])
    assert turn.stats.restored_from_disk
    assert turn.stats.cached_tokens >= a_turns[-1].stats.context_used - 1
    assert turn.stats.evaluated_tokens <= 20
    engine.close()


@pytest.mark.parametrize("damage", ["truncate", "flip", "other-model"])
def test_damaged_or_foreign_state_is_ignored_and_history_reevaluated(
    default_model: Path, damage: str, tmp_path: Path
) -> None:
    engine = LlamaEngine()
    engine.load(str(default_model), LoadOptions(n_ctx=2048, n_threads=2))
    saved_with = engine._require().fingerprint
    history, _ = converse(engine, "a", QUESTIONS[:2])
    expected = run_turn(engine, "b", [*history, Message("user", "Tell me more.")]).text
    engine.close()  # saves a and b
    assert len(list(paths.kv_state_dir().glob("*.kv"))) == 2
    target = engine._kv.path_for("a", saved_with)
    raw = target.read_bytes()
    model = default_model
    if damage == "truncate":
        target.write_bytes(raw[: len(raw) // 2])
    elif damage == "flip":
        target.write_bytes(raw[:-100] + bytes(b ^ 0xFF for b in raw[-100:]))
    else:  # the same weights under another file: its state must not be taken for this one's
        model = tmp_path / "copy.gguf"
        shutil.copyfile(default_model, model)
    engine = LlamaEngine()
    engine.load(str(model), LoadOptions(n_ctx=2048, n_threads=2))
    if damage == "other-model":
        target.rename(engine._kv.path_for("a", engine._require().fingerprint))
    turn = run_turn(engine, "a", [*history, Message("user", "Tell me more.")])
    engine.close()
    assert not turn.stats.restored_from_disk
    assert turn.stats.cached_tokens == 0
    assert turn.stats.evaluated_tokens == turn.stats.prompt_tokens
    assert turn.text == expected, "re-evaluating gives the same greedy reply as the cache did"

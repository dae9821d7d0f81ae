"""Switching branches: TTFT of a follow-up on the branch switched to vs re-reading its path.

    flock /tmp/hearth-model.lock python -m bench.run --only branch_switch

One conversation with two branches of about 1,500 tokens each that diverge at the first
question (an edit of it). Each pair: A) the engine holds one branch, the follow-up goes to
the other (its kept state is restored, only the new message is read); B) the same prompt
on a second engine that keeps nothing for it (the whole path is read). Pairs alternate
between the branches, so every switch leaves the branch the previous one went to.
"""

from __future__ import annotations

import threading
from typing import Any

from app.chat.events import TurnFinished
from app.chat.values import GenerationParams, LoadOptions, Message
from app.engine.llama_engine import LlamaEngine
from bench.spread import spread, targets_for

SYSTEM = Message("system", "You are a helpful assistant.")
TOPICS = {
    "tea": "Notes on tea: it is grown on hillsides, picked by hand, withered, rolled and dried. ",
    "rivers": "Notes on rivers: they carve valleys, carry silt to the sea and flood in spring. ",
}
# Long questions and short replies: the branches reach their size in a few turns.
BUILD = GenerationParams(temperature=0.0, top_k=1, max_tokens=24, ignore_eos=True, seed=1)
SHORT = GenerationParams(temperature=0.0, top_k=1, max_tokens=4, ignore_eos=True, seed=1)
CONVERSATION = "branches"


def _turn(engine: LlamaEngine, cid: str, messages: list[Message], params: Any) -> TurnFinished:
    for event in engine.chat(cid, messages, params, threading.Event()):
        if isinstance(event, TurnFinished):
            return event
    raise AssertionError("no TurnFinished")


def _branch(engine: LlamaEngine, topic: str, tokens: int) -> list[Message]:
    """A branch of about `tokens` tokens, asked from the top of the conversation."""
    history, used, index = [SYSTEM], 0, 0
    while used < tokens:
        question = f"{TOPICS[topic] * 8}Question {index}: what else?"
        history.append(Message("user", question))
        finished = _turn(engine, CONVERSATION, history, BUILD)
        history.append(Message("assistant", finished.text))
        used, index = finished.stats.context_used, index + 1
    return history


def bench_branch_switch(model: str, pairs: int, engine_for: Any) -> dict[str, Any]:
    switcher: LlamaEngine = engine_for(model, 4096)
    reader: LlamaEngine = engine_for(model, 4096)
    branches = [_branch(switcher, "tea", 1500), _branch(switcher, "rivers", 1500)]
    ratios, switched_s, reread_s, evaluated = [], [], [], []
    counts: dict[str, Any] = {}
    for index in range(pairs):
        branch = branches[index % 2]  # the engine holds the other one
        follow_up = [*branch, Message("user", f"Thanks! Anything else? ({index})")]
        switched = _turn(switcher, CONVERSATION, follow_up, SHORT).stats
        reader.forget("anchor")
        reread = _turn(reader, "anchor", follow_up, SHORT).stats
        assert switched.restored_from_disk and not reread.restored_from_disk
        ratios.append(switched.ttft_s / reread.ttft_s)
        switched_s.append(switched.ttft_s)
        reread_s.append(reread.ttft_s)
        evaluated.append([switched.evaluated_tokens, reread.evaluated_tokens])
        counts = counts or {
            "path_tokens": reread.prompt_tokens,
            "switched_evaluated_tokens": switched.evaluated_tokens,
            "switched_reused_tokens": switched.cached_tokens,
            "reread_evaluated_tokens": reread.evaluated_tokens,
        }
    switcher.close()
    reader.close()
    return {
        "pairs": pairs,
        **counts,
        "evaluated_tokens_switched_and_reread_per_pair": evaluated,
        "switched_ttft_s": spread(switched_s),
        "reread_ttft_s": spread(reread_s),
        "ratio_switch_vs_reread": spread(ratios),
        "targets": targets_for("branch_switch"),
    }


def _engine(model: str, n_ctx: int) -> LlamaEngine:
    engine = LlamaEngine()
    engine.load(model, LoadOptions(n_ctx=n_ctx, n_threads=2))
    return engine

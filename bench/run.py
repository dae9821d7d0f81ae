"""`make bench`: one JSON report, every number measured in this run on the default model.

1. decode: engine vs a bare llama-cpp-python generate loop (same model, threads, sampling),
   over a 1,000+ token reply; and the engine's per-token cost in its last 100 tokens vs its
   first 100 (against the same ratio for the bare loop: attention grows with context for
   both, only the engine's own overhead must not grow).
2. ttft: time to first token for 12 turns of a growing conversation, prompt cache vs
   stateless (the whole history re-evaluated each turn).
3. reopen: time to first token after reopening a ~1,500-token conversation from its saved
   KV state vs re-evaluating it.
4. gui_stall: the GUI thread's longest stall while 2,000 tokens stream into a transcript
   of 400 earlier messages (bench/gui_stall.py).
5. api_server: `hearth --serve` vs `python -m llama_cpp.server --cache true`, a client
   resending history for 12 turns, one conversation and two alternating (bench/api_server.py).
Never run two of these at once: llama.cpp on 2 cores slows down many times when shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from app.chat.events import TokensReceived, TurnFinished
from app.chat.values import GenerationParams, LoadOptions, Message
from app.default_model import default_model_path
from app.engine.llama_engine import LlamaEngine

THREADS = min(4, os.cpu_count() or 2)
SYSTEM = Message("system", "You are a helpful assistant.")
LONG = GenerationParams(temperature=0.0, top_k=1, max_tokens=1100, ignore_eos=True, seed=1)


def _engine(model: str, n_ctx: int) -> LlamaEngine:
    engine = LlamaEngine()
    engine.load(model, LoadOptions(n_ctx=n_ctx, n_threads=THREADS))
    return engine


def _engine_decode(engine: LlamaEngine, conversation: str) -> dict[str, Any]:
    stamps: list[float] = []
    messages = [SYSTEM, Message("user", "Write a very long story about a lighthouse keeper.")]
    finished = None
    for event in engine.chat(conversation, messages, LONG, threading.Event()):
        if isinstance(event, TokensReceived):
            stamps.extend([time.perf_counter()] * event.tokens)
        elif isinstance(event, TurnFinished):
            finished = event
    assert finished is not None and finished.stats.generated_tokens >= 1000
    return _rates(stamps)


def _bare_decode(engine: LlamaEngine) -> dict[str, Any]:
    """The same reply through llama-cpp-python alone: generate() and nothing else."""
    llm = engine._require().llm
    llm.reset()
    prompt = llm.tokenize(
        engine._require()
        .template.render(
            [SYSTEM, Message("user", "Write a very long story about a lighthouse keeper.")]
        )
        .encode(),
        add_bos=False,
        special=True,
    )
    stamps: list[float] = []
    for _token in llm.generate(
        prompt, top_k=1, top_p=0.95, temp=0.0, repeat_penalty=1.1, min_p=0.05
    ):
        stamps.append(time.perf_counter())
        if len(stamps) >= LONG.max_tokens:
            break
    llm.reset()
    return _rates(stamps)


def _rates(stamps: list[float]) -> dict[str, Any]:
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    return {
        "tokens": len(stamps),
        "decode_tps": (len(stamps) - 1) / (stamps[-1] - stamps[0]),
        "first100_ms_per_token": 1000 * statistics.mean(gaps[:100]),
        "last100_ms_per_token": 1000 * statistics.mean(gaps[-100:]),
    }


def bench_decode(model: str, rounds: int) -> dict[str, Any]:
    engine = _engine(model, 2048)
    bare_runs, engine_runs = [], []
    for index in range(rounds):  # interleaved, so drift in machine speed hits both
        bare_runs.append(_bare_decode(engine))
        engine.forget(f"decode-{index}")
        engine_runs.append(_engine_decode(engine, f"decode-{index}"))
        engine.forget(f"decode-{index}")
    engine.close()
    bare = max(bare_runs, key=lambda r: r["decode_tps"])
    ours = max(engine_runs, key=lambda r: r["decode_tps"])
    engine_growth = ours["last100_ms_per_token"] / ours["first100_ms_per_token"]
    bare_growth = bare["last100_ms_per_token"] / bare["first100_ms_per_token"]
    return {
        "engine": ours,
        "bare_llama_cpp": bare,
        "ratio_engine_vs_bare_tps": ours["decode_tps"] / bare["decode_tps"],
        "engine_last100_over_first100": engine_growth,
        "bare_last100_over_first100": bare_growth,
        "engine_overhead_growth": engine_growth / bare_growth,
        "targets": {"ratio_engine_vs_bare_tps": ">= 0.97", "engine_overhead_growth": "<= ~1.05"},
    }


QUESTIONS = [
    "Tell me about the history of tea.",
    "How is green tea made?",
    "And black tea?",
    "What about oolong?",
    "Which has the most caffeine?",
    "How should I brew it?",
    "What water temperature?",
    "How long should it steep?",
    "Can I reuse the leaves?",
    "What snacks go well with it?",
    "Any tips for storing tea?",
    "Summarise our chat.",
]
TURN = GenerationParams(temperature=0.0, top_k=1, max_tokens=100, ignore_eos=True, seed=1)


def bench_ttft(model: str) -> dict[str, Any]:
    engine = _engine(model, 4096)
    history = [SYSTEM]
    cached, stateless, prompt_sizes = [], [], []
    for question in QUESTIONS:
        history.append(Message("user", question))
        stats = _turn(engine, "ttft", history)
        cached.append(stats.ttft_s)
        prompt_sizes.append(stats.prompt_tokens)
        history.append(Message("assistant", stats_text[0]))
    # The same prompts, each evaluated from scratch.
    for turn in range(len(QUESTIONS)):
        engine.forget("stateless")
        prompt = history[: 2 + 2 * turn]
        stateless.append(_turn(engine, "stateless", prompt).ttft_s)
    engine.close()
    return {
        "prompt_tokens_per_turn": prompt_sizes,
        "cached_ttft_s": cached,
        "stateless_ttft_s": stateless,
        "cached_turn12_over_turn1": cached[-1] / cached[0],
        "stateless_turn12_over_turn1": stateless[-1] / stateless[0],
        "targets": {"cached_turn12_over_turn1": "<= 1.3"},
    }


stats_text = [""]


def _turn(engine: LlamaEngine, conversation: str, messages: list[Message]) -> Any:
    for event in engine.chat(conversation, messages, TURN, threading.Event()):
        if isinstance(event, TurnFinished):
            stats_text[0] = event.text
            return event.stats
    raise AssertionError("no TurnFinished")


def bench_reopen(model: str) -> dict[str, Any]:
    engine = _engine(model, 4096)
    history = [SYSTEM]
    params = GenerationParams(temperature=0.0, top_k=1, max_tokens=120, ignore_eos=True, seed=1)
    used = 0
    index = 0
    while used < 1500:
        history.append(Message("user", QUESTIONS[index % len(QUESTIONS)]))
        for event in engine.chat("reopen", history, params, threading.Event()):
            if isinstance(event, TurnFinished):
                history.append(Message("assistant", event.text))
                used = event.stats.context_used
        index += 1
    engine.close()  # saves the KV state, like closing the app
    follow_up = [*history, Message("user", "Thanks!")]
    reopened = _engine(model, 4096)
    restored = _turn(reopened, "reopen", follow_up)
    reopened.forget("reopen")
    reevaluated = _turn(reopened, "reopen", follow_up)
    reopened.close()
    assert restored.restored_from_disk and not reevaluated.restored_from_disk
    return {
        "history_tokens": used,
        "restored_ttft_s": restored.ttft_s,
        "restored_evaluated_tokens": restored.evaluated_tokens,
        "reevaluated_ttft_s": reevaluated.ttft_s,
        "reevaluated_evaluated_tokens": reevaluated.evaluated_tokens,
        "ratio_restored_vs_reevaluated": restored.ttft_s / reevaluated.ttft_s,
        "targets": {"ratio_restored_vs_reevaluated": "<= 0.25"},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--only", choices=["decode", "ttft", "reopen", "gui_stall", "api_server"], default=None
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    path = default_model_path()
    if path is None:
        print("default model not installed", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as home:
        os.environ["HEARTH_HOME"] = home  # never touch the user's KV cache
        report: dict[str, Any] = {"model": path.name, "threads": THREADS}
        if args.only in (None, "decode"):
            report["decode"] = bench_decode(str(path), args.rounds)
        if args.only in (None, "ttft"):
            report["ttft"] = bench_ttft(str(path))
        if args.only in (None, "reopen"):
            report["reopen"] = bench_reopen(str(path))
        if args.only in (None, "gui_stall"):
            from bench.gui_stall import bench_gui_stall

            report["gui_stall"] = bench_gui_stall(str(path))
        if args.only in (None, "api_server"):
            from bench.api_server import bench_api_server

            report["api_server"] = bench_api_server(str(path))
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`make bench`: one JSON report, every number measured in this run on the default model.

Each ratio comes from interleaved pairs (A B A B …, `--pairs`, at least 5): the report
gives its median and spread (min, max, every value), and the run fails (exit 1) only when
a median misses its target (bench/spread.py).

1. decode: engine vs a bare llama-cpp-python generate loop (same model, threads, sampling),
   over a 1,000+ token reply; and the engine's per-token cost in its last 100 tokens vs its
   first 100 (against the same ratio for the bare loop: attention grows with context for
   both, only the engine's own overhead must not grow).
2. ttft: time to first token for 12 turns of a growing conversation with the prompt cache
   (turn 12 over turn 1), against turns 1 and 12 evaluated from scratch.
3. reopen: time to first token after reopening a ~1,500-token conversation from its saved
   KV state vs re-evaluating it.
4. gui_stall: the GUI thread's longest stall while 2,000 tokens stream into a transcript
   of 400 earlier messages (bench/gui_stall.py; one run, it is not a ratio).
5. api_server: `hearth --serve` vs `python -m llama_cpp.server --cache true`, a client
   resending history for 12 turns, one conversation and two alternating (bench/api_server.py).
6. retrieval: documents search on a generated corpus with planted facts: recall@5 and MRR
   for BM25, vectors and fused; pages/s; query latency at 1k/10k chunks (bench/retrieval.py).
7. branch_switch: TTFT of a follow-up after switching to another branch of a conversation
   (~1,500 tokens per branch, diverging at the first question) vs re-reading its path
   (bench/branch_switch.py).
Never run two of these at once: llama.cpp on 2 cores slows down many times when shared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from app import paths
from app.chat.events import TokensReceived, TurnFinished
from app.chat.values import GenerationParams, LoadOptions, Message
from app.default_model import default_model_path
from app.engine.llama_engine import LlamaEngine
from bench.spread import misses, spread, targets_for

THREADS = min(4, os.cpu_count() or 2)
SYSTEM = Message("system", "You are a helpful assistant.")
LONG = GenerationParams(temperature=0.0, top_k=1, max_tokens=1100, ignore_eos=True, seed=1)
# Measures time to first token only: a few tokens are enough.
SHORT = GenerationParams(temperature=0.0, top_k=1, max_tokens=4, ignore_eos=True, seed=1)


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


def bench_decode(model: str, pairs: int) -> dict[str, Any]:
    engine = _engine(model, 2048)
    bare_runs, engine_runs = [], []
    for index in range(pairs):  # A B A B: drift in machine speed hits both sides
        bare_runs.append(_bare_decode(engine))
        engine.forget(f"decode-{index}")
        engine_runs.append(_engine_decode(engine, f"decode-{index}"))
        engine.forget(f"decode-{index}")
    engine.close()

    def growth(run: dict[str, Any]) -> float:
        return float(run["last100_ms_per_token"] / run["first100_ms_per_token"])

    pairs_ = list(zip(engine_runs, bare_runs, strict=True))
    return {
        "pairs": pairs,
        "engine_tps": spread([r["decode_tps"] for r in engine_runs]),
        "bare_llama_cpp_tps": spread([r["decode_tps"] for r in bare_runs]),
        "ratio_engine_vs_bare_tps": spread([e["decode_tps"] / b["decode_tps"] for e, b in pairs_]),
        "engine_last100_over_first100": spread([growth(e) for e in engine_runs]),
        "bare_last100_over_first100": spread([growth(b) for b in bare_runs]),
        "engine_overhead_growth": spread([growth(e) / growth(b) for e, b in pairs_]),
        "targets": targets_for("decode"),
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


def _cached_conversation(engine: LlamaEngine, conversation: str) -> tuple[list[Any], list[Message]]:
    """12 turns of one conversation with the prompt cache; their stats and the history."""
    history = [SYSTEM]
    stats = []
    for question in QUESTIONS:
        history.append(Message("user", question))
        finished = _turn(engine, conversation, history, TURN)
        stats.append(finished.stats)
        history.append(Message("assistant", finished.text))
    return stats, history


def bench_ttft(model: str, pairs: int) -> dict[str, Any]:
    engine = _engine(model, 4096)
    cached_ratio, stateless_ratio, cached_vs_stateless = [], [], []
    first: dict[str, Any] = {}
    for index in range(pairs):  # A: the cached conversation, B: turns 1 and 12 from scratch
        stats, history = _cached_conversation(engine, f"ttft-{index}")
        engine.forget(f"ttft-{index}")
        stateless = []
        for turn in (0, len(QUESTIONS) - 1):
            engine.forget("stateless")
            stateless.append(_turn(engine, "stateless", history[: 2 + 2 * turn], SHORT).stats)
        engine.forget("stateless")
        cached = [s.ttft_s for s in stats]
        cached_ratio.append(cached[-1] / cached[0])
        stateless_ratio.append(stateless[1].ttft_s / stateless[0].ttft_s)
        cached_vs_stateless.append(cached[-1] / stateless[1].ttft_s)
        first = first or {
            "prompt_tokens_per_turn": [s.prompt_tokens for s in stats],
            "cached_ttft_s_first_pair": cached,
            "stateless_turn1_and_turn12_ttft_s_first_pair": [s.ttft_s for s in stateless],
        }
    engine.close()
    return {
        "pairs": pairs,
        **first,
        "cached_turn12_over_turn1": spread(cached_ratio),
        "stateless_turn12_over_turn1": spread(stateless_ratio),
        "turn12_cached_over_stateless": spread(cached_vs_stateless),
        "targets": targets_for("ttft"),
    }


def _turn(
    engine: LlamaEngine, conversation: str, messages: list[Message], params: GenerationParams
) -> TurnFinished:
    for event in engine.chat(conversation, messages, params, threading.Event()):
        if isinstance(event, TurnFinished):
            return event
    raise AssertionError("no TurnFinished")


def _build_history(model: str, tokens: int) -> list[Message]:
    """A conversation of about `tokens` tokens, its KV state saved as closing the app does."""
    engine = _engine(model, 4096)
    history = [SYSTEM]
    params = GenerationParams(temperature=0.0, top_k=1, max_tokens=120, ignore_eos=True, seed=1)
    used, index = 0, 0
    while used < tokens:
        history.append(Message("user", QUESTIONS[index % len(QUESTIONS)]))
        finished = _turn(engine, "reopen", history, params)
        history.append(Message("assistant", finished.text))
        used = finished.stats.context_used
        index += 1
    engine.close()
    return history


def bench_reopen(model: str, pairs: int) -> dict[str, Any]:
    history = _build_history(model, 1500)
    follow_up = [*history, Message("user", "Thanks!")]
    saved = Path(tempfile.mkdtemp(prefix="hearth-bench-kv-"))
    shutil.copytree(paths.kv_state_dir(), saved, dirs_exist_ok=True)
    ratios, restored_s, reevaluated_s = [], [], []
    last: dict[str, Any] = {}
    for _ in range(pairs):  # A: restored from disk, B: the same prompt re-evaluated
        shutil.rmtree(paths.kv_state_dir())
        shutil.copytree(saved, paths.kv_state_dir(), dirs_exist_ok=True)  # it re-creates it
        reopened = _engine(model, 4096)
        restored = _turn(reopened, "reopen", follow_up, SHORT).stats
        reopened.forget("reopen")
        reevaluated = _turn(reopened, "reopen", follow_up, SHORT).stats
        reopened.close()
        assert restored.restored_from_disk and not reevaluated.restored_from_disk
        ratios.append(restored.ttft_s / reevaluated.ttft_s)
        restored_s.append(restored.ttft_s)
        reevaluated_s.append(reevaluated.ttft_s)
        last = {
            "history_tokens": reevaluated.prompt_tokens,
            "restored_evaluated_tokens": restored.evaluated_tokens,
            "reevaluated_evaluated_tokens": reevaluated.evaluated_tokens,
        }
    shutil.rmtree(saved, ignore_errors=True)
    return {
        "pairs": pairs,
        **last,
        "restored_ttft_s": spread(restored_s),
        "reevaluated_ttft_s": spread(reevaluated_s),
        "ratio_restored_vs_reevaluated": spread(ratios),
        "targets": targets_for("reopen"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=5, help="interleaved pairs per ratio (>= 5)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the API server comparison")
    parser.add_argument(
        "--only",
        choices=[
            "decode",
            "ttft",
            "reopen",
            "gui_stall",
            "api_server",
            "retrieval",
            "branch_switch",
        ],
        default=None,
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.pairs < 5:
        parser.error("--pairs must be at least 5: a median of fewer is not worth trusting")
    path = default_model_path()
    if path is None:
        print("default model not installed", file=sys.stderr)
        return 2
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as home:
        os.environ["HEARTH_HOME"] = home  # never touch the user's KV cache
        report: dict[str, Any] = {"model": path.name, "threads": THREADS}
        if args.only in (None, "decode"):
            report["decode"] = bench_decode(str(path), args.pairs)
        if args.only in (None, "ttft"):
            report["ttft"] = bench_ttft(str(path), args.pairs)
        if args.only in (None, "reopen"):
            report["reopen"] = bench_reopen(str(path), args.pairs)
        if args.only in (None, "gui_stall"):
            from bench.gui_stall import bench_gui_stall

            report["gui_stall"] = bench_gui_stall(str(path))
        if args.only in (None, "api_server"):
            from bench.api_server import bench_api_server

            report["api_server"] = bench_api_server(str(path), args.rounds)
        if args.only in (None, "retrieval"):
            from bench.retrieval import bench_retrieval

            report["retrieval"] = bench_retrieval()

        if args.only in (None, "branch_switch"):
            from bench.branch_switch import bench_branch_switch

            report["branch_switch"] = bench_branch_switch(str(path), args.pairs, _engine)
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["misses"] = misses(report) + report.get("retrieval", {}).get("misses", [])
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    for miss in report["misses"]:
        print(f"target missed: {miss}", file=sys.stderr)
    return 1 if report["misses"] else 0


if __name__ == "__main__":
    raise SystemExit(main())

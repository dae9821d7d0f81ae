"""The prompt cache and old thinking: the same 12-turn thinking conversation under both
policies ("keep" the exact tokens vs "follow" the template), TTFT and context per turn.

    flock /tmp/hearth-model.lock python -m bench.thinking_cache [--turns 12] [--out FILE]

The model is the default model with a DeepSeek-R1-style template (the generation prompt
opens <think>; the history the template renders has no thinking). Every reply thinks until
the thinking budget (Hearth closes it) and then answers up to the token limit (end of turn
ignored), so every turn of both runs generates the same amounts. Numbers go to
docs/thinking-cache.md.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
from pathlib import Path

from app.chat.events import TurnFinished
from app.chat.values import GenerationParams, LoadOptions, Message
from app.default_model import default_model_path
from app.engine.llama_engine import LlamaEngine

TEMPLATE = (
    "{%- for m in messages -%}"
    "{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n<think>\\n' }}{%- endif -%}"
)
THINKING_BUDGET = 96  # every reply thinks this long (Hearth closes it), then answers
ANSWER_TOKENS = 48


def run(engine: LlamaEngine, policy: str, turns: int) -> list[dict[str, object]]:
    params = GenerationParams(
        temperature=0.0,
        top_k=1,
        seed=3,
        max_tokens=THINKING_BUDGET + 4 + ANSWER_TOKENS,
        thinking_budget=THINKING_BUDGET,
        ignore_eos=True,  # the same amounts every turn: 96 thinking, then answer to the end
        thinking_policy=policy,  # type: ignore[arg-type]
    )
    history = [Message("system", "You are a helpful assistant.")]
    rows = []
    for index in range(turns):
        history.append(Message("user", f"Tell me one more fact about rivers, number {index + 1}."))
        events = list(engine.chat(f"bench-{policy}", history, params, threading.Event()))
        finished = events[-1]
        assert isinstance(finished, TurnFinished) and finished.text
        history.append(Message("assistant", finished.text, finished.thinking))
        s = finished.stats
        rows.append(
            {
                "turn": index + 1,
                "ttft_s": round(s.ttft_s, 3),
                "evaluated": s.evaluated_tokens,
                "cached": s.cached_tokens,
                "context_used": s.context_used,
                "old_thinking_tokens": s.old_thinking_tokens,
                "thinking_tokens": s.thinking_tokens,
                "answer_ttft_s": round(s.answer_ttft_s or 0.0, 3),
                "policy": s.thinking_policy,
            }
        )
        print(policy, rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=12)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    source = default_model_path()
    assert source is not None, "the default model is not installed"
    from tests.core.thinking_models import build

    with tempfile.TemporaryDirectory() as folder:
        model = build(source, Path(folder) / "r1-like.gguf", TEMPLATE)
        engine = LlamaEngine(kv_dir=Path(folder) / "kv")
        engine.load(str(model), LoadOptions(n_ctx=8192, n_threads=2))
        results = {policy: run(engine, policy, args.turns) for policy in ("keep", "follow")}
        engine.close()
    text = json.dumps(results, indent=1)
    if args.out:
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()

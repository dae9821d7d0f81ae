"""Plain values for tests: greedy sampling, a typical turn's stats and the default model's
info, with only the fields a test cares about changed."""

from __future__ import annotations

import dataclasses
from typing import Any

from app.chat.events import TurnStats
from app.chat.values import GenerationParams, ModelInfo

# Reproducible sampling for the real-model tests: always the most likely token.
GREEDY = GenerationParams(temperature=0.0, top_k=1, max_tokens=48, seed=7)

# A typical turn: 600 prompt tokens (400 reused), 100 generated at a round 50 tok/s.
TYPICAL_STATS = dataclasses.replace(
    TurnStats.measured(
        prompt_tokens=600,
        cached_tokens=400,
        generated_tokens=100,
        context_used=700,
        context_size=4096,
        stop_reason="stop",
        ttft_s=0.125,
        prefill_s=0.1,
        decode_s=2.0,
        wall_s=2.2,
        rss_mb=300.0,
    ),
    decode_tps=50.0,
)

MODEL_DEFAULTS: dict[str, Any] = dict(
    path="/models/SmolLM2-135M-Instruct.Q4_1.gguf",
    name="SmolLM2 135M Instruct",
    architecture="llama",
    parameter_count=134_515_008,
    quantization="Q4_1",
    file_size=98_000_000,
    trained_context=8192,
    has_chat_template=True,
    load_seconds=0.42,
    context_size=4096,
    n_layer=30,
)


def turn_stats(**changes: Any) -> TurnStats:
    return dataclasses.replace(TYPICAL_STATS, **changes)


def model_info(**changes: Any) -> ModelInfo:
    return ModelInfo(**{**MODEL_DEFAULTS, **changes})

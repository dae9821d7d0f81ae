"""Messages, generation parameters, load options and what a loaded model is."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal

Role = Literal["system", "user", "assistant"]
ThinkingMode = Literal["auto", "on", "off"]
Effort = Literal["low", "medium", "high"]
ThinkingPolicy = Literal["keep", "follow"]


@dataclass(frozen=True, slots=True)
class Message:
    role: Role
    content: str
    thinking: str = ""  # an assistant reply's thinking, kept apart from its answer


@dataclass(frozen=True, slots=True)
class GenerationParams:
    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 40
    repeat_penalty: float = 1.1
    max_tokens: int = 1024
    seed: int | None = None
    ignore_eos: bool = False  # benchmarks: keep generating past the end-of-turn token
    # Reasoning models (see app/engine/thinking_format.py).
    thinking: ThinkingMode = "auto"  # "auto": the model's own default
    thinking_budget: int = 0  # tokens of thinking before Hearth closes it; 0: no limit
    reasoning_effort: Effort = "medium"  # gpt-oss
    thinking_policy: ThinkingPolicy = "keep"  # old thinking in the prompt cache
    grammar: str | None = None  # GBNF constraining the reply (tests, tools)


def default_threads() -> int:
    """Decode stops scaling at 3-4 threads; leave a core for the UI on big machines."""
    cpus = os.cpu_count() or 2
    return max(1, min(cpus if cpus <= 4 else cpus // 2, 8))


@dataclass(frozen=True, slots=True)
class LoadOptions:
    n_ctx: int = 4096
    n_threads: int = field(default_factory=default_threads)
    n_gpu_layers: int = 0
    n_batch: int = 512

    def normalized(self) -> LoadOptions:
        """llama.cpp pads the context to a multiple of 256; ask for exactly that."""
        n_ctx = max(256, ((self.n_ctx + 255) // 256) * 256)
        return LoadOptions(n_ctx, max(1, self.n_threads), self.n_gpu_layers, max(32, self.n_batch))


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What a person wants to know about a loaded model."""

    path: str
    name: str
    architecture: str
    parameter_count: int
    quantization: str
    file_size: int
    trained_context: int
    has_chat_template: bool
    load_seconds: float
    context_size: int
    n_layer: int = 0
    n_head_kv: int = 0
    head_dim: int = 0
    kv_bytes_per_token: int = 0
    backend: str = "CPU"
    gpu_layers: int = 0
    endpoint: str = ""  # a remote model: the server's base URL (app.chat.remote)

    thinking_format: str = ""  # "" when the model does not think (app/engine/thinking_format)
    thinking_switch: str = ""  # how thinking is switched: enable_thinking, system_flags, ...

    @property
    def is_remote(self) -> bool:
        return bool(self.endpoint)

    @property
    def bits_per_weight(self) -> float:
        return self.file_size * 8 / self.parameter_count if self.parameter_count else 0.0

"""Derived figures for one reply and the loaded model: pure arithmetic, no Qt.

Timeline. `TurnStats.wall_s` is counted by the engine from the moment it starts the turn,
after any model load the turn paid for (`load_s`, done before the turn began), so a reply
took `load_s + wall_s` and the app's own share is `wall_s - prefill_s - decode_s`: the time
spent outside llama.cpp's prompt evaluation and decoding (restoring a saved cache,
rendering the template, tokenizing, handing tokens over).

Speed ceiling. Decoding one token on a CPU reads every weight once, plus the KV cache held
for the tokens so far, so decode tokens/s <= bandwidth / (weight bytes + KV bytes in use).
The weights in memory are the GGUF file (mapped as is). The KV cache in use grows during a
reply; we take its size halfway through the decode.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.chat.events import TurnStats
from app.chat.values import ModelInfo

PHASE_LOAD = "load"
PHASE_PROMPT = "prompt"
PHASE_DECODE = "decode"
PHASE_THINKING = "thinking"  # the part of decoding a reasoning model spent thinking
PHASE_OVERHEAD = "overhead"

# Bytes per cached element for llama.cpp's KV cache types (block formats: bytes/32 values).
CACHE_TYPE_BYTES: dict[str, float] = {
    "f32": 4.0,
    "f16": 2.0,
    "bf16": 2.0,
    "q8_0": 34 / 32,
    "q5_1": 24 / 32,
    "q5_0": 22 / 32,
    "q4_1": 20 / 32,
    "q4_0": 18 / 32,
    "iq4_nl": 18 / 32,
}
DEFAULT_CACHE_TYPE = "f16"  # what llama-cpp-python uses unless told otherwise


@dataclass(frozen=True, slots=True)
class Phase:
    name: str  # one of the PHASE_* names
    seconds: float


@dataclass(frozen=True, slots=True)
class Timeline:
    """A reply's time split into phases, in order; load only when the reply paid for it."""

    phases: tuple[Phase, ...]

    @property
    def total_s(self) -> float:
        return sum(phase.seconds for phase in self.phases)

    def seconds(self, name: str) -> float:
        return sum(phase.seconds for phase in self.phases if phase.name == name)

    def fractions(self) -> tuple[float, ...]:
        total = self.total_s
        return tuple(p.seconds / total if total > 0 else 0.0 for p in self.phases)


def app_overhead_s(stats: TurnStats) -> float:
    """Wall time of the turn not spent in llama.cpp's prompt evaluation or decoding."""
    return max(0.0, stats.wall_s - stats.prefill_s - stats.decode_s)


def reply_timeline(stats: TurnStats) -> Timeline:
    phases = [Phase(PHASE_LOAD, stats.load_s)] if stats.load_s > 0 else []
    decode = max(0.0, stats.decode_s)
    thinking = min(decode, max(0.0, stats.thinking_s or 0.0))
    phases.append(Phase(PHASE_PROMPT, max(0.0, stats.prefill_s)))
    if thinking > 0:
        phases.append(Phase(PHASE_THINKING, thinking))
    phases += [Phase(PHASE_DECODE, decode - thinking), Phase(PHASE_OVERHEAD, app_overhead_s(stats))]
    return Timeline(tuple(phases))


def reuse_fraction(stats: TurnStats) -> float:
    """Share of the prompt taken from the KV cache instead of evaluated again."""
    return stats.cached_tokens / stats.prompt_tokens if stats.prompt_tokens > 0 else 0.0


# -- KV cache -----------------------------------------------------------------------------
def kv_bytes_per_token(
    n_layer: int, n_head_kv: int, head_dim: int, cache_type: str = DEFAULT_CACHE_TYPE
) -> float:
    """A key and a value vector per layer and KV head, each `head_dim` elements."""
    return 2 * n_layer * n_head_kv * head_dim * CACHE_TYPE_BYTES[cache_type.lower()]


def model_kv_bytes_per_token(info: ModelInfo, cache_type: str = DEFAULT_CACHE_TYPE) -> float:
    computed = kv_bytes_per_token(info.n_layer, info.n_head_kv, info.head_dim, cache_type)
    if computed > 0:
        return computed
    return float(info.kv_bytes_per_token)


@dataclass(frozen=True, slots=True)
class KvCacheFigures:
    bytes_per_token: float
    tokens_held: int
    context_size: int

    @property
    def bytes_held(self) -> float:
        return self.bytes_per_token * self.tokens_held

    @property
    def bytes_reserved(self) -> float:
        """llama.cpp allocates room for the whole context when the model loads."""
        return self.bytes_per_token * self.context_size

    @property
    def fraction_full(self) -> float:
        return self.tokens_held / self.context_size if self.context_size > 0 else 0.0


def kv_cache(info: ModelInfo, tokens_held: int, context_size: int = 0) -> KvCacheFigures:
    return KvCacheFigures(
        model_kv_bytes_per_token(info), max(0, tokens_held), context_size or info.context_size
    )


# -- quantization -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class QuantizationFigures:
    name: str
    bits_per_weight: float  # file size over parameter count
    weights_bytes: int  # in memory: the file is mapped as it is
    parameter_count: int

    @property
    def f16_bytes(self) -> int:
        """The same weights at 16 bits each (the usual unquantized size)."""
        return self.parameter_count * 2

    @property
    def smaller_than_f16(self) -> float:
        return self.f16_bytes / self.weights_bytes if self.weights_bytes > 0 else 0.0


def quantization(info: ModelInfo) -> QuantizationFigures:
    return QuantizationFigures(
        info.quantization, info.bits_per_weight, info.file_size, info.parameter_count
    )


# -- speed against the memory limit -------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SpeedCeiling:
    bandwidth_gbps: float
    bytes_per_token: float  # weights + KV cache in use, read once per decoded token
    decode_tps: float

    @property
    def ceiling_tps(self) -> float:
        return self.bandwidth_gbps * 1e9 / self.bytes_per_token if self.bytes_per_token else 0.0

    @property
    def fraction(self) -> float:
        ceiling = self.ceiling_tps
        return self.decode_tps / ceiling if ceiling > 0 else 0.0


def speed_ceiling(
    bandwidth_gbps: float, weights_bytes: float, kv_bytes: float, decode_tps: float
) -> SpeedCeiling | None:
    if bandwidth_gbps <= 0 or weights_bytes + kv_bytes <= 0:
        return None
    return SpeedCeiling(bandwidth_gbps, weights_bytes + kv_bytes, max(0.0, decode_tps))


def decode_kv_tokens(stats: TurnStats) -> float:
    """Tokens the KV cache held on average while the reply was decoded."""
    return stats.prompt_tokens + stats.generated_tokens / 2


def reply_speed(stats: TurnStats, info: ModelInfo, bandwidth_gbps: float) -> SpeedCeiling | None:
    kv_bytes = model_kv_bytes_per_token(info) * decode_kv_tokens(stats)
    return speed_ceiling(bandwidth_gbps, info.file_size, kv_bytes, stats.decode_tps)

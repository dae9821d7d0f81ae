"""Will this model fit in memory? An estimate (weights + KV cache + overhead) and a verdict.

The weights are the file itself (llama.cpp maps it and touches every byte while running).
The KV cache holds keys and values for every layer and context position, in f16:
2 (K and V) x n_layer x n_head_kv x head_dim x 2 bytes per token. The overhead covers the
compute buffers (logits, scratch) and the runtime: 256 MiB plus 5% of the weights, which
matches what llama.cpp allocates for 0.1B-8B models at n_batch 512 to within ~100 MB.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

GIB = 1024**3
MIB = 1024**2
OVERHEAD_BASE = 256 * MIB
OVERHEAD_FRACTION = 0.05
FITS_SHARE = 0.85  # needs at most this share of the free memory -> "fits"
TIGHT_SHARE_OF_TOTAL = 0.75  # more than free, but closing other programs would make room

Fit = Literal["fits", "tight", "won't fit"]
_ORDER: dict[Fit, int] = {"fits": 0, "tight": 1, "won't fit": 2}


@dataclass(frozen=True, slots=True)
class MemoryEstimate:
    weights_bytes: int
    kv_cache_bytes: int
    overhead_bytes: int
    n_ctx: int
    gpu_layers: int
    ram_bytes: int  # what stays in system memory
    gpu_bytes: int  # what is offloaded to the GPU
    from_header: bool  # False: rough guess from the parameter count

    @property
    def total_bytes(self) -> int:
        return self.weights_bytes + self.kv_cache_bytes + self.overhead_bytes


@dataclass(frozen=True, slots=True)
class FitVerdict:
    fit: Fit
    needed_bytes: int
    available_bytes: int
    total_bytes: int
    explanation: str


def gb(value: int) -> str:
    """Bytes in decimal units, as file sizes are shown everywhere else: '1.2 GB', '350 MB'."""
    if value >= 999_500_000:
        return f"{value / 1e9:.1f} GB"
    return f"{max(value, 0) / 1e6:.0f} MB"


def kv_bytes_per_token(n_layer: int, n_head_kv: int, head_dim: int) -> int:
    return 2 * n_layer * n_head_kv * head_dim * 2


def _split(weights: int, kv: int, overhead: int, n_layer: int, gpu_layers: int) -> tuple[int, int]:
    share = min(max(gpu_layers, 0), n_layer) / n_layer if n_layer > 0 else 0.0
    gpu = int((weights + kv) * share) + (overhead // 2 if share > 0 else 0)
    return weights + kv + overhead - gpu, gpu


def estimate_memory(
    file_size: int, n_layer: int, n_head_kv: int, head_dim: int, n_ctx: int, gpu_layers: int = 0
) -> MemoryEstimate:
    """Memory to run a model file with `n_ctx` tokens of context (layers from its header)."""
    kv = kv_bytes_per_token(n_layer, n_head_kv, head_dim) * n_ctx
    return _estimate(file_size, kv, n_ctx, n_layer, gpu_layers, from_header=True)


def estimate_memory_rough(
    file_size: int, parameter_count: int | None, n_ctx: int, gpu_layers: int = 0
) -> MemoryEstimate:
    """When the header is unknown: KV cache guessed as 16 KiB per token per billion parameters
    (Llama 3 8B: 128 KiB, Qwen2.5 7B: 56 KiB; grouped-query attention varies), at least 12 KiB."""
    billions = (parameter_count or file_size * 2) / 1e9
    per_token = max(12 * 1024, int(16 * 1024 * billions))
    n_layer = 32  # a typical 7B; only the share of offloaded layers depends on it
    return _estimate(file_size, per_token * n_ctx, n_ctx, n_layer, gpu_layers, from_header=False)


def _estimate(
    file_size: int, kv: int, n_ctx: int, n_layer: int, gpu_layers: int, from_header: bool
) -> MemoryEstimate:
    overhead = OVERHEAD_BASE + int(file_size * OVERHEAD_FRACTION)
    ram, gpu = _split(file_size, kv, overhead, n_layer, gpu_layers)
    return MemoryEstimate(
        weights_bytes=file_size,
        kv_cache_bytes=kv,
        overhead_bytes=overhead,
        n_ctx=n_ctx,
        gpu_layers=gpu_layers,
        ram_bytes=ram,
        gpu_bytes=gpu,
        from_header=from_header,
    )


def _breakdown(estimate: MemoryEstimate) -> str:
    return (
        f"needs about {gb(estimate.total_bytes)} ({gb(estimate.weights_bytes)} weights + "
        f"{gb(estimate.kv_cache_bytes)} context of {estimate.n_ctx:,} tokens + "
        f"{gb(estimate.overhead_bytes)} overhead)"
    )


def _judge(needed: int, total: int, available: int, memory: str) -> tuple[Fit, str]:
    if needed <= available * FITS_SHARE:
        return "fits", f"{gb(available)} of {gb(total)} {memory} is free."
    if needed <= available or needed <= total * TIGHT_SHARE_OF_TOTAL:
        return "tight", (
            f"only {gb(available)} of {gb(total)} {memory} is free: close other programs, "
            "or pick a shorter context or a smaller file."
        )
    return "won't fit", (
        f"this machine has {gb(total)} {memory} ({gb(available)} free). "
        "Pick a smaller quantization or a smaller model."
    )


def fit_verdict(
    estimate: MemoryEstimate,
    total_ram: int,
    available_ram: int,
    gpu_total: int | None = None,
    gpu_free: int | None = None,
) -> FitVerdict:
    """'fits', 'tight' or "won't fit", with the numbers and a one-line explanation."""
    needed = estimate.ram_bytes
    fit, reason = _judge(needed, total_ram, available_ram, "RAM")
    available, total = available_ram, total_ram
    if estimate.gpu_bytes > 0 and gpu_total is not None and gpu_free is not None:
        gpu_fit, gpu_reason = _judge(estimate.gpu_bytes, gpu_total, gpu_free, "GPU memory")
        if _ORDER[gpu_fit] > _ORDER[fit]:
            fit, reason = gpu_fit, gpu_reason
            needed, available, total = estimate.gpu_bytes, gpu_free, gpu_total
    label = {"fits": "Fits", "tight": "Tight", "won't fit": "Won't fit"}[fit]
    return FitVerdict(
        fit=fit,
        needed_bytes=needed,
        available_bytes=available,
        total_bytes=total,
        explanation=f"{label}: {_breakdown(estimate)}; {reason}",
    )

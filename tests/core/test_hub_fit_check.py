"""Memory estimate and the fits / tight / won't fit verdict."""

from __future__ import annotations

from pathlib import Path

from app.hub.local.fit_check import (
    GIB,
    MIB,
    estimate_memory,
    estimate_memory_rough,
    fit_verdict,
    kv_bytes_per_token,
)
from app.hub.local.gguf_header import read_gguf_metadata


def test_kv_cache_formula() -> None:
    # Llama 3 8B: 32 layers, 8 KV heads of 128 -> 128 KiB per token.
    assert kv_bytes_per_token(32, 8, 128) == 131_072


def test_estimate_for_the_default_model(default_model: Path) -> None:
    meta = read_gguf_metadata(default_model)
    size = default_model.stat().st_size
    assert meta.block_count and meta.head_count_kv and meta.head_dim
    estimate = estimate_memory(size, meta.block_count, meta.head_count_kv, meta.head_dim, 4096)
    assert estimate.kv_cache_bytes == 2 * 30 * 3 * 64 * 2 * 4096  # 90 MiB
    assert estimate.weights_bytes == size
    assert estimate.overhead_bytes == 256 * MIB + int(size * 0.05)
    assert estimate.total_bytes == size + estimate.kv_cache_bytes + estimate.overhead_bytes
    assert (estimate.ram_bytes, estimate.gpu_bytes) == (estimate.total_bytes, 0)
    assert estimate.from_header


def test_gpu_layers_move_a_share_to_the_gpu() -> None:
    estimate = estimate_memory(4 * GIB, 32, 8, 128, 8192, gpu_layers=16)
    kv = 131_072 * 8192
    assert estimate.gpu_bytes == (4 * GIB + kv) // 2 + estimate.overhead_bytes // 2
    assert estimate.ram_bytes + estimate.gpu_bytes == estimate.total_bytes


def test_verdicts_with_numbers() -> None:
    gb = 10**9
    estimate = estimate_memory(4 * gb, 32, 8, 128, 8192)  # 4 + 1.07 + 0.47 = 5.54 GB
    fits = fit_verdict(estimate, total_ram=16 * gb, available_ram=12 * gb)
    assert fits.fit == "fits"
    assert fits.needed_bytes == estimate.total_bytes
    assert fits.explanation == (
        "Fits: needs about 5.5 GB (4.0 GB weights + 1.1 GB context of 8,192 tokens + "
        "468 MB overhead); 12.0 GB of 16.0 GB RAM is free."
    )
    tight = fit_verdict(estimate, total_ram=16 * gb, available_ram=4 * gb)
    assert tight.fit == "tight"
    assert tight.explanation.endswith(
        "only 4.0 GB of 16.0 GB RAM is free: close other programs, "
        "or pick a shorter context or a smaller file."
    )
    wont = fit_verdict(estimate, total_ram=6 * gb, available_ram=3 * gb)
    assert wont.fit == "won't fit"
    assert wont.explanation.startswith("Won't fit: needs about 5.5 GB")
    assert "this machine has 6.0 GB RAM (3.0 GB free)" in wont.explanation
    assert (wont.available_bytes, wont.total_bytes) == (3 * gb, 6 * gb)


def test_gpu_memory_can_be_the_limit() -> None:
    estimate = estimate_memory(8 * GIB, 32, 8, 128, 4096, gpu_layers=32)
    verdict = fit_verdict(estimate, 64 * GIB, 60 * GIB, gpu_total=4 * GIB, gpu_free=4 * GIB)
    assert verdict.fit == "won't fit"
    assert "GPU memory" in verdict.explanation
    assert verdict.needed_bytes == estimate.gpu_bytes


def test_rough_estimate_without_a_header() -> None:
    estimate = estimate_memory_rough(5 * GIB, 8_000_000_000, 8192)
    assert not estimate.from_header
    assert estimate.kv_cache_bytes == 16 * 1024 * 8 * 8192
    tiny = estimate_memory_rough(100 * MIB, 135_000_000, 1000)
    assert tiny.kv_cache_bytes == 12 * 1024 * 1000

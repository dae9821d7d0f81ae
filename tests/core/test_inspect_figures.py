"""The inspector's figures from real TurnStats/ModelInfo values: exact arithmetic."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from app.inspect.figures import (
    PHASE_DECODE,
    PHASE_LOAD,
    PHASE_OVERHEAD,
    PHASE_PROMPT,
    app_overhead_s,
    decode_kv_tokens,
    kv_bytes_per_token,
    kv_cache,
    model_kv_bytes_per_token,
    quantization,
    reply_speed,
    reply_timeline,
    reuse_fraction,
    speed_ceiling,
)
from tests.values_factory import model_info, turn_stats

STATS = turn_stats(wall_s=2.25)

SMOLLM = model_info(n_head_kv=3, head_dim=64, kv_bytes_per_token=23_040)


def test_timeline_without_load_has_prompt_decode_and_overhead():
    timeline = reply_timeline(STATS)
    assert [p.name for p in timeline.phases] == [PHASE_PROMPT, PHASE_DECODE, PHASE_OVERHEAD]
    assert timeline.seconds(PHASE_PROMPT) == 0.1
    assert timeline.seconds(PHASE_DECODE) == 2.0
    assert timeline.seconds(PHASE_OVERHEAD) == pytest.approx(0.15)
    assert timeline.seconds(PHASE_LOAD) == 0.0
    assert timeline.total_s == pytest.approx(2.25)
    assert timeline.fractions() == pytest.approx((0.1 / 2.25, 2.0 / 2.25, 0.15 / 2.25))


def test_timeline_puts_a_paid_load_first_and_outside_the_turns_wall_time():
    timeline = reply_timeline(replace(STATS, load_s=1.5))
    assert [p.name for p in timeline.phases] == [
        PHASE_LOAD,
        PHASE_PROMPT,
        PHASE_DECODE,
        PHASE_OVERHEAD,
    ]
    assert timeline.seconds(PHASE_LOAD) == 1.5
    assert timeline.seconds(PHASE_OVERHEAD) == pytest.approx(0.15)
    assert timeline.total_s == pytest.approx(3.75)


def test_overhead_is_never_negative():
    assert app_overhead_s(replace(STATS, wall_s=2.0)) == 0.0
    assert app_overhead_s(replace(STATS, wall_s=2.5)) == pytest.approx(0.4)
    assert reply_timeline(replace(STATS, prefill_s=0, decode_s=0, wall_s=0)).fractions() == (
        0.0,
        0.0,
        0.0,
    )


def test_reuse_fraction():
    assert reuse_fraction(STATS) == pytest.approx(2 / 3)
    assert reuse_fraction(replace(STATS, prompt_tokens=0, cached_tokens=0)) == 0.0


def test_kv_bytes_per_token_from_layers_heads_and_cache_type():
    # SmolLM2-135M: 30 layers x 3 KV heads x 64 dims, K and V, 2 bytes each (f16)
    assert kv_bytes_per_token(30, 3, 64) == 23_040
    assert kv_bytes_per_token(30, 3, 64, "f32") == 46_080
    assert kv_bytes_per_token(30, 3, 64, "q8_0") == 2 * 30 * 3 * 64 * 34 / 32
    assert kv_bytes_per_token(32, 8, 128, "Q4_0") == 2 * 32 * 8 * 128 * 18 / 32
    assert model_kv_bytes_per_token(SMOLLM) == 23_040
    fake = replace(SMOLLM, n_layer=0, n_head_kv=0, head_dim=0, kv_bytes_per_token=1000)
    assert model_kv_bytes_per_token(fake) == 1000


def test_kv_cache_size_held_and_reserved():
    kv = kv_cache(SMOLLM, 700)
    assert kv.bytes_held == 700 * 23_040 == 16_128_000
    assert kv.bytes_reserved == 4096 * 23_040
    assert kv.fraction_full == 700 / 4096
    assert kv_cache(SMOLLM, 100, context_size=2048).bytes_reserved == 2048 * 23_040
    assert kv_cache(SMOLLM, -5).bytes_held == 0


def test_quantization_figures():
    q = quantization(SMOLLM)
    assert q.name == "Q4_1"
    assert q.bits_per_weight == pytest.approx(98_000_000 * 8 / 134_515_008)
    assert round(q.bits_per_weight, 2) == 5.83
    assert q.weights_bytes == 98_000_000
    assert q.f16_bytes == 269_030_016
    assert q.smaller_than_f16 == pytest.approx(269_030_016 / 98_000_000)
    assert quantization(replace(SMOLLM, file_size=0)).smaller_than_f16 == 0.0


def test_speed_ceiling_is_bandwidth_over_bytes_per_token():
    ceiling = speed_ceiling(20.0, 1e9, 0.0, 10.0)
    assert ceiling is not None
    assert ceiling.ceiling_tps == 20.0
    assert ceiling.fraction == 0.5
    with_kv = speed_ceiling(10.0, 0.9e9, 0.1e9, 7.1)
    assert with_kv is not None and with_kv.bytes_per_token == 1e9
    assert with_kv.fraction == pytest.approx(0.71)
    assert speed_ceiling(0.0, 1e9, 0.0, 10.0) is None
    assert speed_ceiling(20.0, 0.0, 0.0, 10.0) is None


def test_reply_speed_counts_weights_and_the_kv_cache_halfway_through_the_decode():
    assert decode_kv_tokens(STATS) == 650
    ceiling = reply_speed(STATS, SMOLLM, 18.0)
    assert ceiling is not None
    assert ceiling.bytes_per_token == 98_000_000 + 650 * 23_040
    expected = 18e9 / (98_000_000 + 650 * 23_040)
    assert ceiling.ceiling_tps == pytest.approx(expected)
    assert ceiling.fraction == pytest.approx(50.0 / expected)
    assert math.isclose(ceiling.fraction * 100, 31.38, abs_tol=0.01)

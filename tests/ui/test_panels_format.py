"""Human formatting of sizes, parameter counts, rates and durations."""

from __future__ import annotations

import pytest

from app.ui.common.format import (
    UNKNOWN,
    format_bytes,
    format_context_length,
    format_count,
    format_model_details,
    format_params,
    format_percent,
    format_rate,
    format_seconds,
)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (0, "0 B"),
        (999, "999 B"),
        (1_000, "1 KB"),
        (1_536, "1.5 KB"),
        (98_000_000, "98 MB"),
        (104_000_000, "104 MB"),
        (999_600_000, "1 GB"),
        (1_234_000_000, "1.2 GB"),
        (4_370_000_000, "4.4 GB"),
        (12_600_000_000_000, "13 TB"),
        (None, UNKNOWN),
        (-1, UNKNOWN),
    ],
)
def test_format_bytes(size, expected):
    assert format_bytes(size) == expected


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (134_515_008, "135M"),
        (1_000_000, "1M"),
        (1_500_000, "1.5M"),
        (1_711_376_384, "1.7B"),
        (7_241_732_096, "7.2B"),
        (70_553_706_496, "71B"),
        (999_700_000, "1B"),
        (22_000, "22K"),
        (500, "500"),
        (0, UNKNOWN),
        (None, UNKNOWN),
    ],
)
def test_format_params(count, expected):
    assert format_params(count) == expected


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (3.14159, "3.14 tok/s"),
        (42.26, "42.3 tok/s"),
        (1234.4, "1,234 tok/s"),
        (0.0, UNKNOWN),
        (None, UNKNOWN),
        (float("inf"), UNKNOWN),
    ],
)
def test_format_rate(rate, expected):
    assert format_rate(rate) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0.0, "0 ms"),
        (0.0424, "42 ms"),
        (1.2345, "1.23 s"),
        (12.34, "12.3 s"),
        (125.0, "2 min 05 s"),
        (3725.0, "1 h 02 min"),
        (None, UNKNOWN),
        (-0.5, UNKNOWN),
    ],
)
def test_format_seconds(seconds, expected):
    assert format_seconds(seconds) == expected


def test_counts_context_lengths_and_percentages():
    assert format_count(12345) == "12,345"
    assert format_count(None) == UNKNOWN
    assert format_context_length(8192) == "8K"
    assert format_context_length(131072) == "128K"
    assert format_context_length(1000) == "1,000"
    assert format_context_length(None) == UNKNOWN
    assert format_percent(900, 1000) == "90%"
    assert format_percent(1, 0) == UNKNOWN


def test_model_details_leave_out_unknowns():
    assert format_model_details(134_515_008, "Q4_1", 98_000_000, 8192) == (
        "135M · Q4_1 · 98 MB · 8K ctx"
    )
    assert format_model_details(None, "F16", None, 2048) == "F16 · 2K ctx"
    assert format_model_details(None, None, None, None) == ""

"""Numbers as a person reads them: sizes, parameter counts, rates, durations.

Pure functions (no Qt) so they are trivially testable; the UI shows "—" for unknown values.
"""

from __future__ import annotations

import math

UNKNOWN = "—"

_BYTE_UNITS = ("B", "KB", "MB", "GB", "TB")
_PARAM_UNITS = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))


def _short(value: float) -> str:
    """One decimal below 10 (without a trailing ".0"), whole numbers above."""
    if value < 9.95:
        text = f"{value:.1f}"
        return text[:-2] if text.endswith(".0") else text
    return f"{value:.0f}"


def format_bytes(size: int | float | None) -> str:
    """Decimal units, as file managers show them: 512 B, 98 MB, 1.2 GB."""
    if size is None or size < 0 or not math.isfinite(size):
        return UNKNOWN
    value = float(size)
    for unit in _BYTE_UNITS:
        if value < 999.5 or unit == _BYTE_UNITS[-1]:
            return f"{value:.0f} {unit}" if unit == "B" else f"{_short(value)} {unit}"
        value /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


def format_params(count: int | None) -> str:
    """Parameter count as model cards say it: 135M, 1.7B, 7.2B, 70B."""
    if count is None or count <= 0:
        return UNKNOWN
    for scale, suffix in _PARAM_UNITS:
        if count >= scale * 0.9995:
            return f"{_short(count / scale)}{suffix}"
    return str(count)


def format_rate(tokens_per_second: float | None) -> str:
    """A tokens/s rate: 3 significant figures below 100, whole numbers above."""
    if tokens_per_second is None or not math.isfinite(tokens_per_second):
        return UNKNOWN
    if tokens_per_second <= 0:
        return UNKNOWN
    if tokens_per_second < 10:
        return f"{tokens_per_second:.2f} tok/s"
    if tokens_per_second < 100:
        return f"{tokens_per_second:.1f} tok/s"
    return f"{tokens_per_second:,.0f} tok/s"


def format_seconds(seconds: float | None) -> str:
    """A duration: 850 ms, 1.24 s, 12.3 s, 2 min 05 s, 1 h 02 min."""
    if seconds is None or seconds < 0 or not math.isfinite(seconds):
        return UNKNOWN
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {(whole % 3600) // 60:02d} min"


def format_count(count: int | None) -> str:
    """A token count with thousands separators: 12,345."""
    return UNKNOWN if count is None or count < 0 else f"{count:,}"


def format_context_length(tokens: int | None) -> str:
    """A context length the way model cards write it: 2K, 8K, 128K; otherwise the number."""
    if tokens is None or tokens <= 0:
        return UNKNOWN
    if tokens % 1024 == 0:
        return f"{tokens // 1024}K"
    return f"{tokens:,}"


def format_percent(part: float, whole: float) -> str:
    if whole <= 0:
        return UNKNOWN
    return f"{100 * part / whole:.0f}%"


def format_model_details(
    parameter_count: int | None,
    quantization: str | None,
    file_size: int | None,
    context_length: int | None,
) -> str:
    """'135M · Q4_1 · 98 MB · 8K ctx'; unknown parts are left out ("" when nothing is known)."""
    parts = [
        format_params(parameter_count) if parameter_count else "",
        quantization or "",
        format_bytes(file_size) if file_size else "",
        f"{format_context_length(context_length)} ctx" if context_length else "",
    ]
    return " · ".join(part for part in parts if part)

"""Memory bandwidth: the arithmetic exactly, and one real (small) measurement."""

from __future__ import annotations

import math

from app.inspect.bandwidth import gigabytes_per_second, measure_bandwidth


def test_gigabytes_per_second_is_decimal():
    assert gigabytes_per_second(2_000_000_000, 0.1) == 20.0
    assert gigabytes_per_second(1 << 30, 1.0) == 1.073741824
    assert gigabytes_per_second(100, 0.0) == 0.0
    assert gigabytes_per_second(0, 1.0) == 0.0
    assert gigabytes_per_second(100, math.inf) == 0.0


def test_a_small_measurement_reports_consistent_numbers():
    result = measure_bandwidth(size_bytes=16 << 20, runs=3, threads=2)
    assert result.bytes_read == 16 << 20
    assert result.runs == 3 and result.threads == 2
    assert 0 < result.best_s <= result.total_s
    assert result.gbps == gigabytes_per_second(result.bytes_read, result.best_s)
    assert 0.1 < result.gbps < 10_000  # any real machine reads between 100 MB/s and 10 TB/s


def test_the_inspect_package_imports_neither_qt_nor_numpy_upfront():
    import subprocess
    import sys

    code = (
        "import sys, app.inspect.figures, app.inspect.forecast, app.inspect.history, "
        "app.inspect.bandwidth; "
        "print(sorted(m for m in ('PySide6', 'qasync', 'numpy', 'llama_cpp') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

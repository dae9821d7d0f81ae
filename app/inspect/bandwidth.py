"""How fast this machine reads memory: the ceiling for decoding speed on a CPU.

Decoding one token reads every weight of the model once (plus the KV cache in use), so
tokens/s can never exceed bandwidth / bytes per token. We measure read bandwidth the
way decoding uses it: several threads each summing their slice of an array far larger
than the CPU caches, best of a few runs. About 0.3 s; call it off the GUI thread.
"""

from __future__ import annotations

import math
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

DEFAULT_BYTES = 128 << 20  # 4x a large L3 cache, small enough to allocate in ~0.1 s
DEFAULT_RUNS = 5
MAX_THREADS = 4  # decoding stops scaling at 3-4 threads; so does reading memory


@dataclass(frozen=True, slots=True)
class BandwidthMeasurement:
    gbps: float  # decimal gigabytes per second, best run
    bytes_read: int  # per run
    best_s: float
    runs: int
    threads: int
    total_s: float  # everything, allocation included


def gigabytes_per_second(bytes_read: int, seconds: float) -> float:
    """Decimal GB/s (1 GB = 10^9 bytes, as memory vendors quote it); 0 for no time."""
    if seconds <= 0 or not math.isfinite(seconds) or bytes_read <= 0:
        return 0.0
    return bytes_read / seconds / 1e9


def default_threads() -> int:
    return max(1, min(os.cpu_count() or 1, MAX_THREADS))


def measure_bandwidth(
    size_bytes: int = DEFAULT_BYTES, runs: int = DEFAULT_RUNS, threads: int | None = None
) -> BandwidthMeasurement:
    """Read `size_bytes` of memory `runs` times with `threads` threads; keep the best run."""
    import numpy as np

    started = time.perf_counter()
    threads = max(1, threads or default_threads())
    count = max(threads, size_bytes // 8)
    data = np.empty(count, dtype=np.float64)
    data.fill(1.0)  # touch every page now, so the runs measure reads, not page faults
    chunks = np.array_split(data, threads)
    best = math.inf
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="hearth-bandwidth") as pool:
        for _ in range(max(1, runs)):
            run_started = time.perf_counter()
            totals = list(pool.map(np.sum, chunks))  # numpy releases the GIL while summing
            best = min(best, time.perf_counter() - run_started)
            if sum(float(t) for t in totals) != float(count):
                raise RuntimeError("memory read check failed")
    bytes_read = int(data.nbytes)
    return BandwidthMeasurement(
        gbps=gigabytes_per_second(bytes_read, best),
        bytes_read=bytes_read,
        best_s=best,
        runs=max(1, runs),
        threads=threads,
        total_s=time.perf_counter() - started,
    )

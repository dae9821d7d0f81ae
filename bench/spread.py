"""Ratios measured over interleaved pairs: their median and spread, and the targets' check.

One run of each side, one after the other, is at the mercy of a shared machine (the decode
ratio measured 0.96 in one run and 1.01 in another). Each ratio here comes from at least
five pairs run A B A B …; the check looks at the median only, the spread is reported so a
reader can see how much to trust it.
"""

from __future__ import annotations

import operator
import statistics
from collections.abc import Callable, Sequence
from typing import Any

# (section, ratio) -> (comparison, bound, what the report says)
TARGETS: dict[tuple[str, str], tuple[Callable[[float, float], bool], float, str]] = {
    ("decode", "ratio_engine_vs_bare_tps"): (operator.ge, 0.97, ">= 0.97"),
    ("decode", "engine_overhead_growth"): (operator.le, 1.05, "<= 1.05"),
    ("ttft", "cached_turn12_over_turn1"): (operator.le, 1.3, "<= 1.3"),
    ("reopen", "ratio_restored_vs_reevaluated"): (operator.le, 0.25, "<= 0.25"),
    ("gui_stall", "longest_stall_ms"): (operator.le, 50.0, "<= 50"),
    ("branch_switch", "ratio_switch_vs_reread"): (operator.le, 0.25, "<= 0.25"),
}


def spread(values: Sequence[float]) -> dict[str, Any]:
    """Median, min, max and the values themselves (in the order measured)."""
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
        "values": list(values),
    }


def targets_for(section: str) -> dict[str, str]:
    return {name: text for (part, name), (_, _, text) in TARGETS.items() if part == section}


def median_of(report: dict[str, Any], section: str, name: str) -> float | None:
    value = report.get(section, {}).get(name)
    if isinstance(value, dict):
        return float(value["median"])
    return float(value) if isinstance(value, int | float) else None


def misses(report: dict[str, Any]) -> list[str]:
    """The targets whose median (or single measurement) misses; sections not run are skipped."""
    found = []
    for (section, name), (compare, bound, text) in TARGETS.items():
        value = median_of(report, section, name)
        if value is not None and not compare(value, bound):
            found.append(f"{section}.{name}: median {value:.3f}, target {text}")
    return found

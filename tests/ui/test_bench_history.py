"""The history benchmark's own checks at 100,000 messages (bench/history.py; 1M runs in
the benchmark only): search, launch against an empty history, GUI stall while typing a
search, RSS. Ratios and limits within this one run.

Search: every one of the 20 queries, hits and misses, 3+ and 1-2 characters, meets the 30 ms
goal on its first run (a new reader, the file's pages dropped from the OS cache, after the
read-ahead the window's reader does). Each query counts the faster of two such first runs,
so a busy runner's scheduling spike does not fail it; the slowest takes ~15 ms here.

Launch: five launches of each history, taken in turn (empty, 100k, empty, ...), and the
fastest of each five compared. Single launches vary by +-30% on a shared runner (1.05-1.9 s
for the same empty history), far more than the ~50 ms that rendering the newest
conversation adds; a median of three once failed CI at 1.32x with no change in the code."""

from __future__ import annotations

import pytest

from bench import history


@pytest.mark.slow
def test_history_of_100k_messages_meets_the_goals() -> None:
    rows = history.measure_many([0, 100_000], repeats=5, search_passes=2, report=lambda _: None)
    big = rows[1]
    assert big["queries_with_hits"] >= 10  # the hit queries find something, misses do not
    report = history.table("100k", rows)
    assert history.checks(rows) == {
        "search_ok": True,  # the worst of all 20 first runs <= 30 ms
        "launch_ok": True,
        "stall_ok": True,
        "rss_ok": True,
    }, report

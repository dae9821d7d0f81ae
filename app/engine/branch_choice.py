"""Which kept KV state a new prompt should start from: the one whose text shares the
longest start with it (the branch end lying deepest on the prompt's path).

Plain functions over texts, so the choice is tested without a model. Texts are compared,
not message ids: a state spells exactly the prompt (and reply) it was made from, so the
shared start is what llama.cpp's prefix match will reuse, whoever sends the prompt (the
window, the API server) and however the branches were made.
"""

from __future__ import annotations

from collections.abc import Sequence


def shared_start(a: str, b: str) -> int:
    """How many characters `a` and `b` share at their start."""
    if b.startswith(a):
        return len(a)
    low, high = 0, min(len(a), len(b))
    while low < high:  # binary search on slices: fast in C, no per-character Python loop
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def choose(texts: Sequence[str], prompt: str, floor: int = 0) -> int | None:
    """The index of the text sharing the longest start with `prompt` (the first one on a
    tie: callers list the most recently used first), or None when none shares more than
    `floor` characters."""
    best, best_share = None, floor
    for index, text in enumerate(texts):
        share = shared_start(text, prompt)
        if share > best_share:
            best, best_share = index, share
    return best

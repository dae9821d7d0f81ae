"""Context shift: when old turns are dropped, cut them out of the KV cache instead of
re-evaluating everything after the system prompt.

`find_cut` works on bytes only (tested without a model): given the pieces of the tokens the
cache holds and the new prompt's text, it finds the span of held tokens whose removal leaves
a token sequence that spells a prefix of the new prompt. `llama_internals.cut_cache`
then removes that span from llama.cpp's KV cache and slides the rest back (llama.cpp
re-rotates the keys).
"""

from __future__ import annotations

from itertools import accumulate


def _common_prefix(a: bytes, b: bytes) -> int:
    n = min(len(a), len(b))
    low, high = 0, n
    while low < high:  # binary search on slice equality: fast in C
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def find_cut(pieces: list[bytes], new_text: bytes) -> tuple[int, int] | None:
    """(start, end) token indices to remove, or None when no cut leaves a usable prefix.

    The kept tokens are pieces[:start] + pieces[end:]; at least one token after the cut is
    kept (otherwise it is a plain truncation, which llama.cpp's prefix match already does).
    """
    held = b"".join(pieces)
    bounds = [0, *accumulate(len(p) for p in pieces)]
    common = _common_prefix(held, new_text)
    start = max(i for i, offset in enumerate(bounds[:-1]) if offset <= common)
    kept_head = bounds[start]
    for end in range(start + 1, len(pieces)):
        tail = held[bounds[end] :]
        if new_text.startswith(tail, kept_head):
            return start, end
    return None

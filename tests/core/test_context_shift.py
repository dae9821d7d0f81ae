"""find_cut on bytes: the span of held tokens to remove when old turns are dropped."""

from __future__ import annotations

from app.engine.context_shift import find_cut

SYS = [b"<s>", b"system\n", b"Be kind.", b"</s>"]
T1 = [b"<s>", b"user\n", b"Q1", b"</s>", b"<s>", b"assistant\n", b"A", b"1"]
T1_END = [b"</s>"]
T2 = [b"<s>", b"user\n", b"Q2", b"</s>", b"<s>", b"assistant\n", b"A2"]


def test_cut_removes_exactly_the_dropped_turn() -> None:
    held = SYS + T1 + T1_END + T2
    new = b"".join(SYS + T2) + b"</s><s>user\nQ3</s><s>assistant\n"
    cut = find_cut(held, new)
    assert cut is not None
    start, end = cut
    kept = b"".join(held[:start] + held[end:])
    assert new.startswith(kept), "what stays in the cache spells the new prompt's start"
    assert len(kept) == len(b"".join(SYS + T2)), "all of the later turn is kept"
    assert end - start == len(T1) + 1, "as many tokens removed as the dropped turn had"


def test_no_cut_when_the_rest_is_not_kept_verbatim() -> None:
    held = SYS + T1 + T1_END + T2
    new = b"".join(SYS) + b"<s>user\nsomething else entirely"
    assert find_cut(held, new) is None


def test_tokens_split_differently_from_the_text_are_handled_by_byte_offsets() -> None:
    held = [b"ab", b"c", b"de", b"fgh", b"ij"]  # "abcdefghij"
    new = b"abc" + b"fghij" + b"klm"  # drop "de"
    assert find_cut(held, new) == (2, 3)

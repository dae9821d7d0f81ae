"""Text as search compares it, and the snippet that shows where a message matched."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SNIPPET_CONTEXT = 40  # characters shown on each side of the hit


# Combining diacritical marks (accents) in their Unicode blocks; removed after NFKD. Marks
# that are letters' vowels in other scripts (Devanagari, Arabic...) stay.
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def fold(text: str) -> str:
    """Compatibility-normalised, case-folded, accents removed: Straße == STRASSE, é == e."""
    if text.isascii():
        return text.lower()
    bare = _ACCENTS.sub("", unicodedata.normalize("NFKD", text))
    return unicodedata.normalize("NFKC", bare).casefold()


def contains_folded(haystack: str | None, folded_needle: str) -> bool:
    return haystack is not None and folded_needle in fold(haystack)


@dataclass(frozen=True, slots=True)
class Snippet:
    """A piece of a message around the first hit: ``before`` + ``match`` + ``after``."""

    before: str
    match: str
    after: str


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _fold_with_owners(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` built piece by piece, and for each of its characters the index of the
    character of ``text`` it came from. ASCII runs (most text) map one to one."""
    folded: list[str] = []
    owners: list[int] = []
    done = 0
    for run in _NON_ASCII.finditer(text):
        folded.append(text[done : run.start()].lower())
        owners.extend(range(done, run.start()))
        for index in range(run.start(), run.end()):
            piece = fold(text[index])
            folded.append(piece)
            owners.extend([index] * len(piece))
        done = run.end()
    folded.append(text[done:].lower())
    owners.extend(range(done, len(text)))
    return "".join(folded), owners


def _find(text: str, needle: str) -> tuple[int, int] | None:
    """Start and end, in ``text``, of the first place whose fold contains ``needle``."""
    if text.isascii() and needle.isascii():
        start = text.lower().find(needle)
        return None if start < 0 else (start, start + len(needle))
    folded, owners = _fold_with_owners(text)
    start = folded.find(needle)
    if start < 0:
        return None
    return owners[start], owners[start + len(needle) - 1] + 1


def snippet(text: str, folded_needle: str, context: int = SNIPPET_CONTEXT) -> Snippet | None:
    """The hit with up to ``context`` characters around it, whitespace collapsed; None if
    ``text`` does not contain the needle (a stale index entry)."""
    span = _find(text, folded_needle)
    if span is None:
        return None
    start, end = span
    before = ("…" if start > context else "") + " ".join(
        text[max(0, start - context) : start].split()
    )
    after = " ".join(text[end : end + context].split()) + ("…" if end + context < len(text) else "")
    gap_before = " " if before and text[start - 1].isspace() else ""
    gap_after = " " if after and end < len(text) and text[end].isspace() else ""
    return Snippet(before + gap_before, text[start:end], gap_after + after)

"""Sections into passages of about CHUNK_CHARS characters that never cross a heading or a
page; paragraphs are kept whole where they fit, long ones are cut at sentence ends."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from app.documents.values import Chunk, Section

CHUNK_CHARS = 900
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def chunk_sections(sections: Sequence[Section], size: int = CHUNK_CHARS) -> list[Chunk]:
    out: list[Chunk] = []
    for section in sections:
        for text in _pieces(section.text, size):
            out.append(Chunk(len(out), section.location, text))
    return out


def _pieces(text: str, size: int) -> Iterator[str]:
    current: list[str] = []
    length = 0
    for unit in _units(text, size):
        if current and length + len(unit) > size:
            yield "\n\n".join(current)
            current, length = [], 0
        current.append(unit)
        length += len(unit) + 2
    if current:
        yield "\n\n".join(current)


def _units(text: str, size: int) -> Iterator[str]:
    """Paragraphs; one longer than `size` split by sentences, then hard at `size`."""
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if len(paragraph) <= size:
            yield paragraph
            continue
        for sentence in _SENTENCE.split(paragraph):
            for start in range(0, len(sentence), size):
                yield sentence[start : start + size]

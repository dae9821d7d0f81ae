"""How long a term's doclist is in an FTS5 index, from the index's own b-tree of terms
(the layout is described in SQLite's fts5_index.c and is part of FTS5's file format):

- ``%_idx`` (segid, term, pgno): per segment, one row per leaf page that has a term start,
  keyed by (a prefix of) the first term starting there; ``pgno`` is the page number << 1
  (the low bit: a doclist index). A term's doclist runs from the page it starts on to at
  most the next page that has a row here.
- ``%_data`` (id, block): leaf page ``n`` of segment ``s`` has id ``s << 37 | n``.

An estimate errs one way only: a long doclist is never taken for a short one (no page it
runs over has a row), but a short one can be taken for a long one that starts after it on
the same page. (Which term runs on could be read from that page, at the cost of a page read
per common term; on the benchmark's queries that chose no better.) Two index seeks per
term and segment, in pages FTS5 reads for the query anyway.
"""

from __future__ import annotations

import sqlite3

SMALL_SEGMENT = 16  # leaf pages: smaller segments (the newest messages) are left out
_LEAF_PAGES = 1 << 31  # ids of a segment's leaves: segment << 37 | page (height 0)
_SEGMENT_SHIFT = 37


def doclist_pages(db: sqlite3.Connection, table: str, terms: set[str]) -> dict[str, int] | None:
    """Leaf pages each term's doclist spans, summed over the index's segments of at least
    ``SMALL_SEGMENT`` pages (a smaller one adds little to any term); None if the index has
    no segment."""
    segments = _segments(db, table)
    if not segments:
        return None
    pages = dict.fromkeys(terms, 0)
    for segment, last_page in segments:
        if last_page < SMALL_SEGMENT:
            continue
        for term in terms:
            pages[term] += _span(db, table, segment, last_page, b"0" + term.encode())
    return pages


def _segments(db: sqlite3.Connection, table: str) -> list[tuple[int, int]]:
    """(segment id, its last leaf page) of each segment (a seek or two each: a handful)."""
    found: list[tuple[int, int]] = []
    while True:
        after = found[-1][0] if found else -1
        row = db.execute(f"SELECT min(segid) FROM {table}_idx WHERE segid > ?", (after,))
        segment = row.fetchone()[0]
        if segment is None:
            return found
        low = int(segment) << _SEGMENT_SHIFT
        last = db.execute(
            f"SELECT max(id) FROM {table}_data WHERE id >= ? AND id < ?", (low, low + _LEAF_PAGES)
        ).fetchone()[0]
        found.append((int(segment), int(last) - low if last is not None else 0))


def _span(db: sqlite3.Connection, table: str, segment: int, last_page: int, key: bytes) -> int:
    """Pages the doclist of ``key`` (index prefix byte and term) runs on past the page it
    starts on, in this segment (0: it fits in that page, or is not there)."""
    starts, ends = db.execute(
        f"SELECT (SELECT pgno FROM {table}_idx WHERE segid = ?1 AND term <= ?2"
        " ORDER BY term DESC LIMIT 1),"
        f" (SELECT pgno FROM {table}_idx WHERE segid = ?1 AND term > ?2 ORDER BY term LIMIT 1)",
        (segment, key),
    ).fetchone()
    first = int(starts) >> 1 if starts is not None else 1
    return (int(ends) >> 1 if ends is not None else last_page) - first

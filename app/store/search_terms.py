"""What the full-text index is asked for a query: its rarest few trigrams, not all of them.

A phrase query reads the doclist (rowids and positions) of every trigram of the query over
the range of messages it walks through, and a query made of common words is mostly common
trigrams: "iafm ieow sths" has 12, nine of them in 70-90% of messages. Read from a cold disk
(the first search after a reboot) that is ~300 pages at a million messages, 20-30 ms. The
rarest three (here "w s", "m i", "ths") within the query's span (FTS5's NEAR) pick almost
the same messages from a quarter of the pages. It is a superset of the phrase's matches,
and every candidate is checked against the message text before it is shown (``search``),
so results are exactly those of the phrase (and of a plain scan).

How rare a trigram is comes from the index's own b-tree (FTS5's ``%_idx`` shadow table: per
segment, the first term of each leaf page and that page's number): the pages between the
entry a term starts on and the next entry are its doclist's length. A few lookups in a
small table whose pages FTS5 reads for the query anyway; if the layout is not what it
expects the whole phrase is used, as before. So is it when the rare trigrams turn out to
pick many messages the phrase would not (``search_candidates``).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from app.store.fts5_layout import doclist_pages

TRIGRAM = 3
FEW = 3  # trigrams asked for first


def phrase(text: str) -> str:
    """``text`` as one FTS5 phrase (the trigram tokenizer reads every character)."""
    return '"' + text.replace('"', '""') + '"'


@dataclass(frozen=True, slots=True)
class Stage:
    expression: str  # for MATCH
    pages: int  # leaf pages of the doclists it reads, at most (0: not known)


def expressions(db: sqlite3.Connection, table: str, needle: str) -> list[Stage]:
    """MATCH expressions for ``needle`` (folded, at least 3 characters) on the trigram index
    ``table``, to try in turn, each picking every message the needle is in: NEAR of its
    ``FEW`` rarest trigrams; then of those and the rarest of each of its words (a rare word
    is found with common ones, say); then the whole phrase. NEAR as close as they are in it."""
    trigrams = [needle[i : i + TRIGRAM] for i in range(len(needle) - TRIGRAM + 1)]
    distinct = set(trigrams)
    if len(distinct) <= FEW:
        return [Stage(phrase(needle), 0)]
    try:
        pages = doclist_pages(db, table, distinct)
    except sqlite3.Error:
        pages = None
    if pages is None:
        return [Stage(phrase(needle), 0)]
    few = _rarest(trigrams, pages, FEW)
    spread = sorted(set(few) | _rarest_of_each_word(needle, trigrams, pages))
    picks = [few] if spread == few or {trigrams[i] for i in spread} == distinct else [few, spread]
    stages = [
        Stage(_near(trigrams, p), sum(pages[t] for t in {trigrams[i] for i in p})) for p in picks
    ]
    return [*stages, Stage(phrase(needle), sum(pages.values()))]


def _near(trigrams: list[str], chosen: list[int]) -> str:
    # in a message that has the needle, this many tokens at most lie between them
    between = chosen[-1] - chosen[0] - 1
    return f"NEAR({' '.join(phrase(trigrams[i]) for i in chosen)}, {between:d})"


def _rarest(trigrams: list[str], pages: dict[str, int], terms: int) -> list[int]:
    """Positions of ``terms`` of the rarest trigrams, in order. One that overlaps a trigram
    already taken counts as twice as common (together they say little more than one)."""
    chosen: list[int] = []
    while len(chosen) < terms:
        taken = {trigrams[c] for c in chosen}
        options = [
            (pages[t] * (2 if any(abs(i - c) < TRIGRAM for c in chosen) else 1), i)
            for i, t in enumerate(trigrams)
            if t not in taken
        ]
        chosen.append(min(options)[1])
    return sorted(chosen)


def _rarest_of_each_word(needle: str, trigrams: list[str], pages: dict[str, int]) -> set[int]:
    """For each word of the needle, the position of the rarest trigram with a letter in it."""
    chosen: set[int] = set()
    for word in re.finditer(r"\S+", needle):
        touching = range(max(0, word.start() - TRIGRAM + 1), min(word.end(), len(trigrams)))
        chosen.add(min(touching, key=lambda i: (pages[trigrams[i]], i)))
    return chosen

"""Rows of a trigram index that may match a query, in rowid order, for the caller to check
against the text. First those of the query's rarest trigrams (``search_terms``), then of
more of them, and last of its whole phrase, each stage carrying on from the row the one
before reached. A stage gives way when the candidates it got wrong so far cost more than
reading the next stage's extra doclists would over the rowids it has covered (the rarest
trigrams can be common together: a rare word next to a common one, say)."""

from __future__ import annotations

import sqlite3
from collections.abc import Generator
from contextlib import closing

from app.store.search_terms import Stage, expressions

REJECTS_PER_STAGE = 32  # a stage keeps going until at least this many were wrong
PAGES_PER_REJECT = 2  # a wrong candidate costs about as much as reading this many pages


class IndexCandidates:
    """Iterate for rows of (rowid, *columns); call ``reject`` for each that did not match.
    ``extent``: the highest rowid the table can hold (its rowids run from 1 to it)."""

    def __init__(
        self,
        db: sqlite3.Connection,
        table: str,
        needle: str,
        columns: tuple[str, ...] = (),
        *,
        newest_first: bool,
        extent: int,
    ) -> None:
        self._db = db
        self._table = table
        self.stages = expressions(db, table, needle)
        self._columns = "".join(f", {column}" for column in columns)
        self._newest_first = newest_first
        self._extent = max(1, extent)
        self.rejected = 0

    def reject(self) -> None:
        self.rejected += 1

    def __iter__(self) -> Generator[sqlite3.Row, None, None]:
        after: int | None = None  # the rowid reached: the next stage carries on past it
        for stage, following in zip(self.stages, [*self.stages[1:], None], strict=True):
            rejected_before = self.rejected
            began = self._position(after)
            with closing(self._open(stage.expression, after)) as cursor:
                for row in cursor:
                    yield row
                    after = int(row[0])
                    rejected = self.rejected - rejected_before
                    if following is not None and rejected >= REJECTS_PER_STAGE:
                        covered = (self._position(after) - began) / self._extent
                        if _next_is_cheaper(stage, following, rejected, covered):
                            break
                else:
                    return

    def _position(self, after: int | None) -> int:
        """Rowids covered so far, from the end the iteration starts at."""
        if after is None:
            return 0
        return self._extent - after if self._newest_first else after

    def _open(self, expression: str, after: int | None) -> sqlite3.Cursor:
        order, past = ("DESC", "<") if self._newest_first else ("ASC", ">")
        bound = "" if after is None else f" AND rowid {past} {after:d}"
        sql = (
            f"SELECT rowid{self._columns} FROM {self._table} WHERE {self._table} MATCH ?"
            f"{bound} ORDER BY rowid {order}"
        )
        return self._db.execute(sql, (expression,))


def _next_is_cheaper(stage: Stage, following: Stage, rejected: int, covered: float) -> bool:
    """Whether ``rejected`` wrong candidates over ``covered`` (a fraction) of the rowids cost
    more than the ``following`` stage's extra pages over the same rowids."""
    return rejected * PAGES_PER_REJECT > (following.pages - stage.pages) * covered

"""Copying a staging file (`staging.py`) into the conversation store: one transaction of
three INSERT ... SELECT statements, the only time an import holds the store's write lock.

Message ids become the staged id plus an offset past every id the store has used, so the
tree (``parent_id``, each conversation's current leaf) carries over as it was staged. The
new messages are marked for the search index (``search_pending``) rather than indexed here,
which would hold the lock several times longer; `write.py` indexes them right after, in
short transactions. A conversation that
another import brought in since it was staged is left out ("already imported"). A stop
asked for during the merge interrupts it: the transaction rolls back, nothing came in.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from app.store import ChatStore
from app.store.errors import StoreWriteError
from app.store.search_pending import mark_pending
from app.store.tree_schema import ROOT
from app.transfer.model import ImportCancelled
from app.transfer.staging import StagedConversation

STAGE = "import_stage"
_CHECK_EVERY = 100_000  # SQLite VM steps between two looks at the stop flag (~ms)
_KEPT = f"SELECT id FROM {STAGE}.conversations WHERE id NOT IN (SELECT id FROM temp.import_late)"
_COPY = (
    f"INSERT INTO main.conversations"
    f" (id, title, created_at, updated_at, model_path, settings, source_id)"
    f" SELECT id, title, created_at, updated_at, NULL, settings, source_id"
    f" FROM {STAGE}.conversations WHERE id IN ({_KEPT}) ORDER BY rowid",
    f"INSERT INTO main.messages (id, conversation_id, role, content, created_at, complete,"
    f" stats, thinking, parent_id)"
    f" SELECT id + :offset, conversation_id, role, content, created_at, complete, stats,"
    f" thinking, CASE WHEN parent_id = {ROOT:d} THEN {ROOT:d} ELSE parent_id + :offset END"
    f" FROM {STAGE}.messages WHERE conversation_id IN ({_KEPT}) ORDER BY id",
    f"UPDATE main.conversations SET current_leaf = staged.leaf + :offset"
    f" FROM {STAGE}.conversations AS staged"
    f" WHERE main.conversations.id = staged.id AND staged.id IN ({_KEPT})",
)

Known = Callable[[sqlite3.Connection, str], str | None]


def _next_id(db: sqlite3.Connection) -> int:
    row = db.execute(
        "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0),"
        " coalesce((SELECT max(id) FROM messages), 0))"
    ).fetchone()
    return int(row[0]) + 1


def merge(
    store: ChatStore,
    staged: Sequence[StagedConversation],
    stage_path: Path,
    known: Known,
    should_stop: Callable[[], bool] = lambda: False,
) -> dict[str, str]:
    """Copy the staged conversations into the store in one transaction; returns the ones
    left out because they came in meanwhile (id -> why, as `known` says)."""
    db = store._conn
    db.execute(f"ATTACH DATABASE ? AS {STAGE}", (str(stage_path),))
    db.set_progress_handler(lambda: int(should_stop()), _CHECK_EVERY)
    try:
        with store._transaction() as db:
            late = {s.id: why for s in staged if (why := known(db, s.source_id)) is not None}
            db.execute("CREATE TEMP TABLE IF NOT EXISTS import_late (id TEXT PRIMARY KEY)")
            db.execute("DELETE FROM temp.import_late")
            db.executemany("INSERT INTO temp.import_late VALUES (?)", [(i,) for i in late])
            offset = {"offset": _next_id(db) - 1}
            top = db.execute(f"SELECT coalesce(max(id), 0) FROM {STAGE}.messages").fetchone()[0]
            mark_pending(db, offset["offset"] + 1, offset["offset"] + int(top))  # indexed later
            for statement in _COPY:
                db.execute(statement, offset)
            if should_stop():
                raise ImportCancelled()
        return late
    except StoreWriteError as error:  # an interrupted statement reads as a failed write
        if should_stop():
            raise ImportCancelled() from error
        raise
    finally:
        db.set_progress_handler(None, 0)
        db.execute(f"DETACH DATABASE {STAGE}")

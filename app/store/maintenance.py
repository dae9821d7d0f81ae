"""Work that grows with the history, kept off the start-up path: emptying the trash left
from earlier runs and indexing old messages for search. Runs on its own connection (any
thread), in short transactions, and stops between steps when asked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.store.search_backfill import BackfillProgress, run_backfill


def purge_trash(path: Path) -> int:
    """Really delete the conversations trashed in an earlier run; return how many."""
    from app.store.chat_store import ChatStore

    with ChatStore(path) as store:
        return store.purge_deleted()


def run_maintenance(
    path: Path,
    *,
    progress: Callable[[BackfillProgress], None] = lambda _p: None,
    should_stop: Callable[[], bool] = lambda: False,
) -> BackfillProgress:
    purge_trash(path)
    done = run_backfill(path, progress=progress, should_stop=should_stop)
    if not should_stop():
        from app.store.opening import check_in_background

        check_in_background(path)  # a big file's whole integrity check, after start-up
    return done

"""Writing imported conversations into the store, all or nothing, without holding the
store's write lock while the file is read.

The file's conversations go into a staging file first (`staging.py`: the slow part, reading
and parsing; the app keeps saving replies meanwhile), then into the store in one short
transaction (`merge.py`). A file that fails half-way, a stop, or a full disk leave the
store as it was. Each message gets a new id in an order where parents come first, its
parent's new id as ``parent_id`` (``ROOT`` at the top), its own timestamp; the conversation
keeps its title, times, current leaf and ``source_id``. A conversation whose ``source_id``
is already in the database (or, for a Hearth export, whose id is) is skipped as "already
imported".
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable

from app.store import ChatStore
from app.store.search_backfill import CHUNK as INDEX_CHUNK
from app.store.search_pending import index_pending
from app.transfer.merge import merge
from app.transfer.model import ImportCancelled, ImportedConversation, ImportReport
from app.transfer.staging import StagedConversation, StagingWriter, staging_file

Progress = Callable[[int, int], None]  # (done, all)
ALREADY = "conversations already imported"
IN_TRASH = "conversations already imported, now in the trash"
TWICE = "conversations listed twice in the file"
EMPTY = "conversations without messages"
_SINGULAR = {
    ALREADY: "conversation already imported",
    IN_TRASH: "conversation already imported, now in the trash",
    TWICE: "conversation listed twice in the file",
    EMPTY: "conversation without messages",
    "hidden messages": "hidden message",
    "empty messages": "empty message",
    "messages outside the conversation's tree": "message outside the conversation's tree",
}


def reasons(counts: Counter[str]) -> list[str]:
    """["3 conversations already imported", "1 hidden message"], in first-seen order."""
    return [f"{n:,} {_SINGULAR.get(r, r) if n == 1 else r}" for r, n in counts.items() if n > 0]


def _known(db: sqlite3.Connection, source_id: str) -> str | None:
    """Why the conversation is skipped (ALREADY, IN_TRASH), None when it is new."""
    own = source_id.removeprefix("hearth:") if source_id.startswith("hearth:") else None
    row = db.execute(
        "SELECT min(deleted_at IS NOT NULL) FROM conversations WHERE source_id = ? OR id = ?",
        (source_id, own),
    ).fetchone()
    if row is None or row[0] is None:
        return None
    return IN_TRASH if row[0] else ALREADY


def _stage(
    store: ChatStore,
    conversations: Iterable[ImportedConversation],
    writer: StagingWriter,
    skipped: Counter[str],
    progress: Callable[[], None],
    should_stop: Callable[[], bool],
) -> list[StagedConversation]:
    """Stage every new conversation; count what is skipped. Reads the store (a reader
    never blocks its writers), never writes to it."""
    staged: list[StagedConversation] = []
    seen: set[str] = set()
    for conversation in conversations:
        if should_stop():
            raise ImportCancelled()
        if conversation.source_id in seen:
            skipped[TWICE] += 1
        elif (known := _known(store._conn, conversation.source_id)) is not None:
            skipped[known] += 1
        elif not conversation.nodes:
            skipped[EMPTY] += 1
        else:
            skipped.update(conversation.skipped)
            staged.append(writer.add(conversation))
        seen.add(conversation.source_id)
        progress()
    writer.finish()
    return staged


def write_all(
    store: ChatStore,
    conversations: Iterable[ImportedConversation],
    progress: Callable[[], None] = lambda: None,
    should_stop: Callable[[], bool] = lambda: False,
    indexing: Progress = lambda _done, _total: None,
) -> ImportReport:
    """Write every conversation the iterable yields, all or nothing (an exception from the
    iterable or the database, or `should_stop()` turning true, which raises
    ImportCancelled, leaves the store as it was), index them for search (`indexing`
    reports it; the import is in by then) and report what came in."""
    skipped: Counter[str] = Counter()
    with staging_file(None if store.in_memory else store.path) as path:
        with contextlib.closing(StagingWriter(path)) as writer:
            staged = _stage(store, conversations, writer, skipped, progress, should_stop)
        late = merge(store, staged, path, _known, should_stop)
    # indexed for search a chunk per short transaction; if the app closes half-way, the
    # next start's maintenance does the rest
    index_pending(store._conn, INDEX_CHUNK, indexing)
    kept = [s for s in staged if s.id not in late]
    for conversation in staged:  # brought in by another import while this one was staged
        if conversation.id in late:
            skipped.subtract(conversation.skipped)
            skipped[late[conversation.id]] += 1
    return ImportReport(
        len(kept), sum(s.messages for s in kept), sum(s.branches for s in kept), reasons(skipped)
    )

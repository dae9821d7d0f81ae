"""Writing imported conversations into the store: every conversation of one file in one
transaction, so a file that fails half-way leaves nothing behind.

Each message gets a new id in an order where parents come first, its parent's new id as
``parent_id`` (``ROOT`` at the top), its own timestamp; the conversation keeps its title,
times, current leaf and ``source_id``. A conversation whose ``source_id`` is already in the
database (or, for a Hearth export, whose id is) is skipped as "already imported".
"""

from __future__ import annotations

import sqlite3
import uuid
from collections import Counter
from collections.abc import Callable, Iterable

from app.store import ChatStore
from app.store.rows import CONVERSATION_COLUMNS, to_json
from app.store.tree_schema import ROOT
from app.transfer.model import ImportedConversation, ImportedNode, ImportReport
from app.transfer.order import parents_first

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
_INSERT_MESSAGE = (
    "INSERT INTO messages (id, conversation_id, role, content, created_at, complete, stats,"
    " thinking, parent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def reasons(counts: Counter[str]) -> list[str]:
    """["3 conversations already imported", "1 hidden message"], in first-seen order."""
    return [f"{n:,} {_SINGULAR.get(r, r) if n == 1 else r}" for r, n in counts.items()]


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


def _next_id(db: sqlite3.Connection) -> int:
    row = db.execute(
        "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0),"
        " coalesce((SELECT max(id) FROM messages), 0))"
    ).fetchone()
    return int(row[0]) + 1


def branch_count(nodes: Iterable[ImportedNode]) -> int:
    """Alternatives beyond the first: for each parent with k children, k - 1."""
    below = Counter(n.parent_key for n in nodes)
    return sum(k - 1 for k in below.values() if k > 1)


def _leaf(ordered: list[ImportedNode], current: str | None) -> str:
    if current is not None and any(n.key == current for n in ordered):
        return current
    parents = {n.parent_key for n in ordered}
    return next(n.key for n in reversed(ordered) if n.key not in parents)


def _write_one(db: sqlite3.Connection, conversation: ImportedConversation) -> tuple[int, int]:
    """Insert one conversation and its messages; return (messages, branches)."""
    record_id = uuid.uuid4().hex
    ordered = parents_first(list(conversation.nodes))
    db.execute(
        f"INSERT INTO conversations ({CONVERSATION_COLUMNS}, source_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            record_id, conversation.title, conversation.created_at, conversation.updated_at,
            None, to_json(conversation.settings), conversation.source_id,
        ),
    )  # fmt: skip
    first = _next_id(db)
    ids = {node.key: first + index for index, node in enumerate(ordered)}
    db.executemany(
        _INSERT_MESSAGE,
        [
            (
                ids[n.key], record_id, n.role, n.content, n.created_at, int(n.complete),
                to_json(n.stats), n.thinking,
                ROOT if n.parent_key is None else ids[n.parent_key],
            )
            for n in ordered
        ],
    )  # fmt: skip
    leaf = ids[_leaf(ordered, conversation.current_key)]
    db.execute("UPDATE conversations SET current_leaf = ? WHERE id = ?", (leaf, record_id))
    return len(ordered), branch_count(ordered)


def write_all(
    store: ChatStore,
    conversations: Iterable[ImportedConversation],
    progress: Callable[[], None] = lambda: None,
) -> ImportReport:
    """Write every conversation the iterable yields in one transaction (an exception from
    the iterable or the database rolls all of it back) and report what came in."""
    skipped: Counter[str] = Counter()
    seen: set[str] = set()
    added = messages = branches = 0
    with store._transaction() as db:
        for conversation in conversations:
            if conversation.source_id in seen:
                skipped[TWICE] += 1
            elif (known := _known(db, conversation.source_id)) is not None:
                skipped[known] += 1
            elif not conversation.nodes:
                skipped[EMPTY] += 1
            else:
                skipped.update(conversation.skipped)
                wrote, alternatives = _write_one(db, conversation)
                messages += wrote
                branches += alternatives
                added += 1
            seen.add(conversation.source_id)
            progress()
    return ImportReport(added, messages, branches, reasons(skipped))

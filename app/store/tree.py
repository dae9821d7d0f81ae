"""Reading and moving through a conversation's tree of messages (see tree_schema.py).

Plain functions over a connection, used by ChatStore. The path of a conversation runs from
its root to its current leaf; a conversation whose leaf is unset (every message of it was
deleted, or a writer never set one) ends at its newest message.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from app.store.records import StoredMessage
from app.store.rows import MESSAGE_COLUMNS, message_from_row
from app.store.tree_schema import ROOT

_QUALIFIED = ", ".join(f"m.{c.strip()}" for c in MESSAGE_COLUMNS.split(","))

_PATH_TO = f"""
WITH RECURSIVE up(id, depth) AS (
    SELECT ?, 0
    UNION ALL
    SELECT m.parent_id, up.depth + 1 FROM messages AS m JOIN up ON m.id = up.id
    WHERE m.parent_id IS NOT NULL AND m.parent_id != {ROOT}
)
SELECT {_QUALIFIED} FROM up JOIN messages AS m ON m.id = up.id ORDER BY up.depth DESC
"""


@dataclass(frozen=True, slots=True)
class BranchPosition:
    """Where a message sits among its alternatives: ``index`` (0-based) of ``count``."""

    index: int
    count: int
    siblings: tuple[int, ...]  # the alternatives' ids, oldest first (this one included)

    @property
    def label(self) -> str:
        return f"{self.index + 1} / {self.count}"


def current_leaf(db: sqlite3.Connection, conversation_id: str) -> int | None:
    row = db.execute(
        "SELECT coalesce(current_leaf,"
        " (SELECT max(id) FROM messages WHERE conversation_id = conversations.id))"
        " FROM conversations WHERE id = ?",
        (conversation_id,),
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def path_to(db: sqlite3.Connection, message_id: int) -> list[StoredMessage]:
    """The messages from the root down to ``message_id`` (included), in reading order."""
    return [message_from_row(row) for row in db.execute(_PATH_TO, (message_id,))]


def current_path(db: sqlite3.Connection, conversation_id: str) -> list[StoredMessage]:
    leaf = current_leaf(db, conversation_id)
    if leaf is None:
        return []
    path = path_to(db, leaf)
    return [m for m in path if m.conversation_id == conversation_id]


def children(db: sqlite3.Connection, message_id: int) -> list[int]:
    rows = db.execute("SELECT id FROM messages WHERE parent_id = ? ORDER BY id", (message_id,))
    return [int(r[0]) for r in rows]


def siblings(db: sqlite3.Connection, message_id: int) -> list[int]:
    """The message's alternatives (same parent, same conversation), oldest first."""
    rows = db.execute(
        "SELECT s.id FROM messages AS m JOIN messages AS s"
        " ON s.parent_id = m.parent_id AND s.conversation_id = m.conversation_id"
        " WHERE m.id = ? ORDER BY s.id",
        (message_id,),
    )
    return [int(r[0]) for r in rows]


def newest_leaf_under(db: sqlite3.Connection, message_id: int) -> int:
    """Follow the newest child from ``message_id`` down to a leaf (a branch's latest end)."""
    leaf = message_id
    while True:
        row = db.execute("SELECT max(id) FROM messages WHERE parent_id = ?", (leaf,)).fetchone()
        if row is None or row[0] is None:
            return leaf
        leaf = int(row[0])


def settle_leaf(db: sqlite3.Connection, conversation_id: str) -> None:
    """After a delete moved the current leaf up to a message that still has replies, follow
    the newest of them down, so the path shown is a whole branch."""
    leaf = current_leaf(db, conversation_id)
    if leaf is not None:
        end = newest_leaf_under(db, leaf)
        if end != leaf:
            db.execute(
                "UPDATE conversations SET current_leaf = ? WHERE id = ?", (end, conversation_id)
            )


def subtree(db: sqlite3.Connection, message_id: int) -> list[int]:
    """``message_id`` and every message below it."""
    rows = db.execute(
        "WITH RECURSIVE down(id) AS (SELECT ? UNION ALL"
        " SELECT m.id FROM messages AS m JOIN down ON m.parent_id = down.id)"
        " SELECT id FROM down",
        (message_id,),
    )
    return [int(r[0]) for r in rows]


def branch_positions(
    db: sqlite3.Connection, conversation_id: str, path: list[StoredMessage]
) -> dict[int, BranchPosition]:
    """For each message of ``path`` that has alternatives, where it sits among them."""
    forks = db.execute(
        "SELECT parent_id FROM messages WHERE conversation_id = ?"
        " GROUP BY parent_id HAVING count(*) > 1",
        (conversation_id,),
    ).fetchall()
    fork_parents = {int(r[0]) for r in forks}
    positions: dict[int, BranchPosition] = {}
    for message in path:
        parent = ROOT if message.parent_id is None else message.parent_id
        if parent in fork_parents:
            ids = tuple(siblings(db, message.id))
            positions[message.id] = BranchPosition(ids.index(message.id), len(ids), ids)
    return positions

"""Migration 4: conversations become trees of messages (branches).

Each message names its parent (``parent_id``; 0 for the first message of a branch that starts
at the top), and each conversation names its current leaf: the path from the root to that
leaf is what the window shows and what the model reads. Regenerate and edit add siblings
instead of replacing.

Two triggers keep the tree sound for every writer, including plain INSERTs that know nothing
of branches (recovery, imports of flat chats, older code paths):

* an INSERT without a parent gets the conversation's previous message (by id) as parent, and
  every INSERT makes the new message the conversation's current leaf;
* a DELETE hands the message's children to its parent and moves a current leaf that pointed
  at it to that parent, so deleting one message never orphans the ones after it.

Existing databases are migrated in place: every message's parent is the one before it, and
each conversation's leaf is its newest message, so today's linear chats read exactly as
before.
"""

from __future__ import annotations

import sqlite3

ROOT = 0  # parent_id of a message that starts the conversation (or a top-level branch)

_STATEMENTS = (
    "ALTER TABLE messages ADD COLUMN parent_id INTEGER",
    "ALTER TABLE conversations ADD COLUMN current_leaf INTEGER",
    "ALTER TABLE conversations ADD COLUMN source_id TEXT",
    """
    UPDATE messages SET parent_id = coalesce(
        (SELECT max(p.id) FROM messages AS p
         WHERE p.conversation_id = messages.conversation_id AND p.id < messages.id), 0)
    """,
    """
    UPDATE conversations SET current_leaf =
        (SELECT max(m.id) FROM messages AS m WHERE m.conversation_id = conversations.id)
    """,
    "CREATE INDEX messages_by_parent ON messages (parent_id, id)",
    "CREATE UNIQUE INDEX conversations_by_source ON conversations (source_id)"
    " WHERE source_id IS NOT NULL",
    """
    CREATE TRIGGER messages_tree_insert AFTER INSERT ON messages BEGIN
        UPDATE messages SET parent_id = coalesce(
            (SELECT max(p.id) FROM messages AS p
             WHERE p.conversation_id = NEW.conversation_id AND p.id < NEW.id), 0)
        WHERE id = NEW.id AND NEW.parent_id IS NULL;
        UPDATE conversations SET current_leaf = NEW.id WHERE id = NEW.conversation_id;
    END
    """,
    """
    CREATE TRIGGER messages_tree_delete BEFORE DELETE ON messages BEGIN
        UPDATE messages SET parent_id = OLD.parent_id WHERE parent_id = OLD.id;
        UPDATE conversations SET current_leaf = nullif(OLD.parent_id, 0)
        WHERE id = OLD.conversation_id AND current_leaf = OLD.id;
    END
    """,
)


def add_message_tree(connection: sqlite3.Connection) -> None:
    for statement in _STATEMENTS:
        connection.execute(statement)

"""Conversations and messages in SQLite (no Qt): the store, titles, autosave and export."""

from app.store.autosave import ReplyAutosaver
from app.store.chat_store import ChatStore
from app.store.errors import (
    NotFoundError,
    SchemaTooNewError,
    StoreError,
    StoreWriteError,
    UnreadableDatabaseError,
)
from app.store.export import export_json, export_markdown, suggested_filename
from app.store.opening import OpenedStore, open_store, separate_database_path
from app.store.records import DEFAULT_TITLE, ROLES, ConversationRecord, StoredMessage
from app.store.recovery import RecoveryReport
from app.store.schema import SCHEMA_VERSION
from app.store.titles import derive_title

__all__ = [
    "DEFAULT_TITLE",
    "ROLES",
    "SCHEMA_VERSION",
    "ChatStore",
    "ConversationRecord",
    "NotFoundError",
    "OpenedStore",
    "RecoveryReport",
    "ReplyAutosaver",
    "SchemaTooNewError",
    "StoreError",
    "StoreWriteError",
    "StoredMessage",
    "UnreadableDatabaseError",
    "derive_title",
    "export_json",
    "export_markdown",
    "open_store",
    "separate_database_path",
    "suggested_filename",
]

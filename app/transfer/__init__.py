"""Bringing chats in from other apps' exports (ChatGPT, Claude) and from Hearth's own, as
trees of messages, all or nothing per file (staged, then merged in one short transaction).
No Qt: the window and ``hearth --import`` both call ``import_file``."""

from app.transfer.importer import import_file
from app.transfer.model import (
    BadFileError,
    ImportCancelled,
    ImportedConversation,
    ImportedNode,
    ImportReport,
)
from app.transfer.source import MAX_FILE_BYTES

__all__ = [
    "MAX_FILE_BYTES",
    "BadFileError",
    "ImportCancelled",
    "ImportReport",
    "ImportedConversation",
    "ImportedNode",
    "import_file",
]

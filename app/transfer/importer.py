"""``import_file``: read a ChatGPT, Claude or Hearth export and write it into the store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.store import ChatStore
from app.transfer.model import ImportReport
from app.transfer.readers import conversations
from app.transfer.source import MAX_FILE_BYTES, open_source
from app.transfer.write import write_all

Progress = Callable[[int, int], None]  # (bytes read, bytes in all)


def import_file(
    store: ChatStore,
    path: Path,
    *,
    progress: Progress = lambda _done, _total: None,
    max_bytes: int = MAX_FILE_BYTES,
) -> ImportReport:
    """Import every conversation of ``path`` in one transaction. Raises ``BadFileError``
    (nothing imported) with a sentence naming the file and the problem, or the store's
    ``StoreWriteError`` when the disk refuses."""
    with open_source(Path(path), max_bytes) as source:
        return write_all(store, conversations(source), lambda: progress(source.done, source.size))

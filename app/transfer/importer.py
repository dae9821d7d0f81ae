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
    should_stop: Callable[[], bool] = lambda: False,
    indexing: Progress = lambda _done, _total: None,
) -> ImportReport:
    """Import every conversation of ``path``, all or nothing (staged, then merged in one
    short transaction: write.py). Raises ``BadFileError`` (nothing imported) with a
    sentence naming the file and the problem, ``ImportCancelled`` once ``should_stop()``
    is true (nothing imported), or the store's ``StoreWriteError`` when the disk refuses.
    ``progress`` follows the file as it is read; ``indexing`` (messages) the search index
    built after the import is in, when stopping no longer undoes it."""
    with open_source(Path(path), max_bytes) as source:
        return write_all(
            store,
            conversations(source),
            lambda: progress(source.done, source.size),
            should_stop,
            indexing,
        )

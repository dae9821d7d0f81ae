"""Every conversation to one JSON Lines file, streamed: one conversation in memory at a
time, progress after each, stoppable between conversations. Each line is the single
conversation JSON export's document with the whole tree; ``app.transfer.import_file`` reads
the file back."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from app.store.chat_store import ChatStore
from app.store.export_tree import tree_document

PAGE = 200  # conversations read per query
Progress = Callable[[int, int], None]


class ExportStopped(Exception):
    """``should_stop`` asked to stop; the partial file was removed."""


@contextmanager
def _replacing(path: Path) -> Iterator[IO[str]]:
    """A temp file beside ``path`` that replaces it only if the block finishes."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_all(
    store: ChatStore,
    path: Path,
    *,
    progress: Progress = lambda _done, _total: None,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Write every conversation not in the trash, newest first, one JSON document per line
    (the single-conversation JSON export's document); return how many. Raises ExportStopped
    when stopped, leaving no file behind."""
    total = store.count_conversations()
    written = 0
    with _replacing(path) as out:
        for offset in range(0, total, PAGE):
            for record in store.conversation_page(offset, PAGE):
                if should_stop():
                    raise ExportStopped(str(path))
                document = tree_document(store, record)
                out.write(json.dumps(document, ensure_ascii=False, allow_nan=False) + "\n")
                written += 1
                progress(written, total)
    return written

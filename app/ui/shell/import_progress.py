"""ImportProgressDialog: how far File > Import… has got, with a Cancel that stops it.

Non-modal: the window stays usable (chatting goes on; the import reads its file into a
staging file, not the store). Cancel sets `stop`, which the import looks at between
conversations and while it merges: until the import is saved, a stop leaves nothing
behind. After that only the search index is being built, and Cancel no longer undoes it.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

READING, INDEXING = "reading", "indexing"
SHOW_AFTER_MS = 400  # a quick import finishes before the dialog would flash up


class ImportProgressDialog(QProgressDialog):
    def __init__(self, file_name: str, parent: QWidget) -> None:
        super().__init__(f"Reading {file_name}…", "Cancel", 0, 100, parent)
        self.setObjectName("import_progress_dialog")
        self.setWindowTitle("Importing chats")
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumDuration(SHOW_AFTER_MS)
        self._file_name = file_name
        self._phase = READING
        self.stop = threading.Event()  # read by the import's thread
        self.canceled.connect(self._on_canceled)
        self.setValue(0)

    def show_progress(self, phase: str, percent: int) -> None:
        if self.stop.is_set() and phase == READING:
            return  # "Cancelling…" stays until the import has stopped
        if phase == INDEXING and self._phase != INDEXING:
            self.setLabelText("Saved. Indexing the imported messages for search…")
            self.setCancelButton(None)  # nothing left to undo
        self._phase = phase
        self.setValue(percent)

    def _on_canceled(self) -> None:
        if self._phase == INDEXING:  # closed while indexing: it carries on unseen
            return
        self.stop.set()
        self.setLabelText("Cancelling: nothing will be imported…")
        self.show()

    def finish(self) -> None:
        self.canceled.disconnect(self._on_canceled)
        self.close()
        self.deleteLater()

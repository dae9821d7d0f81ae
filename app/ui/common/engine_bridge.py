"""EngineBridge: carries news from the engine's worker thread to the GUI thread.

The worker never touches a widget. A TurnStream calls its listener (on the worker thread)
once per batch of events, when its queue goes from empty to non-empty; the listener only
emits `events_ready`, a queued signal, and the GUI thread drains the stream when it runs.
Other work off the GUI thread (a model load, any job) reports back through `Operation`
(operation.py). Nothing here ever blocks the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from app.engine.runner import TurnStream


class EngineBridge(QObject):
    events_ready = Signal()  # on the GUI thread: some TurnStream has events waiting
    _woken = Signal()  # emitted on whatever thread the stream's producer runs

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        queued = Qt.ConnectionType.QueuedConnection  # also when emitted on the GUI thread
        self._woken.connect(self.events_ready, queued)

    def watch(self, stream: TurnStream) -> None:
        """Emit `events_ready` whenever `stream` has a new batch of events."""
        stream.set_listener(self._wake)

    def _wake(self) -> None:
        self._woken.emit()

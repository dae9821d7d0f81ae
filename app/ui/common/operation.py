"""Operation: work off the GUI thread, its outcome back on it (in the style of Anki's QueryOp).

    Operation(parent=self, operation=lambda: scan(folders), success=self._show).run_in_background()

- `operation` runs off the GUI thread: on a short-lived daemon thread (`run_in_background`)
  or on an executor such as the engine's worker (`run_on(submit)`); `follow(future)` waits
  for work another API already started (a model load).
- `success(result)` then runs on the GUI thread. A failure runs `failure(error)` there; by
  default it is logged and shown in a warning box over `parent`.
- `with_progress(on_progress)`: `report(value)`, called from the operation's thread, runs
  `on_progress(value)` on the GUI thread.
- Nothing is delivered once `parent` is deleted (a dialog closed mid-call), nor for a
  cancelled future. Callers never unpack futures.

Everything reaches the GUI thread through one process-lifetime relay object, always queued
(never re-entrantly, even when the work finished at once), so no worker touches a widget.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)
T = TypeVar("T")


class OperationRelay(QObject):
    call = Signal(object)  # a callable to run on the GUI thread
    delivered = Signal()  # an operation's outcome was handled (or dropped) on the GUI thread

    def __init__(self) -> None:
        super().__init__()
        self.call.connect(self._on_call, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _on_call(self, function: Callable[[], None]) -> None:
        function()


_relay: OperationRelay | None = None
_relay_lock = threading.Lock()


def operation_relay() -> OperationRelay:
    """The relay living on the GUI thread (created on first use)."""
    global _relay
    with _relay_lock:
        if _relay is None:
            _relay = OperationRelay()
            app = QCoreApplication.instance()
            if app is not None and _relay.thread() is not app.thread():
                _relay.moveToThread(app.thread())
        return _relay


def on_gui_thread(function: Callable[[], None], owner: QObject | None = None) -> None:
    """Run `function` on the GUI thread from any thread; dropped once `owner` is deleted."""

    def guarded() -> None:
        if owner is None or shiboken6.isValid(owner):
            function()

    try:
        operation_relay().call.emit(guarded)
    except RuntimeError:  # the application is shutting down
        log.debug("dropped a call for the GUI thread")


def show_failure(parent: QObject | None, error: Exception) -> None:
    """The default failure: logged, and shown in a warning box over `parent` if it is a widget."""
    log.warning("background operation failed: %r", error)
    if not isinstance(parent, QWidget):
        return
    text = str(error) or type(error).__name__
    box = QMessageBox(QMessageBox.Icon.Warning, "Something went wrong", text, parent=parent)
    box.setObjectName("operation_error_box")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


class Operation(Generic[T]):
    def __init__(
        self,
        *,
        parent: QObject | None,
        success: Callable[[T], None],
        operation: Callable[[], T] | None = None,
        failure: Callable[[Exception], None] | None = None,
    ) -> None:
        self._parent = parent
        self._operation = operation
        self._success = success
        self._failure = failure
        self._on_progress: Callable[[Any], None] | None = None

    def with_progress(self, on_progress: Callable[[Any], None]) -> Operation[T]:
        self._on_progress = on_progress
        return self

    def report(self, value: Any) -> None:
        """From the operation's thread: `on_progress(value)` follows on the GUI thread."""
        on_progress = self._on_progress
        if on_progress is not None:
            on_gui_thread(lambda: on_progress(value), self._parent)

    def run_in_background(self, name: str = "hearth-task") -> None:
        """Run the operation on a daemon thread (a Hub request, a folder scan)."""
        future: Future[T] = Future()
        work = self._work()

        def target() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(work())
            except Exception as error:  # delivered to the GUI thread, shown there
                future.set_exception(error)

        self.follow(future)
        threading.Thread(target=target, name=name, daemon=True).start()

    def run_on(self, submit: Callable[[Callable[[], T]], Future[T]]) -> None:
        """Run the operation on an executor: `submit(work)` returns its future."""
        self.follow(submit(self._work()))

    def follow(self, future: Future[T]) -> None:
        """Deliver the outcome of work already started elsewhere."""
        operation_relay()  # created here, on the GUI thread
        future.add_done_callback(lambda done: on_gui_thread(lambda: self._finish(done)))

    def _work(self) -> Callable[[], T]:
        if self._operation is None:
            raise ValueError("this Operation has no operation to run; use follow(future)")
        return self._operation

    def _finish(self, done: Future[T]) -> None:
        try:
            if done.cancelled() or (
                self._parent is not None and not shiboken6.isValid(self._parent)
            ):
                return
            error = done.exception()
            if error is None:
                self._success(done.result())
            elif isinstance(error, Exception):
                (self._failure or (lambda e: show_failure(self._parent, e)))(error)
        finally:
            operation_relay().delivered.emit()

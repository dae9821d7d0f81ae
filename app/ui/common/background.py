"""Run a blocking call (a Hub request, a model scan) on a short-lived thread; get the
outcome on the GUI thread.

Workers emit on one process-lifetime relay object (so a dialog closed mid-call is never
touched from another thread); each caller filters the relay's signal by the token it got.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class TaskRelay(QObject):
    finished = Signal(int, object, object)  # token, result, error (Exception or None)


_relay: TaskRelay | None = None
_tokens = itertools.count(1)


def task_relay() -> TaskRelay:
    global _relay
    if _relay is None:
        _relay = TaskRelay()
    return _relay


def run_in_background(work: Callable[[], Any], name: str = "hearth-task") -> int:
    """Start `work` on a daemon thread; the relay's `finished` carries the returned token."""
    relay, token = task_relay(), next(_tokens)

    def target() -> None:
        result: Any = None
        error: Exception | None = None
        try:
            result = work()
        except Exception as caught:  # delivered to the GUI thread, shown there
            error = caught
        try:
            relay.finished.emit(token, result, error)
        except RuntimeError:  # the application is shutting down
            log.debug("dropped the result of %s", name)

    threading.Thread(target=target, name=name, daemon=True).start()
    return token

"""InspectorJobs: the Inspector's background work, answered on the GUI thread.

Jobs run on the engine's worker thread when there is a runner, so a bandwidth measurement
never competes with decoding for memory (and never slows a reply); without a runner (or
after it shut down) they run on a private thread. Results come back through
EngineBridge.when_done, on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject

from app.engine.protocol import ChatEngine
from app.engine.runner import EngineRunner
from app.ui.common.engine_bridge import EngineBridge

T = TypeVar("T")
Done = Callable[[Future[Any]], None]


class InspectorJobs(QObject):
    def __init__(
        self,
        runner: EngineRunner | None,
        bridge: EngineBridge | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self._bridge = bridge or EngineBridge(self)
        self._executor: ThreadPoolExecutor | None = None

    def run(self, job: Callable[[], T], done: Done) -> None:
        """`job()` off the GUI thread, then `done(future)` on it."""
        future: Future[T] | None = None
        if self.runner is not None:
            try:
                future = self.runner.submit(lambda _engine: job())
            except RuntimeError:  # the runner is shut down
                future = None
        if future is None:
            future = self._private().submit(job)
        self._bridge.when_done(future, done)

    def run_on_engine(self, job: Callable[[ChatEngine], T], done: Done) -> bool:
        """`job(engine)` on the engine's worker; False when there is no engine to ask."""
        if self.runner is None:
            return False
        try:
            future = self.runner.submit(job)
        except RuntimeError:
            return False
        self._bridge.when_done(future, done)
        return True

    def _private(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="hearth-inspector")
        return self._executor

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

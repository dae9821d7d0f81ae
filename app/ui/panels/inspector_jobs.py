"""InspectorJobs: where the Inspector's background work runs.

Jobs run on the engine's worker thread when there is a runner, so a bandwidth measurement
never competes with decoding for memory (and never slows a reply); without a runner (or
after it shut down) they run on a private thread. The panel runs them as `Operation`s, so
their outcome arrives on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from app.engine.protocol import ChatEngine
from app.engine.runner import EngineRunner

T = TypeVar("T")


class InspectorJobs:
    def __init__(self, runner: EngineRunner | None) -> None:
        self.runner = runner
        self._executor: ThreadPoolExecutor | None = None

    def submit(self, job: Callable[[], T]) -> Future[T]:
        """`job()` off the GUI thread: on the engine's worker if there is one."""
        if self.runner is not None:
            try:
                return self.runner.submit(lambda _engine: job())
            except RuntimeError:  # the runner is shut down
                pass
        return self._private().submit(job)

    def submit_on_engine(self, job: Callable[[ChatEngine], T]) -> Future[T] | None:
        """`job(engine)` on the engine's worker; None when there is no engine to ask."""
        if self.runner is None:
            return None
        try:
            return self.runner.submit(job)
        except RuntimeError:
            return None

    def _private(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="hearth-inspector")
        return self._executor

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

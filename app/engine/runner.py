"""EngineRunner: the one worker thread that owns the engine, and TurnStream.

Callers on any thread (the GUI, the CLI, tests) submit work and never block: every call
returns a Future or a TurnStream at once. The engine object is created on the worker
thread and never touched by another one.

A TurnStream is a queue of events with a wake-up callback that fires only when the queue
goes from empty to non-empty, so a slow consumer gets one wake-up per batch, not one per
token; `drain()` merges the backlog of text deltas into one event.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from typing import Any, TypeVar

from app.chat.events import (
    PromptEvaluated,
    PromptProgress,
    StopReason,
    TokensReceived,
    TurnEvent,
    TurnFinished,
    TurnStats,
)
from app.chat.values import GenerationParams, LoadOptions, Message, ModelInfo
from app.engine.errors import EngineError, ModelLoadCancelled
from app.engine.protocol import ChatEngine

log = logging.getLogger(__name__)
T = TypeVar("T")
Listener = Callable[[], None]
_Producer = Callable[["ChatEngine", threading.Event], Iterator[TurnEvent]]


class TurnStream:
    """Events of one reply, produced on the worker thread, consumed anywhere."""

    def __init__(self, conversation_id: str) -> None:
        self.conversation_id = conversation_id
        self.cancel_event = threading.Event()
        self._queue: queue.SimpleQueue[TurnEvent] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._pending_wakeup = False
        self._listener: Listener | None = None
        self._finished = threading.Event()

    # -- producer side (worker thread) -------------------------------------------------
    def put(self, event: TurnEvent) -> None:
        self._queue.put(event)
        if isinstance(event, TurnFinished):
            self._finished.set()
        with self._lock:
            if self._pending_wakeup or self._listener is None:
                return
            self._pending_wakeup = True
            listener = self._listener
        listener()

    # -- consumer side -----------------------------------------------------------------
    def set_listener(self, listener: Listener) -> None:
        """`listener()` is called (on the worker thread) when new events are waiting."""
        with self._lock:
            self._listener = listener
            wake = not self._queue.empty() and not self._pending_wakeup
            self._pending_wakeup = self._pending_wakeup or wake
        if wake:
            listener()

    def drain(self) -> list[TurnEvent]:
        """Everything waiting, with consecutive text deltas merged. Never blocks."""
        with self._lock:
            self._pending_wakeup = False
        events: list[TurnEvent] = []
        while True:
            try:
                event = self._queue.get_nowait()
            except queue.Empty:
                return events
            last = events[-1] if events else None
            if isinstance(event, PromptProgress) and isinstance(last, PromptProgress):
                events[-1] = event  # only the latest progress matters
            elif (
                isinstance(event, TokensReceived)
                and isinstance(last, TokensReceived)
                and last.channel == event.channel
            ):
                events[-1] = TokensReceived(
                    last.text + event.text, last.tokens + event.tokens, event.decode_s, last.channel
                )
            else:
                events.append(event)

    def __iter__(self) -> Iterator[TurnEvent]:
        """Blocking iteration, one event at a time, until TurnFinished."""
        while True:
            event = self._queue.get()
            yield event
            if isinstance(event, TurnFinished):
                return

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._finished.wait(timeout)


def empty_finish(
    reason: StopReason,
    text: str,
    message: str | None,
    context_size: int = 0,
    thinking: str = "",
) -> TurnFinished:
    """A TurnFinished for a turn that produced no stats (refused, failed or cancelled early)."""
    return TurnFinished(reason, text, TurnStats.empty(reason, context_size), message, thinking)


class _Worker:
    """One daemon thread running submitted jobs in order.

    A daemon, so a model stuck in a long prompt evaluation (llama.cpp cannot abort one)
    never keeps the process alive after the window closed.
    """

    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]] | None] = (
            queue.SimpleQueue()
        )
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self._jobs.put((job, future))
        return future

    def _run(self) -> None:
        while (item := self._jobs.get()) is not None:
            job, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(job())
            except BaseException as error:
                future.set_exception(error)

    def stop(self) -> None:
        self._jobs.put(None)


class EngineRunner:
    """Serialises every engine call onto one worker thread."""

    def __init__(self, engine_factory: Callable[[], ChatEngine]) -> None:
        self._factory = engine_factory
        self._engine: ChatEngine | None = None
        self._worker = _Worker("hearth-engine")
        self._current: TurnStream | None = None
        self._loads: set[threading.Event] = set()  # cancel flags of loads not yet done
        self._loads_lock = threading.Lock()
        self._closed = False
        self._closed_cleanly = True

    def _engine_on_worker(self) -> ChatEngine:
        if self._engine is None:
            self._engine = self._factory()
        return self._engine

    def submit(self, job: Callable[[ChatEngine], T]) -> Future[T]:
        """Run `job(engine)` on the worker thread."""
        if self._closed:
            raise RuntimeError("the engine runner is shut down")
        return self._worker.submit(lambda: job(self._engine_on_worker()))

    @property
    def model_info(self) -> ModelInfo | None:
        """The loaded model, read without waiting for the worker (the value is immutable)."""
        engine = self._engine
        return engine.info if engine is not None else None

    def load(
        self,
        path: str,
        options: LoadOptions,
        progress: Callable[[float], None] | None = None,
    ) -> Future[ModelInfo]:
        """Load a model; `progress(fraction)` is called on the worker thread as it loads
        (at most once per whole percent).

        `cancel_load()` aborts it: the Future then fails with ModelLoadCancelled and the
        previous model stays loaded.
        """
        cancel = threading.Event()
        with self._loads_lock:
            self._loads.add(cancel)

        shown = [-1]  # llama.cpp calls back hundreds of times: pass on whole percents only

        def report(fraction: float) -> bool:
            percent = int(fraction * 100)
            if progress is not None and not cancel.is_set() and percent != shown[0]:
                shown[0] = percent
                progress(fraction)
            return not cancel.is_set()

        def job(engine: ChatEngine) -> ModelInfo:
            try:
                if cancel.is_set():
                    raise ModelLoadCancelled(path)
                return engine.load(path, options, report)
            finally:
                with self._loads_lock:
                    self._loads.discard(cancel)

        return self.submit(job)

    def cancel_load(self) -> bool:
        """Cancel every load queued or running. True if there was one."""
        with self._loads_lock:
            loads = list(self._loads)
        for cancel in loads:
            cancel.set()
        return bool(loads)

    def chat(
        self,
        conversation_id: str,
        messages: Sequence[Message],
        params: GenerationParams,
        *,
        foreground: bool = True,
    ) -> TurnStream:
        """A reply to `messages`. Only a foreground turn (the window's) is ended by stop();
        others (API requests) are ended by cancelling their own stream."""
        stream = TurnStream(conversation_id)
        if foreground:
            self._current = stream
        snapshot = list(messages)
        return self._start(stream, lambda e, c: e.chat(conversation_id, snapshot, params, c))

    def complete(self, conversation_id: str, prompt: str, params: GenerationParams) -> TurnStream:
        """A continuation of raw `prompt` text (no chat template), in the background."""
        stream = TurnStream(conversation_id)
        return self._start(stream, lambda e, c: e.complete(conversation_id, prompt, params, c))

    def _start(self, stream: TurnStream, produce: _Producer) -> TurnStream:
        self.submit(lambda engine: self._run_turn(engine, stream, produce))
        return stream

    @staticmethod
    def _run_turn(engine: ChatEngine, stream: TurnStream, produce: _Producer) -> None:
        parts: dict[str, list[str]] = {"answer": [], "thinking": []}
        context = engine.info.context_size if engine.info else 0

        def failed(message: str) -> TurnFinished:
            text, thinking = ("".join(parts[c]) for c in ("answer", "thinking"))
            return empty_finish("error", text, message, context, thinking)

        if stream.cancel_event.is_set():
            stream.put(empty_finish("cancelled", "", None, context))
            return
        try:
            for event in produce(engine, stream.cancel_event):
                if isinstance(event, TokensReceived):
                    parts[event.channel].append(event.text)
                stream.put(event)
                if isinstance(event, TurnFinished):
                    return
        except EngineError as error:
            stream.put(failed(str(error)))
            return
        except Exception as error:  # a bug or a llama.cpp failure: never kill the worker
            stream.put(failed(f"Generation failed: {error!r}"))
            return
        stream.put(failed("The engine ended the reply without finishing."))

    def stop(self) -> None:
        """Stop the reply being generated; takes effect within one token."""
        if self._current is not None:
            self._current.cancel()

    def shutdown(self, timeout: float | None = 10.0) -> bool:
        """Stop, let the engine save its state and free the model, end the thread.

        Returns False when the engine did not close within `timeout` (llama.cpp cannot
        abort a prompt evaluation): the worker thread is then still inside llama.cpp, and
        a process that wants to exit must not run interpreter finalization under it.
        """
        if self._closed:
            return self._closed_cleanly
        self.stop()
        done = self._worker.submit(self._close_engine)
        self._closed = True
        closed = True
        try:
            done.result(timeout=timeout)
        except TimeoutError:
            log.warning("the engine is still busy; it was not closed")
            closed = False
        except Exception:
            log.warning("the engine did not close cleanly", exc_info=True)
        self._worker.stop()
        self._closed_cleanly = closed
        return closed

    def _close_engine(self) -> None:
        if self._engine is not None:
            self._engine.close()


__all__ = [
    "EngineRunner",
    "PromptEvaluated",
    "PromptProgress",
    "TokensReceived",
    "TurnFinished",
    "TurnStream",
]

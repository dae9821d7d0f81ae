"""Count a message's tokens while the person types, without the engine thread.

The engine thread is busy while a reply streams, so the counter opens the current model's
vocabulary alone (no weights, a few MB) on its own thread. Requests are latest-wins: a
request that is superseded before it starts is cancelled, never counted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Protocol


class Tokenizer(Protocol):
    def count(self, text: str) -> int: ...

    def close(self) -> None: ...


def open_vocab(path: str) -> Tokenizer:
    from app.engine.llama_internals import VocabOnly

    return VocabOnly(path)


class TokenCounter:
    """`count(text)` returns a Future[int]; only the newest request is worked on."""

    def __init__(self, opener: Callable[[str], Tokenizer] = open_vocab) -> None:
        self._opener = opener
        self._wake = threading.Condition()
        self._path: str | None = None
        self._pending: tuple[str, Future[int]] | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="hearth-tokens", daemon=True)
        self._thread.start()

    def set_model(self, path: str | None) -> None:
        """Count with this model's tokenizer from now on (opened on first use)."""
        with self._wake:
            self._path = path

    def count(self, text: str) -> Future[int]:
        future: Future[int] = Future()
        with self._wake:
            if self._closed:
                raise RuntimeError("the token counter is closed")
            if self._pending is not None:
                self._pending[1].cancel()  # latest request wins
            self._pending = (text, future)
            self._wake.notify()
        return future

    def close(self, timeout: float | None = 5.0) -> None:
        with self._wake:
            self._closed = True
            if self._pending is not None:
                self._pending[1].cancel()
                self._pending = None
            self._wake.notify()
        self._thread.join(timeout)

    def _run(self) -> None:
        tokenizer: Tokenizer | None = None
        opened: str | None = None
        while True:
            with self._wake:
                while self._pending is None and not self._closed:
                    self._wake.wait()
                if self._closed:
                    break
                assert self._pending is not None
                (text, future), self._pending = self._pending, None
                path = self._path
            if not future.set_running_or_notify_cancel():
                continue
            try:
                if path is None:
                    raise LookupError("no model is loaded")
                if path != opened or tokenizer is None:
                    if tokenizer is not None:
                        tokenizer.close()
                    tokenizer, opened = None, None
                    tokenizer, opened = self._opener(path), path
                future.set_result(tokenizer.count(text))
            except Exception as error:
                future.set_exception(error)
        if tokenizer is not None:
            tokenizer.close()

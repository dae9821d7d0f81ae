"""`ModelTokens`: what an attachment costs, counted with the loaded model's own tokenizer.

The tokenizer is the model's vocabulary alone (no weights, a few MB), opened by whoever
hands in `opener` (the engine's `open_vocab`), on the documents worker that plans, on first
use after the model changes. With no local model loaded, or a vocabulary that cannot be
read, the plan falls back to about four characters a token and says it is an estimate.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

from app.documents.context import TokenCounter, estimate_tokens

log = logging.getLogger(__name__)


class Tokenizer(Protocol):
    def count(self, text: str) -> int: ...

    def close(self) -> None: ...


class ModelTokens:
    """`set_model` from any thread; `counter` and `close` from the one worker that counts."""

    def __init__(self, opener: Callable[[str], Tokenizer]) -> None:
        self._opener = opener
        self._lock = threading.Lock()
        self._wanted: str | None = None
        self._opened: str | None = None
        self._tokenizer: Tokenizer | None = None
        self._failed: str | None = None  # a path whose vocabulary could not be read

    def set_model(self, path: str | None) -> None:
        """Count with this model's tokenizer from now on (None: no local model)."""
        with self._lock:
            self._wanted = path

    def counter(self) -> tuple[TokenCounter, bool]:
        """(count, exact): the loaded model's tokenizer, or the estimate (exact False)."""
        with self._lock:
            wanted = self._wanted
        if wanted != self._opened:
            self.close()
            if wanted is not None and wanted != self._failed:
                try:
                    self._tokenizer, self._opened = self._opener(wanted), wanted
                except Exception as error:  # a broken or vanished file: estimate instead
                    log.warning("cannot read the tokenizer of %s: %s", wanted, error)
                    self._failed = wanted
        if self._tokenizer is None:
            return estimate_tokens, False
        return self._tokenizer.count, True

    def close(self) -> None:
        tokenizer, self._tokenizer, self._opened = self._tokenizer, None, None
        if tokenizer is not None:
            tokenizer.close()

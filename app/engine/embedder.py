"""Embeddings from a second `Llama` of the same file in embedding mode, loaded lazily.

It lives on the engine's worker thread like the chat model (the runner serialises both),
is opened the first time someone asks for embeddings and closed with the chat model.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

from app.engine.errors import EngineError

log = logging.getLogger(__name__)


class EmbeddingsUnavailableError(EngineError):
    """The loaded model cannot produce embeddings; str() says why."""


class Embedder:
    def __init__(self) -> None:
        self._llm: Any = None
        self._path: str | None = None

    def embed(self, path: str, n_ctx: int, texts: Sequence[str]) -> list[list[float]]:
        llm = self._open(path, n_ctx)
        vectors: list[list[float]] = []
        for text in texts:
            tokens = llm.tokenize(text.encode("utf-8"), add_bos=True, special=False)
            if len(tokens) > llm.n_ctx():
                raise EmbeddingsUnavailableError(
                    f"An input is {len(tokens):,} tokens long; the embedding context holds "
                    f"{llm.n_ctx():,}."
                )
            vectors.append(_normalized(llm.embed(text)))
        return vectors

    def _open(self, path: str, n_ctx: int) -> Any:
        if self._llm is not None and self._path == path:
            return self._llm
        self.close()
        import llama_cpp

        try:
            self._llm = llama_cpp.Llama(
                model_path=path,
                embedding=True,
                n_ctx=n_ctx,
                n_batch=n_ctx,
                n_ubatch=n_ctx,
                pooling_type=llama_cpp.LLAMA_POOLING_TYPE_MEAN,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as error:
            raise EmbeddingsUnavailableError(
                f"This model cannot produce embeddings: {error}"
            ) from error
        self._path = path
        return self._llm

    def close(self) -> None:
        if self._llm is not None:
            self._llm.close()
        self._llm, self._path = None, None


def _normalized(vector: Any) -> list[float]:
    if len(vector) and isinstance(vector[0], list):  # per-token output: the model did not pool
        raise EmbeddingsUnavailableError("This model returns per-token vectors, not one per text.")
    values = [float(v) for v in vector]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return [v / norm for v in values]

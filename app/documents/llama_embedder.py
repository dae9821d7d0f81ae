"""`LlamaEmbedder`: document vectors from an embedding GGUF through llama.cpp.

Its own `Llama` in embedding mode lives on its own thread ("hearth-docs-embed"): it is
opened, used and closed there, whichever documents worker asks, and never on the chat
engine's thread. Texts go in small batches, so a question asked while a folder is being
embedded waits for one batch, not the folder. The model's own pooling is used (CLS or mean,
from the GGUF); a model without one (a chat model) is mean-pooled. Vectors are unit length.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from app.documents.embedder import Embedder, Vectors, default_embedder

log = logging.getLogger(__name__)
T = TypeVar("T")

BATCH_TEXTS = 8  # texts per call on the embedding thread
N_CTX = 512  # tokens per decode, shared by the texts of a batch (attention grows as its square)
MAX_TEXT_TOKENS = 512  # a passage is cut here (BERT-style models know 512 positions)
# Models trained with task prefixes: (question, passage), matched in the file or model name.
PREFIXES: dict[str, tuple[str, str]] = {
    "nomic-embed-text": ("search_query: ", "search_document: "),
}


class EmbeddingModelError(RuntimeError):
    """The GGUF could not be opened for embeddings, or produced no vector per text."""


def gguf_name(path: Path) -> str:
    """The embedder's name: the file's name and size, so a replaced file re-embeds."""
    return f"gguf:{path.name}:{path.stat().st_size}"


class LlamaEmbedder:
    def __init__(self, path: str | Path, n_threads: int | None = None) -> None:
        self.path = Path(path)
        self._name = gguf_name(self.path)  # raises OSError when the file is gone
        self._n_threads = n_threads
        self._llm: Any = None
        self._dim: int | None = None
        self._prefixes = ("", "")
        self._max_tokens = MAX_TEXT_TOKENS
        self._closed = False
        self._lock = threading.Lock()
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="hearth-docs-embed")
        self.threads: set[str] = set()  # the threads llama.cpp ran on (tests)

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = self._call(lambda: int(self._open().n_embd()))
        return self._dim

    def embed(self, texts: Sequence[str], *, query: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts: list[Vectors] = []
        for start in range(0, len(texts), BATCH_TEXTS):
            batch = list(texts[start : start + BATCH_TEXTS])
            parts.append(self._call(functools.partial(self._embed_here, batch, query)))
        return np.vstack(parts)

    def close(self) -> None:
        """Free the model on its own thread, then end the thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._thread.submit(self._free).result()
        self._thread.shutdown(wait=True)

    # -- on the embedding thread ---------------------------------------------------------
    def _call(self, work: Callable[[], T]) -> T:
        with self._lock:
            if self._closed:
                raise EmbeddingModelError(f"the embedder for {self.path.name} is closed")
            future = self._thread.submit(work)
        return future.result()

    def _embed_here(self, texts: list[str], query: bool) -> Vectors:
        llm = self._open()
        prefix = self._prefixes[0 if query else 1]
        inputs = [_cut(llm, prefix + text, self._max_tokens) for text in texts]
        vectors = np.asarray(llm.embed(inputs, normalize=False, truncate=True), dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(texts):
            raise EmbeddingModelError(f"{self.path.name} gave no single vector per text")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.where(norms == 0.0, 1.0, norms)).astype(np.float32)

    def _open(self) -> Any:
        self.threads.add(threading.current_thread().name)
        if self._llm is not None:
            return self._llm
        import llama_cpp

        llm = self._load(llama_cpp.LLAMA_POOLING_TYPE_UNSPECIFIED)  # the model's own pooling
        if llm.pooling_type() == llama_cpp.LLAMA_POOLING_TYPE_NONE:
            llm.close()  # a model made for chat: one vector per token; average them
            llm = self._load(llama_cpp.LLAMA_POOLING_TYPE_MEAN)
        self._llm = llm
        meta = llm.metadata
        names = f"{self.path.name} {meta.get('general.name', '')}".lower()
        self._prefixes = next((p for key, p in PREFIXES.items() if key in names), ("", ""))
        trained = meta.get(f"{meta.get('general.architecture', '')}.context_length", "")
        if str(trained).isdigit():
            self._max_tokens = min(MAX_TEXT_TOKENS, int(trained))
        log.info("document embeddings from %s (%d dimensions)", self.path.name, llm.n_embd())
        return llm

    def _load(self, pooling: int) -> Any:
        import llama_cpp

        try:
            return llama_cpp.Llama(
                model_path=str(self.path),
                embedding=True,
                n_ctx=N_CTX,
                n_batch=N_CTX,
                n_ubatch=N_CTX,
                pooling_type=pooling,
                n_threads=self._n_threads,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as error:
            raise EmbeddingModelError(
                f"{self.path.name} cannot produce embeddings: {error}"
            ) from error

    def _free(self) -> None:
        if self._llm is not None:
            self._llm.close()
            self._llm = None


def _cut(llm: Any, text: str, max_tokens: int) -> str:
    """The text, cut to the tokens one passage may have (with room for BOS and EOS/SEP)."""
    tokens = llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
    limit = max_tokens - 2
    if len(tokens) <= limit:
        return text
    return str(llm.detokenize(tokens[:limit]).decode("utf-8", errors="ignore"))


def embedder_for(path: str | None) -> tuple[Embedder, str]:
    """The embedder the setting names ("" or None: the built-in WordLlama), and a note when
    it cannot be used (the GGUF is gone: the built-in stands in, and the note says so)."""
    if not path:
        return default_embedder(), ""
    try:
        return LlamaEmbedder(path), ""
    except OSError as error:
        log.warning("embedding model %s unusable: %s", path, error)
        return default_embedder(), (
            f"The embedding model {Path(path).name} was not found; documents are searched "
            "with the built-in WordLlama."
        )


def usable_embedder(path: str | None) -> tuple[Embedder, str]:
    """`embedder_for`, with the GGUF opened (on its own thread) to be sure it embeds: one
    that cannot is closed and the built-in stands in, with a note saying why."""
    embedder, note = embedder_for(path)
    try:
        embedder.dim  # noqa: B018 (opens the model)
    except EmbeddingModelError as error:
        embedder.close()
        return default_embedder(), f"{error}. Documents are searched with the built-in WordLlama."
    return embedder, note

"""Sentence vectors. The default is WordLlama (MIT; its 16 MB weights and tokenizer ship in
the wheel), so documents work offline on the first run; `LlamaEmbedder`
(app/documents/llama_embedder.py) uses an embedding GGUF through llama.cpp instead.

WordLlama is loaded from the files inside the installed package, never through
`WordLlama.load()`, which looks for the tokenizer in the wrong folder and then tries to
download it. Every stored vector is tagged with `vector_tag(embedder)` (name and dimension),
so vectors of two embedders are never compared with each other.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
DIM = 256
Vectors = NDArray[np.float32]


class Embedder(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str], *, query: bool = False) -> Vectors:
        """Unit-length float32 vectors, one row per text; `query`: the texts are questions
        (some models embed questions and passages with different prefixes)."""
        ...

    def close(self) -> None: ...


def vector_tag(embedder: Embedder) -> str:
    """What the index stores beside each vector: "wordllama-l2_supercat-256@256"."""
    return f"{embedder.name}@{embedder.dim}"


class WordLlamaEmbedder:
    """Unit-length float32 vectors; `dim` below 256 keeps the first dimensions (WordLlama's
    weights are trained so that a prefix of each vector is a smaller embedding)."""

    def __init__(self, dim: int = DIM) -> None:
        if not 0 < dim <= DIM:
            raise ValueError(f"WordLlama vectors have 1 to {DIM} dimensions, not {dim}")
        self._dim = dim
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"wordllama-l2_supercat-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str], *, query: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        vectors = np.asarray(self._load().embed(list(texts), norm=True), dtype=np.float32)
        return vectors.reshape(len(texts), self._dim)

    def close(self) -> None:
        """Nothing to free: the weights are plain arrays, shared by the process."""

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = _open(self._dim)
            return self._model


def package_folder() -> Path:
    import wordllama

    return Path(wordllama.__file__).parent


def _open(dim: int) -> Any:
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    root = package_folder()
    tokenizer = Tokenizer.from_file(str(root / TOKENIZER))
    with safe_open(str(root / WEIGHTS), framework="np", device="cpu") as weights:
        embedding = weights.get_tensor("embedding.weight")
    return WordLlamaInference(np.ascontiguousarray(embedding[:, :dim]), tokenizer, binary=False)


_shared = WordLlamaEmbedder()


def default_embedder() -> WordLlamaEmbedder:
    """One per process: the weights are loaded once, on first use, on the caller's thread."""
    return _shared

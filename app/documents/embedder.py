"""Sentence vectors with WordLlama (MIT; its 16 MB weights and tokenizer ship in the wheel).

Loaded from the files inside the installed package, never through `WordLlama.load()`,
which looks for the tokenizer in the wrong folder and then tries to download it.
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
    name: str

    def embed(self, texts: Sequence[str]) -> Vectors: ...


class WordLlamaEmbedder:
    """Unit-length float32 vectors of dimension 256."""

    name = "wordllama-l2_supercat-256"

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        vectors = np.asarray(self._load().embed(list(texts), norm=True), dtype=np.float32)
        return vectors.reshape(len(texts), DIM)

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = _open()
            return self._model


def package_folder() -> Path:
    import wordllama

    return Path(wordllama.__file__).parent


def _open() -> Any:
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    root = package_folder()
    tokenizer = Tokenizer.from_file(str(root / TOKENIZER))
    with safe_open(str(root / WEIGHTS), framework="np", device="cpu") as weights:
        embedding = weights.get_tensor("embedding.weight")
    return WordLlamaInference(embedding, tokenizer, binary=False)


_shared = WordLlamaEmbedder()


def default_embedder() -> WordLlamaEmbedder:
    """One per process: the weights are loaded once, on first use, on the caller's thread."""
    return _shared

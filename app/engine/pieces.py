"""Token ids to bytes, one token at a time, cached (the per-token hot path)."""

from __future__ import annotations

import ctypes
from typing import Any


class PieceDecoder:
    def __init__(self, llm: Any) -> None:
        import llama_cpp

        self._llama_cpp = llama_cpp
        self._vocab = llama_cpp.llama_model_get_vocab(llm.model)
        self._cache: dict[int, bytes] = {}
        self._buffer = ctypes.create_string_buffer(256)

    def piece(self, token: int, special: bool = False) -> bytes:
        key = token if not special else -token - 1
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        n = self._llama_cpp.llama_token_to_piece(self._vocab, token, self._buffer, 256, 0, special)
        if n < 0:  # longer than the buffer: llama.cpp tells the size it needs
            bigger = ctypes.create_string_buffer(-n)
            n = self._llama_cpp.llama_token_to_piece(self._vocab, token, bigger, -n, 0, special)
            data = bytes(bigger.raw[:n])
        else:
            data = bytes(self._buffer.raw[:n])
        self._cache[key] = data
        return data

    def is_end_of_generation(self, token: int) -> bool:
        return bool(self._llama_cpp.llama_vocab_is_eog(self._vocab, token))

    def adds_bos(self) -> bool:
        return bool(self._llama_cpp.llama_vocab_get_add_bos(self._vocab))

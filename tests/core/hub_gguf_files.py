"""Small synthetic GGUF files for the hub tests: a header and key/value pairs, no tensors."""

from __future__ import annotations

import struct
from pathlib import Path

_TYPES = {int: (10, "<Q"), float: (6, "<f"), bool: (7, "<?")}


def _string(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack("<Q", len(data)) + data


def _value(value: object) -> bytes:
    if isinstance(value, str):
        return struct.pack("<I", 8) + _string(value)
    if isinstance(value, list):
        element = value[0]
        if isinstance(element, str):
            body = b"".join(_string(item) for item in value)
            return struct.pack("<IIQ", 9, 8, len(value)) + body
        kind, fmt = _TYPES[type(element)]
        body = b"".join(struct.pack(fmt, item) for item in value)
        return struct.pack("<IIQ", 9, kind, len(value)) + body
    if isinstance(value, bool):
        return struct.pack("<I?", 7, value)
    if isinstance(value, int):
        return struct.pack("<IQ" if value >= 0 else "<Iq", 10 if value >= 0 else 11, value)
    if isinstance(value, float):
        return struct.pack("<If", 6, value)
    raise TypeError(type(value))


def gguf_bytes(values: dict[str, object], version: int = 3, padding: int = 0) -> bytes:
    head = b"GGUF" + struct.pack("<IQQ", version, 0, len(values))
    body = b"".join(_string(key) + _value(value) for key, value in values.items())
    return head + body + b"\0" * padding


def write_gguf(path: Path, values: dict[str, object], padding: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gguf_bytes(values, padding=padding))
    return path


def llama_values(**extra: object) -> dict[str, object]:
    values: dict[str, object] = {
        "general.architecture": "llama",
        "general.name": "Tiny Test",
        "llama.context_length": 2048,
        "llama.block_count": 4,
        "llama.embedding_length": 256,
        "llama.attention.head_count": 8,
        "llama.attention.head_count_kv": 2,
        "general.file_type": 15,
        "tokenizer.ggml.tokens": [f"tok{i}" for i in range(500)],
        "tokenizer.chat_template": "{{ messages }}",
    }
    values.update(extra)
    return values

"""Broken GGUF files made from the real default model, for the bad-input tests."""

from __future__ import annotations

import os
import struct
from pathlib import Path


def _patched(source: Path, target: Path, old: bytes, new: bytes) -> Path:
    data = source.read_bytes()
    assert data.count(old) >= 1, old
    target.write_bytes(data.replace(old, new, 1))
    return target


def _string_kv(key: bytes, value: bytes) -> bytes:
    return struct.pack("<Q", len(key)) + key + struct.pack("<IQ", 8, len(value)) + value


def make_bad_model(kind: str, model: Path, folder: Path) -> Path:
    path = folder / f"{kind}.gguf"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "random":
        path.write_bytes(os.urandom(256 * 1024))
    elif kind == "magic-then-garbage":
        path.write_bytes(b"GGUF" + os.urandom(256 * 1024))
    elif kind.startswith("truncated-"):
        size = model.stat().st_size
        cut = {"header": 16, "metadata": 4096, "tensors": size // 2, "end": size - 1024}[
            kind.removeprefix("truncated-")
        ]
        with model.open("rb") as handle:
            path.write_bytes(handle.read(cut))
    elif kind == "unknown-architecture":
        _patched(
            model,
            path,
            _string_kv(b"general.architecture", b"llama"),
            _string_kv(b"general.architecture", b"zorgo"),
        )
    elif kind == "hostile-template":
        data = model.read_bytes()
        key = b"tokenizer.chat_template"
        at = data.index(key) + len(key)
        (length,) = struct.unpack("<Q", data[at + 4 : at + 12])
        evil = (
            b"{{ ''.__class__.__mro__[1].__subclasses__() }}"
            b"{{ cycler.__init__.__globals__.os.popen('id').read() }}"
        )
        evil = evil.ljust(length, b" ")
        path.write_bytes(data[: at + 12] + evil + data[at + 12 + length :])
    elif kind == "directory":
        path.mkdir()
    elif kind == "missing":
        pass
    else:
        raise ValueError(kind)
    return path


BAD_KINDS = {
    # kind: words the user-facing reason must contain (lower case, any of them)
    "empty": ("empty",),
    "random": ("not a gguf",),
    "magic-then-garbage": ("gguf", "version", "invalid", "failed", "read"),
    "truncated-header": ("truncated", "failed", "read"),
    "truncated-metadata": ("truncated", "failed", "read"),
    "truncated-tensors": ("truncated", "tensor", "data", "bounds", "read"),
    "truncated-end": ("truncated", "tensor", "data", "bounds", "read"),
    "unknown-architecture": ("zorgo",),
    "hostile-template": ("template",),
    "directory": ("folder",),
    "missing": ("does not exist",),
}

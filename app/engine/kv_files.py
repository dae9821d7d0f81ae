"""KV-state snapshots of conversations on disk, one file per conversation, LRU-capped.

File layout: b"HKV1", u32 header length, JSON header, then the token ids (int32 LE), the
prompt text those tokens spell (UTF-8) and llama.cpp's sequence state. The header carries
a fingerprint of the model file and settings, and a SHA-256 of the rest: a file from
another model, other settings, or one that was truncated or corrupted is ignored (and
deleted), never loaded as garbage.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
from array import array
from dataclasses import dataclass
from pathlib import Path

from app.atomic import write_bytes_atomic

log = logging.getLogger(__name__)

MAGIC = b"HKV1"
SUFFIX = ".kv"


@dataclass(frozen=True, slots=True)
class KvSnapshot:
    conversation_id: str
    fingerprint: str
    tokens: list[int]
    text: str
    state: bytes
    dropped_messages: int = 0


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


class KvStateFiles:
    """Reads and writes snapshots in one directory, keeping the total under `limit_bytes`."""

    def __init__(self, directory: Path, limit_bytes: int) -> None:
        self.directory = directory
        self.limit_bytes = limit_bytes

    def path_for(self, conversation_id: str, fingerprint: str) -> Path:
        """One file per conversation and model+settings: switching model keeps both."""
        name = f"{_digest(conversation_id, 32)}-{_digest(fingerprint, 12)}{SUFFIX}"
        return self.directory / name

    def save(self, snapshot: KvSnapshot) -> Path:
        tokens = array("i", snapshot.tokens).tobytes()
        text = snapshot.text.encode("utf-8")
        body = tokens + text + snapshot.state
        header = json.dumps(
            {
                "conversation_id": snapshot.conversation_id,
                "fingerprint": snapshot.fingerprint,
                "n_tokens": len(snapshot.tokens),
                "text_bytes": len(text),
                "state_bytes": len(snapshot.state),
                "dropped_messages": snapshot.dropped_messages,
                "sha256": hashlib.sha256(body).hexdigest(),
            }
        ).encode()
        path = self.path_for(snapshot.conversation_id, snapshot.fingerprint)
        write_bytes_atomic(path, MAGIC + struct.pack("<I", len(header)) + header + body)
        self._evict(keep=path)
        return path

    def load(self, conversation_id: str, fingerprint: str) -> KvSnapshot | None:
        """The snapshot, or None when absent, stale or damaged (damaged files are removed)."""
        path = self.path_for(conversation_id, fingerprint)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            log.warning("cannot read KV state %s: %s", path, error)
            return None
        snapshot, problem = _parse(raw, conversation_id, fingerprint)
        if snapshot is None:
            log.info("ignoring KV state for %s: %s", conversation_id, problem)
            path.unlink(missing_ok=True)
            return None
        os.utime(path)  # most recently used
        return snapshot

    def forget(self, conversation_id: str) -> None:
        """Remove the conversation's snapshots for every model."""
        for path in self.directory.glob(f"{_digest(conversation_id, 32)}-*{SUFFIX}"):
            path.unlink(missing_ok=True)

    def total_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.directory.glob(f"*{SUFFIX}"))

    def _evict(self, keep: Path) -> None:
        files = sorted(self.directory.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime)
        total = sum(p.stat().st_size for p in files)
        for path in files:
            if total <= self.limit_bytes:
                return
            if path == keep:
                continue
            total -= path.stat().st_size
            path.unlink(missing_ok=True)


def _parse(raw: bytes, conversation_id: str, fingerprint: str) -> tuple[KvSnapshot | None, str]:
    if len(raw) < 8 or raw[:4] != MAGIC:
        return None, "not a Hearth KV file"
    (header_len,) = struct.unpack("<I", raw[4:8])
    try:
        header = json.loads(raw[8 : 8 + header_len])
        n_tokens, text_bytes = int(header["n_tokens"]), int(header["text_bytes"])
        state_bytes = int(header["state_bytes"])
    except (ValueError, KeyError, TypeError):
        return None, "damaged header"
    if header.get("conversation_id") != conversation_id:
        return None, "belongs to another conversation"
    if header.get("fingerprint") != fingerprint:
        return None, "made with another model file or other settings"
    body = raw[8 + header_len :]
    if len(body) != n_tokens * 4 + text_bytes + state_bytes:
        return None, "truncated"
    if hashlib.sha256(body).hexdigest() != header.get("sha256"):
        return None, "checksum mismatch"
    tokens = array("i")
    tokens.frombytes(body[: n_tokens * 4])
    text = body[n_tokens * 4 : n_tokens * 4 + text_bytes].decode("utf-8")
    state = body[n_tokens * 4 + text_bytes :]
    dropped = int(header.get("dropped_messages", 0))
    return KvSnapshot(conversation_id, fingerprint, tokens.tolist(), text, state, dropped), ""

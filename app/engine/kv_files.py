"""KV-state snapshots of conversations on disk, LRU-capped: per conversation, the last one
saved (`path_for(id, fingerprint)`) and the ends of its other branches.

Saving a snapshot makes it the conversation's main file; the previous main file is renamed
to a branch file when it spells another branch, and any file whose text the new snapshot
continues is removed (it is the same branch, further on). `load_best` peeks at the texts
and loads the one sharing the longest start with the prompt about to be read.

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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.atomic import write_bytes_atomic
from app.engine.branch_choice import choose

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

    def path_for(self, conversation_id: str, fingerprint: str, branch: str = "") -> Path:
        """Files per conversation and model+settings (switching model keeps both); `branch`
        names another branch's end ("": the main file, the last one saved)."""
        name = f"{_digest(conversation_id, 32)}-{_digest(fingerprint, 12)}"
        return self.directory / (f"{name}-{branch}{SUFFIX}" if branch else f"{name}{SUFFIX}")

    def save(self, snapshot: KvSnapshot) -> Path:
        """Write `snapshot` as the conversation's main file (other branches are kept)."""
        self._make_room_for(snapshot)
        return self._write(snapshot)

    def _make_room_for(self, snapshot: KvSnapshot) -> None:
        main = self.path_for(snapshot.conversation_id, snapshot.fingerprint)
        for path, text in self.peek_all(snapshot.conversation_id, snapshot.fingerprint):
            if snapshot.text.startswith(text):
                path.unlink(missing_ok=True)  # the same branch, further on
            elif path == main:
                branch = _digest(text, 16)
                path.replace(self.path_for(snapshot.conversation_id, snapshot.fingerprint, branch))

    def _write(self, snapshot: KvSnapshot) -> Path:
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
        """The main snapshot, or None when absent, stale or damaged (damaged files go)."""
        return self.load_path(
            self.path_for(conversation_id, fingerprint), conversation_id, fingerprint
        )

    def peek_all(self, conversation_id: str, fingerprint: str) -> list[tuple[Path, str]]:
        """Each file of the conversation and model with the text it spells (the state is not
        read or checked yet), most recently used first; unreadable ones are left out."""
        pattern = self.path_for(conversation_id, fingerprint).name.removesuffix(SUFFIX)
        found: list[tuple[float, Path, str]] = []
        for path in self.directory.glob(f"{pattern}*{SUFFIX}"):
            try:
                with path.open("rb") as file:
                    text = _peek_text(file.read, conversation_id, fingerprint)
                mtime = path.stat().st_mtime
            except OSError:
                continue
            if text is not None:
                found.append((mtime, path, text))
        return [(p, t) for _, p, t in sorted(found, key=lambda f: -f[0])]

    def load_best(self, conversation_id: str, fingerprint: str, prompt: str) -> KvSnapshot | None:
        """The snapshot whose text shares the longest start with `prompt` (ties: the most
        recently used), or None."""
        files = self.peek_all(conversation_id, fingerprint)
        best = choose([t for _, t in files], prompt)
        if best is None:
            return None
        return self.load_path(files[best][0], conversation_id, fingerprint)

    def load_path(self, path: Path, conversation_id: str, fingerprint: str) -> KvSnapshot | None:
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


def _peek_text(read: Callable[[int], bytes], conversation_id: str, fingerprint: str) -> str | None:
    """The text a file's tokens spell, from its header and the bytes after it (no state)."""
    start = read(8)
    if len(start) < 8 or start[:4] != MAGIC:
        return None
    (header_len,) = struct.unpack("<I", start[4:8])
    try:
        header = json.loads(read(header_len))
        n_tokens, text_bytes = int(header["n_tokens"]), int(header["text_bytes"])
    except (ValueError, KeyError, TypeError):
        return None
    if header.get("conversation_id") != conversation_id:
        return None
    if header.get("fingerprint") != fingerprint:
        return None
    body = read(n_tokens * 4 + text_bytes)
    return body[n_tokens * 4 :].decode("utf-8", errors="replace")


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

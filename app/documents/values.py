"""Plain values of the documents feature."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

DOCUMENT_SOURCES = "document_sources"  # the reply's stats key for the passages it used
UnreadableKind = Literal[
    "too_large", "missing", "permission", "encrypted", "no_text", "broken", "binary", "unsupported"
]


@dataclass(frozen=True, slots=True)
class Section:
    """A run of text with one location: "page 3", "Installing > Linux", or "" for the top."""

    text: str
    location: str


@dataclass(frozen=True, slots=True)
class Chunk:
    """One indexed passage of a file."""

    ordinal: int
    location: str
    text: str


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrieved passage, best first; `score` is the fused (or single-method) score."""

    file: str
    location: str
    score: float
    text: str

    def as_source(self, passage_chars: int = 600) -> dict[str, Any]:
        """The reply's `stats["document_sources"]` entry."""
        return {
            "file": self.file,
            "location": self.location,
            "score": round(self.score, 6),
            "passage": self.text[:passage_chars],
        }


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A file that could not be read, and why, in plain words. Never skipped silently."""

    path: str
    kind: UnreadableKind
    reason: str


@dataclass(frozen=True, slots=True)
class Collection:
    """Folders and files indexed together, for one conversation (or all when None)."""

    id: int
    name: str
    conversation_id: str | None
    roots: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IndexProgress:
    """How far an indexing run got."""

    done: int
    total: int
    path: str
    chunks: int = 0


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one indexing run changed."""

    added: int
    updated: int
    unchanged: int
    removed: int
    unreadable: tuple[Unreadable, ...]
    chunks: int
    pages: int
    seconds: float
    paused: bool = False
    reembedded: int = 0  # passages embedded again because the embedder changed


@dataclass(frozen=True, slots=True)
class DocumentTurn:
    """What documents add to one turn: the text the model reads instead of the person's
    message, the attachments to remember on the stored message, the sources of the reply."""

    prompt: str
    attachments: tuple[dict[str, Any], ...]
    sources: tuple[dict[str, Any], ...]
    retrieval_s: float

    def user_stats(self) -> dict[str, Any]:
        return {"attachments": list(self.attachments)}

    def reply_stats(self) -> dict[str, Any]:
        # Not "sources": TurnStats.as_json() already uses that key for where each figure
        # came from (a remote server's usage, its timings, the client's clock).
        return {
            DOCUMENT_SOURCES: list(self.sources),
            "retrieval_s": round(self.retrieval_s, 4),
        }

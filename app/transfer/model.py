"""The neutral shape every reader produces: a conversation as a tree of nodes, and the
report an import hands back. No Qt, no store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class BadFileError(ValueError):
    """The file cannot be imported; the message names the file and the problem."""


class ImportCancelled(Exception):
    """The import was stopped before it finished; nothing was imported."""

    def __init__(self) -> None:
        super().__init__("Import cancelled: nothing was imported.")


@dataclass(frozen=True, slots=True)
class ImportedNode:
    """One message. ``parent_key`` is None for a first message; keys are unique within
    their conversation and say nothing about the database ids it will get."""

    key: str
    parent_key: str | None
    role: str  # one of the store's roles: user, assistant, system, notice
    content: str
    created_at: float
    thinking: str = ""
    stats: dict[str, Any] | None = None
    complete: bool = True


@dataclass(frozen=True, slots=True)
class ImportedConversation:
    title: str
    created_at: float
    updated_at: float
    source_id: str  # "chatgpt:<id>", "claude:<uuid>", "hearth:<id>": recognises a re-import
    nodes: tuple[ImportedNode, ...]
    current_key: str | None  # the leaf of the path the source showed last
    settings: dict[str, Any] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()  # one reason per message left out, e.g. "hidden messages"


@dataclass(frozen=True, slots=True)
class ImportReport:
    conversations: int
    messages: int
    branches: int  # alternatives beyond the first (a reply regenerated twice counts 2)
    skipped: list[str]  # "3 conversations already imported", "12 hidden messages", ...

    def as_json(self) -> dict[str, Any]:
        return {
            "conversations": self.conversations,
            "messages": self.messages,
            "branches": self.branches,
            "skipped": list(self.skipped),
        }

    def sentence(self) -> str:
        """One sentence for a person: what came in and what did not."""
        if self.conversations == 0 and not self.skipped:
            return "Nothing to import: the file holds no conversations."
        if self.conversations == 0:
            said = "Nothing new to import"
        else:
            said = (
                f"Imported {_count(self.conversations, 'conversation')} with "
                f"{_count(self.messages, 'message')}"
            )
            if self.branches:
                said += f" and {_count(self.branches, 'alternative branch', 'es')}"
        if self.skipped:
            said += " (skipped: " + "; ".join(self.skipped) + ")"
        return said + "."


def _count(n: int, noun: str, plural: str = "s") -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}{plural}"

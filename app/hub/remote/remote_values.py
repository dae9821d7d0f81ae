"""What the Hub tells us about repositories and their GGUF files, as plain values."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Literal

from app.hub.local.quant_names import quant_sort_key


@dataclass(frozen=True, slots=True)
class RepoSummary:
    """One search result or catalogue entry."""

    repo_id: str
    downloads: int | None = None
    likes: int | None = None
    licence: str | None = None
    description: str = ""
    parameter_count: int | None = None
    thinks: bool = False  # a reasoning model: it thinks before it answers
    kind: Literal["chat", "embedding"] = "chat"  # embedding: vectors for documents, no chat


@dataclass(frozen=True, slots=True)
class RemoteFile:
    path: str  # relative to the repository root, may contain folders
    size: int
    sha256: str | None  # the LFS hash the Hub publishes


@dataclass(frozen=True, slots=True)
class RemoteModel:
    """One downloadable model: a single GGUF file, or every part of a split one."""

    repo_id: str
    revision: str  # commit hash: the download is pinned to it, so a resume gets the same bytes
    quantization: str | None
    files: tuple[RemoteFile, ...]
    parameter_count: int | None = None  # from the catalogue, when known

    @property
    def name(self) -> str:
        first = posixpath.basename(self.files[0].path)
        if len(self.files) > 1:
            return f"{first.rsplit('-00001-of-', 1)[0]} ({len(self.files)} parts)"
        return first

    @property
    def total_size(self) -> int:
        return sum(file.size for file in self.files)

    @property
    def key(self) -> str:
        return f"{self.repo_id}/{self.files[0].path}"


@dataclass(frozen=True, slots=True)
class RepoFiles:
    repo_id: str
    revision: str
    licence: str | None
    models: tuple[RemoteModel, ...]

    def by_quantization(self) -> list[tuple[str, list[RemoteModel]]]:
        """Models grouped by quantization, smallest quantization first."""
        groups: dict[str, list[RemoteModel]] = {}
        for model in self.models:
            groups.setdefault(model.quantization or "other", []).append(model)
        order = sorted(groups, key=lambda q: quant_sort_key(None if q == "other" else q))
        return [(quant, groups[quant]) for quant in order]

"""Turn a repository's file list into downloadable models (split parts joined)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from app.hub.local.local_scan import SPLIT_PART
from app.hub.local.quant_names import quant_from_filename, quant_sort_key
from app.hub.remote.remote_values import RemoteFile, RemoteModel


def _is_model_path(path: str) -> bool:
    name = posixpath.basename(path).lower()
    return name.endswith(".gguf") and "mmproj" not in name and not name.startswith(".")


def group_models(
    repo_id: str, revision: str, files: Iterable[RemoteFile], parameter_count: int | None = None
) -> tuple[RemoteModel, ...]:
    """GGUF files as models, split parts as one model (only when every part is listed)."""
    singles: list[tuple[RemoteFile, ...]] = []
    splits: dict[tuple[str, str, int], dict[int, RemoteFile]] = {}
    for file in files:
        if not _is_model_path(file.path):
            continue
        folder, name = posixpath.split(file.path)
        match = SPLIT_PART.match(name)
        if match is None:
            singles.append((file,))
            continue
        key = (folder, match.group("stem"), int(match.group("count")))
        splits.setdefault(key, {})[int(match.group("part"))] = file
    for (_folder, _stem, count), parts in splits.items():
        if sorted(parts) == list(range(1, count + 1)):
            singles.append(tuple(parts[index] for index in range(1, count + 1)))
    models = [
        RemoteModel(repo_id, revision, quant_from_filename(group[0].path), group, parameter_count)
        for group in singles
    ]
    models.sort(key=lambda m: (quant_sort_key(m.quantization), m.files[0].path))
    return tuple(models)

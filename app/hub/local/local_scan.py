"""Every GGUF model on this machine: the default model, Hearth's models folder, the Hugging
Face cache and the user's extra folders. Headers only, cached by path + mtime + size.

Never touches the network: the Hugging Face cache is read with `scan_cache_dir`, which only
walks the folder.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from app import paths
from app.default_model import default_model_path
from app.hub.hf_env import hf_hub_cache_dir, hub_library
from app.hub.local.gguf_header import GgufFormatError, GgufMetadata, read_gguf_metadata

log = logging.getLogger(__name__)

Source = Literal["default", "models_dir", "hf_cache", "folder"]
SPLIT_PART = re.compile(r"^(?P<stem>.+)-(?P<part>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LocalModel:
    path: str
    name: str
    source: Source
    file_size: int  # all parts of a split model
    parameter_count: int | None
    quantization: str | None
    context_length: int | None
    error: str | None  # why the header could not be read; the model is still listed
    embedding: bool = False  # an embedding model: for document search, not for chat


_cache: dict[tuple[str, int, int], GgufMetadata | GgufFormatError] = {}
_cache_lock = threading.Lock()


def _is_model_file(path: Path) -> bool:
    name = path.name.lower()
    if not name.endswith(".gguf") or "mmproj" in name or name.startswith("."):
        return False
    match = SPLIT_PART.match(path.name)
    return match is None or int(match.group("part")) == 1


def split_parts(path: Path) -> list[Path]:
    """All parts of a split model given its first part (just [path] for a single file)."""
    match = SPLIT_PART.match(path.name)
    if match is None:
        return [path]
    count = int(match.group("count"))
    stem = match.group("stem")
    names = (f"{stem}-{index:05d}-of-{count:05d}.gguf" for index in range(1, count + 1))
    return [path.with_name(name) for name in names]


def model_name(path: Path) -> str:
    match = SPLIT_PART.match(path.name)
    return match.group("stem") if match else path.name[: -len(".gguf")]


def _gguf_files(folder: Path) -> Iterator[Path]:
    """GGUF files under `folder`, recursively, skipping hidden folders (partial downloads)."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*.gguf")):
        relative = path.relative_to(folder).parts
        if any(part.startswith(".") for part in relative[:-1]):
            continue
        if _is_model_file(path):
            yield path


def _metadata(path: Path, total_size: int) -> GgufMetadata | GgufFormatError:
    try:
        stat = path.stat()
    except OSError as error:
        return GgufFormatError(f"cannot read the file: {error.strerror or error}")
    key = (str(path), stat.st_mtime_ns, total_size)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    try:
        result: GgufMetadata | GgufFormatError = read_gguf_metadata(path, total_size)
    except GgufFormatError as error:
        result = error
    with _cache_lock:
        _cache[key] = result
    return result


def describe(path: Path, source: Source) -> LocalModel:
    """One LocalModel for a file (the first part of a split model), never raising."""
    parts = split_parts(path)
    missing = [part.name for part in parts if not part.is_file()]
    total = sum(part.stat().st_size for part in parts if part.is_file())
    meta = _metadata(path, total)
    error = meta.reason if isinstance(meta, GgufFormatError) else None
    if missing and error is None:
        error = f"{len(missing)} of {len(parts)} parts are missing ({missing[0]} …)"
    good = meta if isinstance(meta, GgufMetadata) else None
    return LocalModel(
        path=str(path),
        name=model_name(path),
        source=source,
        file_size=total,
        parameter_count=good.parameter_count if good else None,
        quantization=good.quantization if good else None,
        context_length=good.context_length if good else None,
        error=error,
        embedding=good.is_embedding_model if good else False,
    )


def _hf_cache_files() -> Iterator[Path]:
    cache_dir = hf_hub_cache_dir()
    if not cache_dir.is_dir():
        return
    hub = hub_library()  # lazy: heavy import
    from huggingface_hub.errors import CacheNotFound

    try:
        info = hub.scan_cache_dir(cache_dir)
    except (CacheNotFound, OSError, ValueError) as error:
        log.warning("cannot scan the Hugging Face cache %s: %s", cache_dir, error)
        return
    for repo in sorted(info.repos, key=lambda r: r.repo_id):
        if repo.repo_type != "model":
            continue
        for revision in sorted(repo.revisions, key=lambda r: r.commit_hash):
            for file in sorted(revision.files, key=lambda f: str(f.file_path)):
                if _is_model_file(file.file_path):
                    yield file.file_path


def _candidates(extra_folders: Sequence[Path]) -> Iterator[tuple[Path, Source]]:
    default = default_model_path()
    if default is not None and default.is_file():
        yield default, "default"
    for path in _gguf_files(paths.models_dir()):
        yield path, "models_dir"
    for path in _hf_cache_files():
        yield path, "hf_cache"
    for folder in extra_folders:
        for path in _gguf_files(Path(folder).expanduser()):
            yield path, "folder"


def scan_models(extra_folders: Sequence[Path] = ()) -> list[LocalModel]:
    """List every model found, each file once (the first source that has it wins)."""
    seen: set[Path] = set()
    models: list[LocalModel] = []
    for path, source in _candidates(extra_folders):
        try:
            identity = path.resolve()
        except OSError:
            identity = path
        if identity in seen:
            continue
        seen.add(identity)
        models.append(describe(path, source))
    return models


def clear_metadata_cache() -> None:
    with _cache_lock:
        _cache.clear()

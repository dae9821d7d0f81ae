"""Download one model (every part): resumable, verified, then moved into the models folder.

Where files go: `<models_dir>/.downloading/<owner>/<repo>/<file>.<hash>.part` while they
arrive, `… .ok` once verified, and `<models_dir>/<owner>/<repo>/<file>` when every part is
verified. Hearth's own folder (not the HF cache) because the user can see, move and delete
its models there, and because the local scan skips hidden folders: a file reaches the model
picker only after it has been verified.

Why not `hf_hub_download`: since huggingface_hub 1.x it writes to a per-process temporary
file and deletes it on failure, so a cancelled or broken download starts again from zero.
Hearth keeps its own partial file and uses the library for everything else: URL building,
`get_hf_file_metadata` (the HEAD call: size, LFS hash, redirect) and `http_get` (the GET with
a Range header from `resume_size`, retrying dropped connections itself).
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlparse

from app.hub.downloads.download_values import DownloadState
from app.hub.downloads.verify import verify_file
from app.hub.hf_env import hub_endpoint, hub_library, online
from app.hub.local.machine import DISK_MARGIN
from app.hub.remote.hub_errors import (
    DownloadCancelledError,
    HubError,
    NotEnoughDiskError,
    translate,
)
from app.hub.remote.remote_values import RemoteFile, RemoteModel

STAGING = ".downloading"
HEAD_TIMEOUT = 20.0


@dataclass(frozen=True, slots=True)
class JobHooks:
    cancel: threading.Event
    on_bytes: Callable[[int], None]  # bytes received since the last call (may be negative)
    on_phase: Callable[[DownloadState], None]
    free_space: Callable[[Path], int]


class _Progress:
    """Stands in for tqdm inside `http_get`: forwards byte counts and stops on cancel."""

    def __init__(self, hooks: JobHooks, **_bar_options: object) -> None:
        self._hooks = hooks

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def update(self, n: float | None = 1) -> None:
        if self._hooks.cancel.is_set():
            raise DownloadCancelledError()
        self._hooks.on_bytes(int(n or 0))

    def close(self) -> None:
        return None


def _part_base(target_dir: Path, model: RemoteModel, file: RemoteFile) -> Path:
    tag = (file.sha256 or "nohash")[:12]
    return target_dir / STAGING / model.repo_id / f"{file.path}.{tag}"


def partial_path(target_dir: Path, model: RemoteModel, file: RemoteFile) -> Path:
    base = _part_base(target_dir, model, file)
    return base.with_name(base.name + ".part")


def verified_path(target_dir: Path, model: RemoteModel, file: RemoteFile) -> Path:
    base = _part_base(target_dir, model, file)
    return base.with_name(base.name + ".ok")


def final_path(target_dir: Path, model: RemoteModel, file: RemoteFile) -> Path:
    return target_dir / model.repo_id / file.path


def bytes_on_disk(target_dir: Path, model: RemoteModel) -> int:
    """How much of the model is already here (partial or verified parts)."""
    total = 0
    for file in model.files:
        for candidate in (
            verified_path(target_dir, model, file),
            partial_path(target_dir, model, file),
        ):
            if candidate.is_file():
                total += min(candidate.stat().st_size, file.size)
                break
    return total


def discard_partials(target_dir: Path, model: RemoteModel) -> None:
    for file in model.files:
        partial_path(target_dir, model, file).unlink(missing_ok=True)
        verified_path(target_dir, model, file).unlink(missing_ok=True)


def _check_disk(target_dir: Path, model: RemoteModel, hooks: JobHooks) -> None:
    needed = model.total_size - bytes_on_disk(target_dir, model)
    free = hooks.free_space(target_dir)
    if free < needed + DISK_MARGIN:
        raise NotEnoughDiskError(needed, free, str(target_dir))


def _fetch(model: RemoteModel, file: RemoteFile, part: Path, hooks: JobHooks) -> None:
    from huggingface_hub.file_download import get_hf_file_metadata, http_get

    hub = hub_library()
    url = hub.hf_hub_url(model.repo_id, file.path, revision=model.revision, endpoint=hub_endpoint())
    part.parent.mkdir(parents=True, exist_ok=True)
    resume = part.stat().st_size if part.is_file() else 0
    if resume > file.size:
        part.unlink()
        resume = 0
    with online(hooks.cancel):
        meta = get_hf_file_metadata(url, timeout=HEAD_TIMEOUT)
        if meta.size is not None and meta.size != file.size:
            raise HubError(f"{file.path} changed on the Hub since it was listed; add it again.")
        headers = hub.utils.build_hf_headers()
        if urlparse(meta.location).netloc != urlparse(url).netloc:
            headers.pop("authorization", None)  # signed CDN links must not get the token
        progress = cast(Any, functools.partial(_Progress, hooks))
        with part.open("r+b" if resume else "wb") as handle:
            handle.seek(resume)
            http_get(
                meta.location,
                handle,
                resume_size=resume,
                headers=headers,
                expected_size=file.size,
                displayed_filename=file.path,
                tqdm_class=progress,
            )


def _download_and_verify(
    target_dir: Path, model: RemoteModel, file: RemoteFile, hooks: JobHooks
) -> None:
    part = partial_path(target_dir, model, file)
    if not (part.is_file() and part.stat().st_size == file.size):
        try:
            _fetch(model, file, part, hooks)
        except DownloadCancelledError:
            raise
        except Exception as error:
            if hooks.cancel.is_set():
                raise DownloadCancelledError() from error
            raise translate(error, file.path) from error
    hooks.on_phase("verifying")
    try:
        verify_file(part, file.sha256, file.path, hooks.cancel)
    except HubError:
        if not part.exists():
            hooks.on_bytes(-file.size)
        raise
    os.replace(part, verified_path(target_dir, model, file))
    hooks.on_phase("downloading")


def _install(target_dir: Path, model: RemoteModel) -> Path:
    for file in model.files:
        destination = final_path(target_dir, model, file)
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(verified_path(target_dir, model, file), destination)
    staging = target_dir / STAGING
    for folder in sorted(staging.rglob("*"), key=lambda p: -len(p.parts)):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return final_path(target_dir, model, model.files[0])


def run_download(model: RemoteModel, target_dir: Path, hooks: JobHooks) -> Path:
    """Blocking: fetch, verify and install every part; returns the first part's final path."""
    _check_disk(target_dir, model, hooks)
    for file in model.files:
        if hooks.cancel.is_set():
            raise DownloadCancelledError()
        if not verified_path(target_dir, model, file).is_file():
            _download_and_verify(target_dir, model, file, hooks)
    return _install(target_dir, model)

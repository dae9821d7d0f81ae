"""One entry of the download list, and how it is written to downloads.json."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from app.hub.remote.remote_values import RemoteFile, RemoteModel

DownloadState = Literal["queued", "downloading", "verifying", "paused", "failed", "done"]
ACTIVE_STATES: frozenset[str] = frozenset({"queued", "downloading", "verifying"})
INTERRUPTED = "Interrupted when Hearth closed. Press Resume to continue where it stopped."


@dataclass(frozen=True, slots=True)
class DownloadItem:
    model: RemoteModel
    state: DownloadState = "queued"
    downloaded_bytes: int = 0
    speed: float | None = None  # bytes per second, recent average
    eta_seconds: float | None = None
    message: str | None = None  # why it failed or paused, in plain words
    path: str | None = None  # the verified file (first part) once done

    @property
    def key(self) -> str:
        return self.model.key

    @property
    def total_bytes(self) -> int:
        return self.model.total_size

    @property
    def fraction(self) -> float:
        total = self.total_bytes
        return min(1.0, self.downloaded_bytes / total) if total else 0.0

    def with_changes(self, **changes: Any) -> DownloadItem:
        return replace(self, **changes)


def item_to_json(item: DownloadItem) -> dict[str, Any]:
    model = item.model
    return {
        "repo_id": model.repo_id,
        "revision": model.revision,
        "quantization": model.quantization,
        "parameter_count": model.parameter_count,
        "files": [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in model.files],
        "state": item.state,
        "downloaded_bytes": item.downloaded_bytes,
        "message": item.message,
        "path": item.path,
    }


def item_from_json(data: dict[str, Any]) -> DownloadItem:
    """Inverse of item_to_json; work that was running when the app closed becomes paused."""
    files = tuple(
        RemoteFile(str(f["path"]), int(f["size"]), f.get("sha256")) for f in data["files"]
    )
    if not files:
        raise ValueError("a download without files")
    model = RemoteModel(
        repo_id=str(data["repo_id"]),
        revision=str(data["revision"]),
        quantization=data.get("quantization"),
        files=files,
        parameter_count=data.get("parameter_count"),
    )
    state = data.get("state", "paused")
    message = data.get("message")
    if state in ACTIVE_STATES:
        state, message = "paused", INTERRUPTED
    if state not in ("paused", "failed", "done"):
        state = "paused"
    return DownloadItem(
        model=model,
        state=state,
        downloaded_bytes=int(data.get("downloaded_bytes", 0)),
        message=message,
        path=data.get("path"),
    )

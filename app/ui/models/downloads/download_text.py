"""Words for the download dialog: a download's status line, a repository's one-liner.

Pure functions (no Qt), so the wording is tested without a window.
"""

from __future__ import annotations

from app.hub.downloads.download_values import DownloadItem
from app.hub.remote.catalogue import catalogue_entry
from app.hub.remote.remote_values import RepoSummary
from app.ui.common.format import format_bytes, format_params


def format_speed(bytes_per_second: float | None) -> str:
    if not bytes_per_second:
        return ""
    return f"{format_bytes(bytes_per_second)}/s"


def format_time_left(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s left"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s left"
    return f"{whole // 3600} h {(whole % 3600) // 60:02d} min left"


def _progress(item: DownloadItem) -> str:
    return f"{format_bytes(item.downloaded_bytes)} of {format_bytes(item.total_bytes)}"


def describe_download(item: DownloadItem) -> str:
    """The status line under a download's progress bar."""
    if item.state == "downloading":
        parts = [_progress(item), format_speed(item.speed), format_time_left(item.eta_seconds)]
        return " · ".join(part for part in parts if part)
    if item.state == "queued":
        return f"Waiting · {format_bytes(item.total_bytes)}"
    if item.state == "verifying":
        return f"Verifying SHA-256 · {format_bytes(item.total_bytes)}"
    if item.state == "done":
        known = catalogue_entry(item.model.repo_id)
        where = (
            "in Settings, Document search"
            if known is not None and known.kind == "embedding"
            else "in the model picker"
        )
        return f"Verified · {format_bytes(item.total_bytes)} · {where}"
    if item.message:
        return item.message
    if item.state == "paused":
        return f"Paused · {_progress(item)} kept · Resume continues from there"
    return "Failed"


def describe_repo(repo: RepoSummary) -> str:
    """'Qwen/Qwen2.5-1.5B-Instruct-GGUF — 1.5B · apache-2.0 · 12,345 downloads · 67 likes'."""
    parts = []
    if repo.parameter_count:
        parts.append(format_params(repo.parameter_count))
    if repo.licence:
        parts.append(repo.licence)
    if repo.downloads is not None:
        parts.append(f"{repo.downloads:,} downloads")
    if repo.likes is not None:
        parts.append(f"{repo.likes:,} likes")
    if repo.thinks:
        parts.append("thinks")
    if repo.kind == "embedding":
        parts.append("embedding model for documents")
    return f"{repo.repo_id} — {' · '.join(parts)}" if parts else repo.repo_id

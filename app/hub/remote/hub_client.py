"""The Hub calls the download dialog makes: search, file listing, remote GGUF header.

Every function here goes online only for its own duration (see `app.hub.hf_env.online`),
blocks, and raises HubError subclasses. Call them from a worker thread, never the GUI thread.
"""

from __future__ import annotations

from typing import Any, Literal

from app.hub.hf_env import hub_endpoint, hub_library, online
from app.hub.local.gguf_header import GgufFormatError, GgufMetadata, parse_gguf_metadata
from app.hub.remote.catalogue import catalogue_entry
from app.hub.remote.hub_errors import HubError, translate
from app.hub.remote.remote_values import RemoteFile, RemoteModel, RepoFiles, RepoSummary
from app.hub.remote.repo_files import group_models

SortKey = Literal["downloads", "likes"]
API_TIMEOUT = 20.0
_RANGE_BLOCK = 256 * 1024
MAX_REMOTE_HEADER = 64 * 1024 * 1024


def _api() -> Any:
    return hub_library().HfApi(endpoint=hub_endpoint())


def _licence(tags: list[str] | None, card_data: Any = None) -> str | None:
    licence = getattr(card_data, "license", None) if card_data is not None else None
    if isinstance(licence, str):
        return licence
    for tag in tags or []:
        if tag.startswith("license:"):
            return tag.split(":", 1)[1]
    return None


def search_repos(query: str, sort: SortKey = "downloads", limit: int = 40) -> list[RepoSummary]:
    """GGUF repositories whose name matches `query`, most downloaded (or liked) first."""
    try:
        with online():
            found = list(_api().list_models(search=query, filter="gguf", sort=sort, limit=limit))
    except Exception as error:
        raise translate(error, f"the search for “{query}”") from error
    results = []
    for info in found:
        known = catalogue_entry(info.id)
        results.append(
            RepoSummary(
                repo_id=info.id,
                downloads=info.downloads,
                likes=info.likes,
                licence=_licence(info.tags) or (known.licence if known else None),
                description=known.description if known else "",
                parameter_count=known.parameter_count if known else None,
            )
        )
    results.sort(key=lambda r: -((r.downloads if sort == "downloads" else r.likes) or 0))
    return results


def list_repo_models(repo_id: str) -> RepoFiles:
    """The repository's GGUF models with sizes and SHA-256 hashes, pinned to its latest commit."""
    try:
        with online():
            info = _api().model_info(repo_id, files_metadata=True, timeout=API_TIMEOUT)
    except Exception as error:
        raise translate(error, repo_id) from error
    files = [
        RemoteFile(
            path=sibling.rfilename,
            size=int(sibling.lfs.size if sibling.lfs else sibling.size or 0),
            sha256=sibling.lfs.sha256 if sibling.lfs else None,
        )
        for sibling in info.siblings or []
    ]
    known = catalogue_entry(repo_id)
    revision = info.sha or "main"
    models = group_models(repo_id, revision, files, known.parameter_count if known else None)
    licence = _licence(info.tags, info.card_data) or (known.licence if known else None)
    return RepoFiles(repo_id=repo_id, revision=revision, licence=licence, models=models)


class _RangeReader:
    """`read(n)` over a remote file, fetched in Range requests through huggingface_hub's session."""

    def __init__(self, url: str, headers: dict[str, str], size: int) -> None:
        self._url, self._headers, self._size = url, headers, size
        self._block = _RANGE_BLOCK  # doubles with each request: small headers cost one
        self.offset = 0

    def read(self, n: int) -> bytes:
        if self.offset >= self._size:
            return b""
        if self.offset + n > MAX_REMOTE_HEADER:
            raise GgufFormatError("the header is too large to read over the network")
        end = min(self._size, self.offset + min(n, self._block)) - 1
        self._block = min(self._block * 2, 8 * _RANGE_BLOCK * 4)
        hub = hub_library()
        headers = {**self._headers, "Range": f"bytes={self.offset}-{end}"}
        wanted = end + 1 - self.offset
        with hub.get_session().stream("GET", self._url, headers=headers, timeout=API_TIMEOUT) as r:
            hub.utils.hf_raise_for_status(r)
            skip = self.offset if r.status_code == 200 else 0  # a server that ignores Range
            data = bytearray()
            for chunk in r.iter_bytes():
                data += chunk
                if len(data) >= skip + wanted:
                    break
        piece = bytes(data[skip : skip + wanted])
        self.offset += len(piece)
        return piece


def read_remote_header(model: RemoteModel) -> GgufMetadata:
    """The first part's GGUF header up to the tokenizer, read with HTTP Range requests."""
    first = model.files[0]
    hub = hub_library()
    url = hub.hf_hub_url(
        model.repo_id, first.path, revision=model.revision, endpoint=hub_endpoint()
    )
    reader = _RangeReader(url, hub.utils.build_hf_headers(), first.size)
    try:
        with online():
            return parse_gguf_metadata(reader.read, model.total_size, stop_at_tokenizer=True)
    except GgufFormatError:
        raise
    except Exception as error:
        raise translate(error, first.path) from error


__all__ = ["HubError", "list_repo_models", "read_remote_header", "search_repos"]

"""A fake Hugging Face Hub served over real HTTP on 127.0.0.1, for the hub and dialog tests.

Point huggingface_hub at it with HF_ENDPOINT. It serves what the client asks for: GET
/api/models (search), GET /api/models/<repo>[/revision/<rev>] (model info with LFS sizes and
hashes), HEAD and GET /<repo>/resolve/<rev>/<file> (Range requests; ETag, X-Repo-Commit,
X-Linked-Etag and X-Linked-Size headers). Faults are switched on per test (`Faults`).
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from tests.core.hub_gguf_files import gguf_bytes, llama_values

_HASHES: dict[Path, str] = {}


def file_sha256(path: Path) -> str:
    if path not in _HASHES:
        _HASHES[path] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _HASHES[path]


@dataclass
class FakeFile:
    content: Path | bytes

    @property
    def size(self) -> int:
        return self.content.stat().st_size if isinstance(self.content, Path) else len(self.content)

    @property
    def sha256(self) -> str:
        if isinstance(self.content, Path):
            return file_sha256(self.content)
        return hashlib.sha256(self.content).hexdigest()

    def read(self, start: int, end: int) -> bytes:
        if isinstance(self.content, bytes):
            return self.content[start:end]
        with self.content.open("rb") as handle:
            handle.seek(start)
            return handle.read(end - start)


@dataclass
class FakeRepo:
    repo_id: str
    files: dict[str, FakeFile]
    downloads: int = 0
    likes: int = 0
    licence: str = "apache-2.0"
    sha: str = "a" * 40

    def info(self) -> dict[str, object]:
        siblings = []
        for name, file in self.files.items():
            entry: dict[str, object] = {"rfilename": name, "size": file.size, "blobId": "b" * 40}
            if name.endswith(".gguf"):
                entry["lfs"] = {"size": file.size, "sha256": file.sha256, "pointerSize": 134}
            siblings.append(entry)
        return {
            "id": self.repo_id, "sha": self.sha, "downloads": self.downloads, "likes": self.likes,
            "tags": ["gguf", f"license:{self.licence}"], "private": False, "siblings": siblings,
        }  # fmt: skip


@dataclass
class Faults:
    drop_after: int | None = None  # close the connection after this many body bytes ...
    drops: int = 0  # ... for this many responses (-1: every one)
    refuse_after_drop: bool = False  # after a drop, hang up on every request (server "down")
    corrupt_at: int | None = None  # flip the byte at this file offset
    delay: float = 0.0  # seconds to sleep after each chunk (a slow server)
    chunk: int = 64 * 1024
    missing: set[str] = field(default_factory=set)  # listed, but 404 on download


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    range: str | None


class FakeHub:
    def __init__(self, repos: list[FakeRepo]) -> None:
        self.repos = {repo.repo_id: repo for repo in repos}
        self.faults = Faults()
        self.seen: list[Seen] = []
        self.down = False
        self.stopping = False
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def ranges(self, suffix: str) -> list[str | None]:
        """The Range headers of the GETs of files ending with `suffix`, in order."""
        return [s.range for s in self.seen if s.method == "GET" and s.path.endswith(suffix)]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, hub: FakeHub) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hub = hub


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    @property
    def hub(self) -> FakeHub:
        return self.server.hub

    def log_message(self, format: str, *args: object) -> None:
        return None

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def _serve(self, body: bool) -> None:
        url = urlparse(self.path)
        self.hub.seen.append(Seen(self.command, unquote(url.path), self.headers.get("Range")))
        if self.hub.down:
            self.close_connection = True
            return
        try:
            if url.path == "/api/models":
                self._json(200, _search(self.hub, parse_qs(url.query)))
            elif url.path.startswith("/api/models/"):
                self._model_info(unquote(url.path[len("/api/models/") :]))
            elif "/resolve/" in url.path:
                self._resolve(unquote(url.path.lstrip("/")), body)
            else:
                self._json(404, {"error": "not found"})
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _json(self, status: int, data: object, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        for key, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _model_info(self, rest: str) -> None:
        repo = self.hub.repos.get("/".join(rest.split("/")[:2]))
        if repo is None:
            self._json(404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})
            return
        self._json(200, repo.info())

    def _resolve(self, rest: str, body: bool) -> None:
        owner, name, _resolve, _revision, *parts = rest.split("/")
        repo = self.hub.repos.get(f"{owner}/{name}")
        if repo is None:
            self._json(404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})
            return
        path = "/".join(parts)
        file = repo.files.get(path)
        commit = {"X-Repo-Commit": repo.sha}
        if file is None or path in self.hub.faults.missing:
            error = {"X-Error-Code": "EntryNotFound", **commit}
            self._json(404, {"error": "Entry not found"}, error)
            return
        start, end = _parse_range(self.headers.get("Range"), file.size)
        self.send_response(206 if self.headers.get("Range") else 200)
        headers = {
            **commit, "ETag": f'"{file.sha256}"', "X-Linked-Etag": f'"{file.sha256}"',
            "X-Linked-Size": str(file.size), "Accept-Ranges": "bytes",
            "Content-Length": str(end - start),
        }  # fmt: skip
        if self.headers.get("Range"):
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{file.size}"
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if body:
            self._stream(file, start, end)

    def _stream(self, file: FakeFile, start: int, end: int) -> None:
        faults = self.hub.faults
        limit = end
        if faults.drop_after is not None and faults.drops != 0:
            limit = min(end, start + faults.drop_after)
            faults.drops -= 1
        position = start
        while position < limit and not self.hub.stopping:
            data = bytearray(file.read(position, min(limit, position + faults.chunk)))
            bad = faults.corrupt_at
            if bad is not None and position <= bad < position + len(data):
                data[bad - position] ^= 0xFF
            self.wfile.write(data)
            position += len(data)
            if faults.delay:
                time.sleep(faults.delay)
        if limit < end:
            self.wfile.flush()
            self.close_connection = True
            self.hub.down = self.hub.down or faults.refuse_after_drop


def _parse_range(header: str | None, size: int) -> tuple[int, int]:
    if not header:
        return 0, size
    first, _, last = header.removeprefix("bytes=").partition("-")
    return int(first), (int(last) + 1 if last else size)


def _search(hub: FakeHub, query: dict[str, list[str]]) -> list[dict[str, object]]:
    words = " ".join(query.get("search", [])).lower()
    key = query.get("sort", ["downloads"])[0]
    found = [r for r in hub.repos.values() if words in r.repo_id.lower()]
    found.sort(key=lambda r: -(r.likes if key == "likes" else r.downloads))
    limit = int(query.get("limit", ["1000"])[0])
    return [
        {"id": r.repo_id, "downloads": r.downloads, "likes": r.likes,
         "tags": ["gguf", f"license:{r.licence}"]}
        for r in found[:limit]
    ]  # fmt: skip


SMOL_REPO = "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"
SMOL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
SPLIT_REPO = "test/Tiny-Split-GGUF"


def standard_hub(default_model: Path) -> FakeHub:
    """A Hub with the real default model, a split model, and a few search results."""
    small = gguf_bytes(llama_values(), padding=150_000)
    first = gguf_bytes(llama_values(**{"split.count": 2}), padding=200_000)
    tiny = {
        "tiny-Q8_0-00001-of-00002.gguf": FakeFile(first),
        "tiny-Q8_0-00002-of-00002.gguf": FakeFile(gguf_bytes({"split.count": 2}, padding=100_000)),
        "tiny-Q2_K.gguf": FakeFile(small),
        "Q4_K_M/tiny-Q4_K_M.gguf": FakeFile(small + b"\1"),
        "mmproj-tiny-f16.gguf": FakeFile(small),
        "README.md": FakeFile(b"# tiny\n"),
    }  # fmt: skip
    smol = {SMOL_FILE: FakeFile(default_model), "README.md": FakeFile(b"# Smol\n")}
    return FakeHub(
        [
            FakeRepo(SMOL_REPO, smol, downloads=500, likes=10),
            FakeRepo(SPLIT_REPO, tiny, downloads=50, likes=99, licence="mit", sha="c" * 40),
            FakeRepo("someone/Other-Model-GGUF", {}, downloads=5, likes=1),
        ]
    )  # fmt: skip


def closed_port_url() -> str:
    """An address where nothing listens: the Hub is unreachable."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"

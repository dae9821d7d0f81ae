"""A small OpenAI-compatible server of the test suite's own, on 127.0.0.1, that misbehaves
on request: the model named in a chat request picks the behaviour, `Server.models_mode` the
answer to GET /v1/models, `Server.api_key` whether a key is required.

Chat models: "good" (streams a reply, then `usage` and llama.cpp-style `timings`), "plain"
(no usage, no timings), "slow" (200 words, 20 ms apart), "json" (ignores `stream`, answers
one JSON completion), "500", "html", "cut" (closes the connection mid-reply), "never" (reads
the request and never answers), "stall" (two words, then silence), "latin1" (a non-UTF-8
byte in a chunk), "notjson" (a chunk that is not JSON). Any other model: 404.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REPLY = "Hello from the test server, one word at a time."
CHAT_MODELS = ("good", "plain", "slow", "json", "500", "html", "cut", "never", "stall",
               "latin1", "notjson")  # fmt: skip


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)


def chunk(text: str = "", finish: str | None = None, **extra: Any) -> bytes:
    delta = {"content": text} if text else {}
    data = {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "test",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **extra,
    }
    return b"data: " + json.dumps(data).encode() + b"\n\n"


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.0"  # streams end when the connection closes

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        owner = self.server.owner
        owner.seen.append(Seen("GET", self.path, dict(self.headers)))
        if not self._authorized():
            return
        if self.path != f"{owner.prefix}/models":
            self._send(404, b"<html>Not Found</html>", "text/html")
            return
        mode = owner.models_mode
        if mode == "html":
            self._send(200, b"<!doctype html><title>Router login</title>", "text/html")
        elif mode == "latin1":
            self._send(200, b'{"data": [{"id": "caf\xe9"}]}', "application/json")
        elif mode == "nodata":
            self._send(200, b'{"models": []}', "application/json")
        else:
            data = [{"id": m, "object": "model", "max_model_len": 2048} for m in owner.models]
            self._send(200, json.dumps({"object": "list", "data": data}).encode())

    def do_POST(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        owner.seen.append(Seen("POST", self.path, dict(self.headers), body))
        if not self._authorized():
            return
        if self.path == f"{owner.prefix}/embeddings":
            vectors = [[float(len(text)), 3.0, 4.0] for text in body["input"]]
            data = [{"index": i, "embedding": v} for i, v in enumerate(vectors)]
            self._send(200, json.dumps({"object": "list", "data": data}).encode())
            return
        if self.path == f"{owner.prefix}/completions":
            self._start_stream()
            for word in ("once", " upon", " a", " time"):
                choice = {"index": 0, "text": word, "finish_reason": None}
                self._write(b"data: " + json.dumps({"choices": [choice]}).encode() + b"\n\n")
            self._write(chunk(finish="length") + b"data: [DONE]\n\n")
            return
        if self.path != f"{owner.prefix}/chat/completions":
            self._send(404, b"<html>Not Found</html>", "text/html")
            return
        model = str(body.get("model"))
        if model not in owner.models:
            error = {"error": {"message": f"model '{model}' not found", "type": "not_found"}}
            self._send(404, json.dumps(error).encode())
            return
        getattr(self, "_chat_" + model, self._chat_good)(body)

    # -- behaviours ----------------------------------------------------------------------
    def _chat_good(
        self, body: dict[str, Any], usage: bool = True, delay: float = 0.0, words: Any = None
    ) -> None:
        self._start_stream()
        words = words or self.server.owner.words or REPLY.split(" ")
        for index, word in enumerate(words):
            self._write(chunk(word if index == 0 else " " + word))
            if delay:
                time.sleep(delay)
        self._write(chunk(finish="stop"))
        if usage:
            prompt = sum(len(str(m.get("content", "")).split()) for m in body["messages"]) + 10
            stats = {"prompt_tokens": prompt, "completion_tokens": len(words),
                     "total_tokens": prompt + len(words),
                     "prompt_tokens_details": {"cached_tokens": 4}}  # fmt: skip
            timings = {"cache_n": 4, "prompt_n": prompt - 4, "prompt_ms": 20.0,
                       "predicted_n": len(words), "predicted_ms": 100.0,
                       "predicted_per_second": len(words) / 0.1}  # fmt: skip
            final = {"choices": [], "usage": stats, "timings": timings}
            self._write(b"data: " + json.dumps(final).encode() + b"\n\n")
        self._write(b"data: [DONE]\n\n")

    def _chat_plain(self, body: dict[str, Any]) -> None:
        self._chat_good(body, usage=False)

    def _chat_slow(self, body: dict[str, Any]) -> None:
        try:
            self._chat_good(body, False, 0.02, [f" w{i}" for i in range(200)])
        except OSError:
            self.server.owner.client_went_away.set()

    def _chat_json(self, body: dict[str, Any]) -> None:
        message = {"role": "assistant", "content": REPLY}
        reply = {
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 12, "completion_tokens": 9, "total_tokens": 21},
        }
        self._send(200, json.dumps(reply).encode())

    def _chat_500(self, body: dict[str, Any]) -> None:
        error = {"error": {"message": "CUDA out of memory", "type": "server_error"}}
        self._send(500, json.dumps(error).encode())

    def _chat_html(self, body: dict[str, Any]) -> None:
        self._send(200, b"<!doctype html><h1>Welcome to nginx!</h1>", "text/html")

    def _chat_cut(self, body: dict[str, Any]) -> None:
        self._start_stream()
        for word in ("Half", " a", " reply"):
            self._write(chunk(word))
        self.close_connection = True  # no finish_reason, no [DONE]: the peer just goes

    def _chat_never(self, body: dict[str, Any]) -> None:
        self.server.owner.release.wait(30)

    def _chat_stall(self, body: dict[str, Any]) -> None:
        self._start_stream()
        self._write(chunk("Two"))
        self._write(chunk(" words"))
        self.server.owner.release.wait(30)

    def _chat_latin1(self, body: dict[str, Any]) -> None:
        self._start_stream()
        self._write(chunk("Caf"))
        self._write(b'data: {"choices": [{"index": 0, "delta": {"content": "\xe9"}}]}\n\n')
        self._write(chunk(finish="stop") + b"data: [DONE]\n\n")

    def _chat_notjson(self, body: dict[str, Any]) -> None:
        self._start_stream()
        self._write(chunk("Some"))
        self._write(b"data: <html>Bad gateway</html>\n\n")

    # -- plumbing ------------------------------------------------------------------------
    def _authorized(self) -> bool:
        key = self.server.owner.api_key
        if key and self.headers.get("Authorization") != f"Bearer {key}":
            error = {"error": {"message": "Invalid API key", "type": "invalid_request_error"}}
            self._send(401, json.dumps(error).encode())
            return False
        return True

    def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()

    def _write(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: Server

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (Stop, a timeout) is part of the tests, not an error."""


class Server:
    """`with Server() as server:` ... `server.base_url` is http://127.0.0.1:<port>/v1."""

    def __init__(self, host: str = "127.0.0.1", prefix: str = "/v1") -> None:
        self.prefix = prefix
        self.models: tuple[str, ...] = CHAT_MODELS
        self.models_mode = "ok"
        self.api_key = ""
        self.words: list[str] | None = None
        self.seen: list[Seen] = []
        self.release = threading.Event()  # lets "never" and "stall" handlers end
        self.client_went_away = threading.Event()
        self._http = _HTTPServer((host, 0), _Handler)
        self._http.owner = self
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._http.server_address[1])

    @property
    def base_url(self) -> str:
        host = self._http.server_address[0]
        return f"http://{host}:{self.port}{self.prefix}"

    def model_path(self, model: str) -> str:
        return f"{self.base_url}#{model}"

    def start(self) -> Server:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._http.shutdown()
        self._http.server_close()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":  # a server for a person or a child process: prints its URL
    import sys

    server = Server().start()
    print(server.base_url, flush=True)
    sys.stdin.read()
    server.stop()

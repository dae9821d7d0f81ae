"""ServerClient: the only code that talks to a server (httpx, imported lazily).

Requests go only to the endpoint's own host and port: no proxies or .netrc from the
environment (`trust_env=False`), no redirects. A chat reply is read on its own daemon
thread (`ChatStream`) into a queue, so the engine's thread never blocks on the network
and Stop takes effect at once: `abort()` shuts the socket down, which also tells the server
to stop generating.
"""

from __future__ import annotations

import logging
import queue
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.chat.remote import Endpoint
from app.chat.values import GenerationParams, Message
from app.engine.remote import errors
from app.engine.remote.chunks import (
    Chunk,
    ServerModel,
    SSELines,
    chunk_from,
    decode_json,
    error_message,
    server_models,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Timeouts:
    connect_s: float = 10.0
    read_s: float = 300.0  # a big model on a busy server can think for minutes


class StreamEnd:
    """Put last on a ChatStream's queue; `error` is None when the reply ended properly."""

    def __init__(self, error: errors.RemoteError | None) -> None:
        self.error = error


StreamItem = Chunk | StreamEnd


class ServerClient:
    def __init__(self, endpoint: Endpoint, api_key: str = "", timeouts: Timeouts | None = None):
        import httpx

        self.endpoint = endpoint
        self.timeouts = timeouts or Timeouts()
        self._api_key = api_key
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(
            timeout=httpx.Timeout(self.timeouts.read_s, connect=self.timeouts.connect_s),
            headers=headers,
            trust_env=False,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def list_models(self) -> list[ServerModel]:
        """GET /models; every failure is a RemoteError with a clear message."""
        response = self._request(lambda: self._http.get(self.endpoint.url("models")))
        self._check_status(response.status_code, response.content, "models", model=None)
        return server_models(self.endpoint, response.content)

    def open_chat(
        self, model: str, messages: Sequence[Message], params: GenerationParams
    ) -> ChatStream:
        body = _sampling(model, params)
        body["messages"] = [{"role": m.role, "content": m.content} for m in messages]
        return ChatStream(self, model, "chat/completions", body).start()

    def open_completion(self, model: str, prompt: str, params: GenerationParams) -> ChatStream:
        """Raw text continuation (/completions), streamed like a chat reply."""
        body = _sampling(model, params)
        body["prompt"] = prompt
        return ChatStream(self, model, "completions", body).start()

    def embeddings(self, model: str, texts: Sequence[str]) -> list[list[float]]:
        body = {"model": model, "input": list(texts)}
        response = self._request(
            lambda: self._http.post(self.endpoint.url("embeddings"), json=body)
        )
        self._check_status(response.status_code, response.content, "embeddings", model)
        data = decode_json(self.endpoint, response.content)
        rows = data.get("data") if isinstance(data, dict) else None
        if not isinstance(rows, list) or len(rows) != len(texts):
            raise errors.not_openai(self.endpoint, "its /embeddings answer has no 'data' list")
        ordered = sorted(rows, key=lambda row: row.get("index", 0) if isinstance(row, dict) else 0)
        vectors = [row.get("embedding") if isinstance(row, dict) else None for row in ordered]
        if not all(isinstance(v, list) and v for v in vectors):
            raise errors.not_openai(self.endpoint, "an embedding is not a list of numbers")
        return [[float(x) for x in v] for v in vectors]  # type: ignore[union-attr]

    # -- shared by both requests ------------------------------------------------------
    def _request(self, send: Callable[[], Any]) -> Any:
        import httpx

        try:
            return send()
        except httpx.ConnectTimeout:
            raise errors.timed_out(self.endpoint, self.timeouts.connect_s, "connect") from None
        except httpx.TimeoutException:
            raise errors.timed_out(self.endpoint, self.timeouts.read_s, "answer") from None
        except httpx.ConnectError as error:
            raise errors.unreachable(self.endpoint, _connect_reason(error)) from None
        except httpx.HTTPError as error:
            raise errors.unreachable(self.endpoint, str(error) or type(error).__name__) from None

    def _check_status(self, status: int, body: bytes, route: str, model: str | None) -> None:
        if status < 300:
            return
        if status in (401, 403):
            raise errors.unauthorized(self.endpoint, status, bool(self._api_key))
        said = error_message(body)
        if status == 404 and model is not None and "model" in said.lower():
            raise errors.unknown_model(self.endpoint, model, f" (HTTP 404: {said})")
        if status == 404:
            raise errors.not_found(self.endpoint, route)
        if 300 <= status < 400:
            raise errors.not_openai(self.endpoint, f"it redirects (HTTP {status})")
        if status in (400, 422) and model is not None and "model" in said.lower():
            raise errors.unknown_model(self.endpoint, model, f" (HTTP {status}: {said})")
        raise errors.server_failed(self.endpoint, status, said)


def _sampling(model: str, params: GenerationParams) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": model,
        "stream": True,
        "stream_options": {"include_usage": True},
        "temperature": params.temperature,
        "top_p": params.top_p,
        "max_tokens": params.max_tokens,
    }
    if params.seed is not None:
        body["seed"] = params.seed
    return body


def _connect_reason(error: Exception) -> str:
    text = str(error).lower()
    if "refused" in text:
        return "connection refused"
    if "name or service" in text or "nodename" in text or "resolution" in text:
        return "the host name is unknown"
    if "unreachable" in text:
        return "no route to the host"
    return str(error) or type(error).__name__


class ChatStream:
    """One streamed chat completion, read on a daemon thread into `items`."""

    def __init__(self, client: ServerClient, model: str, route: str, body: dict[str, Any]) -> None:
        self.items: queue.SimpleQueue[StreamItem] = queue.SimpleQueue()
        self._client = client
        self._model = model
        self._route = route
        self._body = body
        self._aborted = threading.Event()
        self._socket: socket.socket | None = None
        self._thread = threading.Thread(target=self._run, name="hearth-remote", daemon=True)

    def start(self) -> ChatStream:
        self._thread.start()
        return self

    def abort(self) -> None:
        """Close the stream now (the reader thread ends on its own)."""
        self._aborted.set()
        sock = self._socket
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _run(self) -> None:
        error: errors.RemoteError | None = None
        try:
            self._read()
        except errors.RemoteError as caught:
            error = caught
        except Exception as caught:  # a bug must still end the turn with a message
            log.exception("reading the reply failed")
            error = errors.RemoteError("bug", f"Reading the server's reply failed: {caught!r}")
        self.items.put(StreamEnd(None if self._aborted.is_set() else error))

    def _read(self) -> None:
        import httpx

        client, endpoint = self._client, self._client.endpoint
        url = endpoint.url(self._route)
        request = client._http.build_request("POST", url, json=self._body)
        response = client._request(lambda: client._http.send(request, stream=True))
        try:
            self._socket = _socket_of(response)
            if self._aborted.is_set():
                return
            if response.status_code >= 300:
                client._check_status(
                    response.status_code, response.read(), self._route, self._model
                )
            self._read_body(response)
        except httpx.TimeoutException:
            if not self._aborted.is_set():
                raise errors.timed_out(endpoint, client.timeouts.read_s, "reply") from None
        except httpx.HTTPError:
            if not self._aborted.is_set():
                raise errors.cut(endpoint) from None
        finally:
            response.close()

    def _read_body(self, response: Any) -> None:
        endpoint = self._client.endpoint
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/json":  # a server that ignores "stream": one whole completion
            self.items.put(chunk_from(endpoint, decode_json(endpoint, response.read())))
            return
        if kind != "text/event-stream":
            raise errors.not_openai(
                endpoint, f"it answered a chat request with {kind or 'no content type'}"
            )
        lines, finished = SSELines(), False
        for data in response.iter_bytes():
            for line in lines.feed(data):
                if not line.startswith(b"data:"):
                    continue  # blank separators, comments (keep-alives), event names
                payload = line[5:].strip()
                if payload == b"[DONE]":
                    return
                chunk = chunk_from(endpoint, decode_json(endpoint, payload))
                finished = finished or chunk.finish_reason is not None
                self.items.put(chunk)
                if self._aborted.is_set():
                    return
        if not finished and not self._aborted.is_set():
            raise errors.cut(endpoint)


def _socket_of(response: Any) -> socket.socket | None:
    stream = response.extensions.get("network_stream")
    try:
        sock = stream.get_extra_info("socket") if stream is not None else None
    except Exception:
        return None
    return sock if isinstance(sock, socket.socket) else None

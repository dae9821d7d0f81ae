"""Reading what an OpenAI-compatible server sends: SSE lines, chunks, model lists. Pure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from app.chat.remote import Endpoint
from app.engine.remote import errors


@dataclass(frozen=True, slots=True)
class Chunk:
    """One streamed piece of a chat completion (any part may be missing)."""

    text: str = ""
    finish_reason: str | None = None
    usage: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ServerModel:
    """An entry of /v1/models, with what the server says about it when it says it."""

    id: str
    context_size: int = 0  # vLLM's max_model_len (the window the server runs)
    trained_context: int = 0  # llama-server's meta.n_ctx_train
    parameter_count: int = 0
    file_size: int = 0


class SSELines:
    """Bytes in, complete lines out (b'\\n' or b'\\r\\n'); the unfinished tail is kept."""

    def __init__(self) -> None:
        self._tail = b""

    def feed(self, data: bytes) -> Iterator[bytes]:
        self._tail += data
        *lines, self._tail = self._tail.split(b"\n")
        for line in lines:
            yield line.rstrip(b"\r")

    @property
    def pending(self) -> bytes:
        return self._tail


def decode_json(endpoint: Endpoint, raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise errors.not_utf8(endpoint) from None
    try:
        return json.loads(text)
    except ValueError:
        raise errors.not_json(endpoint, text) from None


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def server_models(endpoint: Endpoint, raw: bytes) -> list[ServerModel]:
    """Parse a /v1/models body; anything else is 'not OpenAI-compatible'."""
    try:
        data = decode_json(endpoint, raw)
    except errors.RemoteError as error:
        if error.kind == "not_utf8":
            raise
        raise errors.not_openai(
            endpoint, f"its model list is not JSON ({errors.preview(raw)!r})"
        ) from None
    entries = data.get("data") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise errors.not_openai(endpoint, "its /models answer has no 'data' list")
    models = []
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            meta = _dict(entry.get("meta"))
            models.append(
                ServerModel(
                    entry["id"],
                    context_size=_int(entry.get("max_model_len")),
                    trained_context=_int(meta.get("n_ctx_train")),
                    parameter_count=_int(meta.get("n_params")),
                    file_size=_int(meta.get("size")),
                )
            )
    return models


def chunk_from(endpoint: Endpoint, data: Any) -> Chunk:
    """One parsed `data:` payload (a chat.completion.chunk, or a whole completion)."""
    if not isinstance(data, dict):
        raise errors.not_openai(endpoint, f"a reply chunk is not an object ({data!r:.80})")
    if "error" in data and "choices" not in data:
        raise errors.RemoteError(
            "server_error",
            f"The server at {endpoint.netloc} reported an error: {_error_text(data['error'])}",
        )
    choices = data.get("choices")
    if choices is None and ("usage" in data or "timings" in data):
        choices = []
    if not isinstance(choices, list):
        raise errors.not_openai(endpoint, "a reply chunk has no 'choices' list")
    text, reason = "", None
    if choices and isinstance(choices[0], dict):
        first = choices[0]
        part = first.get("delta") if isinstance(first.get("delta"), dict) else first.get("message")
        if isinstance(part, dict) and isinstance(part.get("content"), str):
            text = part["content"]
        elif isinstance(first.get("text"), str):
            text = first["text"]
        if isinstance(first.get("finish_reason"), str):
            reason = first["finish_reason"]
    return Chunk(text, reason, _dict(data.get("usage")), _dict(data.get("timings")))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        return str(error.get("message") or error)
    return str(error)


def error_message(body: bytes) -> str:
    """The 'message' of an OpenAI-style error body, or a preview of whatever it is."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return errors.preview(body)
    if isinstance(data, dict) and "error" in data:
        return errors.preview(_error_text(data["error"]))
    if isinstance(data, dict) and isinstance(data.get("detail"), str):
        return errors.preview(data["detail"])
    return errors.preview(body)

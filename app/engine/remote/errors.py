"""What can go wrong with a server, each as a sentence a person can act on."""

from __future__ import annotations

from app.chat.remote import Endpoint
from app.engine.errors import EngineError

BODY_PREVIEW = 160


class RemoteError(EngineError):
    """A server problem; `kind` names the case (tests and the window's marks use it)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def preview(body: bytes | str) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = " ".join(text.split())
    return text if len(text) <= BODY_PREVIEW else text[: BODY_PREVIEW - 1] + "…"


def unreachable(endpoint: Endpoint, why: str) -> RemoteError:
    return RemoteError(
        "unreachable",
        f"Cannot reach the server at {endpoint.netloc} ({why}). Check that it is running "
        "and that the address and port are right.",
    )


def timed_out(endpoint: Endpoint, seconds: float, during: str) -> RemoteError:
    """`during`: "connect" (no connection), "answer" (no answer), "reply" (stopped mid-reply)."""
    where = endpoint.netloc
    text = {
        "connect": f"The server at {where} did not accept a connection within {seconds:g} s.",
        "answer": f"The server at {where} accepted the request but sent nothing for {seconds:g} s.",
        "reply": f"The server at {where} stopped sending in the middle of the reply "
        f"(nothing for {seconds:g} s); the part that arrived is kept.",
    }[during]
    return RemoteError("timeout", text)


def not_found(endpoint: Endpoint, route: str) -> RemoteError:
    return RemoteError(
        "wrong_url",
        f"{endpoint.netloc} answered, but there is no OpenAI-compatible API at "
        f"{endpoint.url(route)} (HTTP 404). Check the address: it usually ends in /v1.",
    )


def not_openai(endpoint: Endpoint, what: str) -> RemoteError:
    return RemoteError(
        "not_openai",
        f"{endpoint.netloc} does not look like an OpenAI-compatible server: {what}.",
    )


def unauthorized(endpoint: Endpoint, status: int, had_key: bool) -> RemoteError:
    if had_key:
        text = f"The server at {endpoint.netloc} refused the API key (HTTP {status}). Check it."
    else:
        text = f"The server at {endpoint.netloc} needs an API key (HTTP {status}). Add one."
    return RemoteError("unauthorized", text)


def unknown_model(endpoint: Endpoint, model: str, detail: str) -> RemoteError:
    return RemoteError(
        "unknown_model",
        f"The server at {endpoint.netloc} does not offer the model {model!r}{detail}.",
    )


def server_failed(endpoint: Endpoint, status: int, body: bytes | str) -> RemoteError:
    said = preview(body)
    return RemoteError(
        "server_error",
        f"The server at {endpoint.netloc} failed (HTTP {status})" + (f": {said}" if said else "."),
    )


def cut(endpoint: Endpoint) -> RemoteError:
    return RemoteError(
        "cut",
        f"The connection to {endpoint.netloc} closed in the middle of the reply; "
        "the part that arrived is kept.",
    )


def not_utf8(endpoint: Endpoint) -> RemoteError:
    return RemoteError(
        "not_utf8", f"The server at {endpoint.netloc} sent bytes that are not UTF-8 text."
    )


def not_json(endpoint: Endpoint, body: bytes | str) -> RemoteError:
    return RemoteError(
        "not_json",
        f"The server at {endpoint.netloc} sent something that is not JSON: {preview(body)!r}",
    )

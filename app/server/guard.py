"""Middlewares: every error as OpenAI JSON, the Host check, Origin/CORS, the API key, and a
record of every request for the window.

Order (outermost first): errors+records, host, origin, key. The body-size cap is applied
where bodies are read (body.py) and by aiohttp's client_max_size.
"""

from __future__ import annotations

import hmac
import logging
import time
import uuid
from collections.abc import Awaitable, Callable

from aiohttp import web

from app.server.body import context_of, state_of
from app.server.config import LOOPBACK_NAMES
from app.server.errors import ApiError, error_body
from app.server.generation import ClientGoneError
from app.server.records import RequestRecord

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_WILDCARDS = ("0.0.0.0", "::", "")


@web.middleware
async def errors_and_records(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.time()
    error: str | None = None
    try:
        response = await handler(request)
    except ApiError as api_error:
        response, error = api_error.response(), api_error.message
    except ClientGoneError as gone:  # a non-streamed request whose client left
        state = state_of(request)
        state.status, state.outcome = 499, gone.outcome
        response, error = web.Response(status=499), "the client left"
    except web.HTTPException as http:
        error = _http_message(request, http)
        response = web.json_response(
            error_body(http.status, error, code=http.reason.lower().replace(" ", "_")),
            status=http.status,
            headers={k: v for k, v in http.headers.items() if k == "Allow"},
        )
    except Exception as bug:
        log.exception("API request failed")
        error = f"Internal error: {bug!r}"
        response = web.json_response(error_body(500, error), status=500)
    _record(request, started, response.status, error)
    return response


def _http_message(request: web.Request, http: web.HTTPException) -> str:
    if http.status == 404:
        return f"There is no endpoint {request.path}; see GET /v1/models."
    if http.status == 405:
        allowed = http.headers.get("Allow", "")
        return f"{request.method} is not allowed on {request.path} (use {allowed})."
    if http.status == 413:
        limit = context_of(request).config.max_body_bytes
        return f"The request body is larger than the limit of {limit:,} bytes."
    return http.text or http.reason


def _record(request: web.Request, started: float, status: int, error: str | None) -> None:
    ctx = context_of(request)
    if ctx.observer is None:
        return
    state = state_of(request)
    record = RequestRecord(
        request_id=uuid.uuid4().hex[:12],
        started=started,
        method=request.method,
        path=request.path,
        status=state.status or status,
        stream=state.stream,
        conversation=state.conversation,
        stats=state.outcome.stats if state.outcome else None,
        error=error,
    )
    try:
        ctx.observer(record)
    except Exception:
        log.exception("the request observer failed")


def _host_name(header: str) -> str:
    if header.startswith("["):
        return header[: header.find("]") + 1]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


@web.middleware
async def host_check(request: web.Request, handler: Handler) -> web.StreamResponse:
    """DNS rebinding: a web page's name resolving to 127.0.0.1 must not reach the API."""
    config = context_of(request).config
    if config.host not in _WILDCARDS:
        name = _host_name(request.headers.get("Host", "")).lower()
        allowed = {*LOOPBACK_NAMES, "[::1]", config.host.lower(), *config.allowed_hosts}
        if name not in allowed:
            raise ApiError(
                403,
                f"The Host header {name!r} is not this server's address; requests must be "
                "sent to localhost or the address it listens on.",
                code="host_not_allowed",
            )
    return await handler(request)


@web.middleware
async def origin_check(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Browsers send Origin: only origins listed in the settings may call, with CORS."""
    origin = request.headers.get("Origin")
    if origin is None:
        return await handler(request)
    if origin not in context_of(request).config.cors_origins:
        raise ApiError(
            403,
            f"Requests from the web origin {origin!r} are not allowed; add it to the "
            "server's CORS origins to allow it.",
            code="origin_not_allowed",
        )
    cors = {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Headers": "Authorization, Content-Type",
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Vary": "Origin",
    }
    if request.method == "OPTIONS":
        return web.Response(status=204, headers=cors)
    state_of(request).cors = cors  # streamed replies add them before they start
    response = await handler(request)
    if not response.prepared:
        response.headers.update(cors)
    return response


@web.middleware
async def key_check(request: web.Request, handler: Handler) -> web.StreamResponse:
    key = context_of(request).config.api_key
    if key and request.path != "/health":
        given = request.headers.get("Authorization", "")
        token = given[7:].strip() if given[:7].lower() == "bearer " else ""
        if not hmac.compare_digest(token.encode(), key.encode()):
            raise ApiError(
                401,
                "Missing or wrong API key: send 'Authorization: Bearer <key>'."
                if token
                else "This server needs an API key: send 'Authorization: Bearer <key>'.",
                code="invalid_api_key",
            )
    return await handler(request)

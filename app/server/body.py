"""Reading a request body within the size cap and the time limit."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from app.server.context import ServerContext
from app.server.errors import ApiError
from app.server.fields import parse_object
from app.server.replies import Outcome

CONTEXT_KEY = web.AppKey("hearth_server_context", ServerContext)


@dataclass(slots=True)
class RequestState:
    """What handlers tell the middlewares about a request."""

    conversation: str = ""
    outcome: Outcome | None = None
    status: int | None = None  # overrides the response's (499: the client left)
    stream: bool = False
    cors: dict[str, str] = field(default_factory=dict)


STATE_KEY = web.RequestKey("hearth_request_state", RequestState)


def state_of(request: web.Request) -> RequestState:
    state = request.get(STATE_KEY)
    if state is None:
        state = request[STATE_KEY] = RequestState()
    return state


def context_of(request: web.Request) -> ServerContext:
    return request.app[CONTEXT_KEY]


def too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        f"The request body is larger than the limit of {limit:,} bytes.",
        code="request_too_large",
    )


async def json_body(request: web.Request) -> dict[str, Any]:
    ctx = context_of(request)
    limit = ctx.config.max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        raise too_large(limit)
    try:
        async with asyncio.timeout(ctx.config.body_timeout_s):
            raw = await request.read()
    except TimeoutError:
        raise ApiError(
            408, "The request body did not arrive in time.", code="request_timeout"
        ) from None
    except web.HTTPRequestEntityTooLarge:
        raise too_large(limit) from None
    return parse_object(raw)

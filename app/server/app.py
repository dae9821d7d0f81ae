"""create_app: the aiohttp application, its routes and middlewares."""

from __future__ import annotations

from aiohttp import web

from app.engine.runner import EngineRunner
from app.server.body import CONTEXT_KEY
from app.server.chat import chat_completions
from app.server.completions import completions
from app.server.config import ServerConfig
from app.server.context import ServerContext
from app.server.endpoints import embeddings, health, models
from app.server.guard import errors_and_records, host_check, key_check, origin_check
from app.server.records import RequestObserver


def create_app(
    runner: EngineRunner, config: ServerConfig, observer: RequestObserver | None = None
) -> web.Application:
    app = web.Application(
        middlewares=[errors_and_records, host_check, origin_check, key_check],
        client_max_size=config.max_body_bytes,
    )
    app[CONTEXT_KEY] = ServerContext(runner, config, observer)
    app.router.add_get("/health", health)
    app.router.add_get("/v1/models", models)
    app.router.add_post("/v1/chat/completions", chat_completions)
    app.router.add_post("/v1/completions", completions)
    app.router.add_post("/v1/embeddings", embeddings)
    # Clients configured with a base URL without /v1 still find the endpoints.
    app.router.add_get("/models", models)
    app.router.add_post("/chat/completions", chat_completions)
    app.router.add_post("/completions", completions)
    app.router.add_post("/embeddings", embeddings)
    return app

"""GET /health, GET /v1/models, POST /v1/embeddings."""

from __future__ import annotations

import asyncio
import base64
import struct
import time

from aiohttp import web

from app.engine.errors import EngineError
from app.server.body import context_of, json_body
from app.server.errors import ApiError
from app.server.schemas import parse_embedding


async def health(request: web.Request) -> web.Response:
    ctx = context_of(request)
    info = ctx.runner.model_info
    if info is None:
        return web.json_response({"status": "loading model"}, status=503)
    return web.json_response({"status": "ok", "model": ctx.model_id(info), "waiting": ctx.waiting})


async def models(request: web.Request) -> web.Response:
    ctx = context_of(request)
    info = ctx.model()
    entry = {
        "id": ctx.model_id(info),
        "object": "model",
        "created": int(time.time()),
        "owned_by": "hearth",
        "meta": {
            "n_ctx": info.context_size,
            "n_ctx_train": info.trained_context,
            "n_params": info.parameter_count,
            "size": info.file_size,
            "architecture": info.architecture,
            "quantization": info.quantization,
        },
    }
    return web.json_response({"object": "list", "data": [entry]})


async def embeddings(request: web.Request) -> web.Response:
    ctx = context_of(request)
    ctx.model()
    req = parse_embedding(await json_body(request))
    info = ctx.check_model(req.model)
    texts = list(req.inputs)
    with ctx.slot(stream=False):
        try:
            vectors = await asyncio.wrap_future(
                ctx.runner.submit(lambda engine: engine.embed(texts))
            )
        except EngineError as error:
            raise ApiError(400, str(error), param="input", code="embeddings_unavailable") from None
    data = [
        {
            "object": "embedding",
            "index": index,
            "embedding": _encode(vector) if req.base64 else vector,
        }
        for index, vector in enumerate(vectors)
    ]
    tokens = sum(max(1, len(t.encode()) // 4) for t in texts)  # an estimate, as a hint
    return web.json_response(
        {
            "object": "list",
            "data": data,
            "model": ctx.model_id(info),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }
    )


def _encode(vector: list[float]) -> str:
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()

"""POST /v1/completions: raw text in, its continuation out (no chat template)."""

from __future__ import annotations

import hashlib
from typing import Any

from aiohttp import web

from app.server.body import context_of, json_body, state_of
from app.server.chat import _generation_error
from app.server.generation import ClientGoneError, SseSink, drive
from app.server.replies import ReplyIds, completion, completion_chunk, usage_chunk
from app.server.schemas import parse_completion


def _conversation_for(prompt: str) -> str:
    """Completions are keyed by their first 256 characters: a client that extends its
    prompt keeps landing on the same KV state."""
    return "api-text-" + hashlib.sha256(prompt[:256].encode()).hexdigest()[:16]


async def completions(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)
    info = ctx.model()
    req = parse_completion(await json_body(request), info.context_size)
    info = ctx.check_model(req.sampling.model)
    ids = ReplyIds(ctx.model_id(info), "cmpl")
    cid = _conversation_for(req.prompt)
    state_of(request).conversation = cid
    with ctx.slot(req.sampling.stream):
        turn = ctx.runner.complete(cid, req.prompt, req.sampling.params)
        if not req.sampling.stream:
            outcome = await drive(request, turn, req.sampling.stop, None)
            state_of(request).outcome = outcome
            if outcome.error:
                raise _generation_error(outcome.error)
            return web.json_response(completion(ids, outcome))
        sink = SseSink(request, lambda text, _: completion_chunk(ids, text) if text else None)
        try:
            outcome = await drive(request, turn, req.sampling.stop, sink)
        except ClientGoneError as gone:
            state_of(request).status = 499
            state_of(request).outcome = gone.outcome
            return sink.response
        state_of(request).outcome = outcome
        if outcome.error and not sink.prepared:
            raise _generation_error(outcome.error)
        return await _finish_stream(sink, ids, outcome, req.sampling.include_usage)


async def _finish_stream(
    sink: SseSink, ids: ReplyIds, outcome: Any, usage: bool
) -> web.StreamResponse:
    if not sink.prepared:
        await sink.start()
    if outcome.error:
        await sink.send({"error": {"message": outcome.error, "type": "server_error"}})
    else:
        await sink.send(completion_chunk(ids, "", outcome.finish_reason))
        if usage:
            await sink.send(usage_chunk(ids, outcome, chat=False))
    return await sink.done()

"""POST /v1/chat/completions, streaming (SSE) or not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from aiohttp import web

from app.chat.values import GenerationParams, Message
from app.engine.grammar import GrammarError, compiled, json_object_grammar, json_schema_grammar
from app.engine.protocol import ChatEngine
from app.server.body import context_of, json_body, state_of
from app.server.context import ServerContext
from app.server.errors import ApiError
from app.server.generation import ClientGoneError, SseSink, drive
from app.server.replies import (
    Outcome,
    ReplyIds,
    chat_chunk,
    chat_completion,
    timings,
    usage_chunk,
)
from app.server.schemas import ChatRequest, parse_chat


async def chat_completions(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)
    info = ctx.model()
    chat = parse_chat(await json_body(request), info.context_size)
    info = ctx.check_model(chat.sampling.model)
    params = with_grammar(chat.sampling.params, chat.response_format)
    given = chat.sampling.params.max_tokens if chat.sampling.max_tokens_given else None
    await ctx.ensure_fits(info, chat.messages, given)
    ids = ReplyIds(ctx.model_id(info), "chatcmpl")
    with ctx.slot(chat.sampling.stream):
        match = ctx.matcher.match(chat.messages)
        state_of(request).conversation = match.conversation_id
        turn = ctx.runner.chat(match.conversation_id, chat.messages, params, foreground=False)
        outcome: Outcome | None = None
        try:
            if chat.sampling.stream:
                return await _stream(request, ctx, chat, ids, turn)
            outcome = await drive(request, turn, chat.sampling.stop, None)
            return _reply(request, ids, outcome)
        finally:
            _release(ctx, match.conversation_id, chat.messages, state_of(request).outcome)


def with_grammar(params: GenerationParams, response_format: dict[str, Any] | None) -> Any:
    if response_format is None:
        return params
    try:
        if response_format["type"] == "json_object":
            grammar = json_object_grammar()
        else:
            grammar = json_schema_grammar(response_format["json_schema"].get("schema") or {})
        compiled(grammar)
    except (GrammarError, ValueError) as error:
        raise ApiError(400, str(error), param="response_format") from None
    return replace(params, grammar=grammar)


def _reply(request: web.Request, ids: ReplyIds, outcome: Outcome) -> web.Response:
    state_of(request).outcome = outcome
    if outcome.error:
        raise _generation_error(outcome.error)
    return web.json_response(chat_completion(ids, outcome))


def _generation_error(message: str) -> ApiError:
    if "tokens long" in message and "context window" in message:
        return ApiError(400, message, param="messages", code="context_length_exceeded")
    return ApiError(500, message, code="generation_failed")


async def _stream(
    request: web.Request, ctx: ServerContext, chat: ChatRequest, ids: ReplyIds, turn: Any
) -> web.StreamResponse:
    def chunk(content: str, reasoning: str) -> dict[str, Any]:
        delta: dict[str, Any] = {}
        if content:
            delta["content"] = content
        if reasoning:
            delta["reasoning_content"] = reasoning
        return chat_chunk(ids, delta)

    sink = SseSink(request, chunk)
    sink.first_chunk = chat_chunk(ids, {"role": "assistant", "content": ""})
    try:
        outcome = await drive(request, turn, chat.sampling.stop, sink)
    except ClientGoneError as gone:
        state_of(request).status = 499
        state_of(request).outcome = gone.outcome
        return sink.response
    state_of(request).outcome = outcome
    if outcome.error and not sink.prepared:
        raise _generation_error(outcome.error)
    if not sink.prepared:
        await sink.start()
    try:
        if outcome.error:
            await sink.send({"error": {"message": outcome.error, "type": "server_error"}})
        else:
            last = chat_chunk(ids, {}, outcome.finish_reason, timings=timings(outcome.stats))
            await sink.send(last)
            if chat.sampling.include_usage:
                await sink.send(usage_chunk(ids, outcome, chat=True))
        return await sink.done()
    except (ConnectionError, RuntimeError):
        state_of(request).status = 499
        return sink.response


def _release(
    ctx: ServerContext, cid: str, messages: tuple[Message, ...], outcome: Outcome | None
) -> None:
    """Tell the matcher what the conversation's state now spells (unknown when cut short)."""
    if outcome is None or outcome.error or outcome.stats is None:
        ctx.matcher.release(cid, None)
        return
    spelled = [*messages, Message("assistant", outcome.content)]
    for evicted in ctx.matcher.release(cid, spelled):
        ctx.runner.submit(_forgetter(evicted))


def _forgetter(conversation_id: str) -> Callable[[ChatEngine], None]:
    return lambda engine: engine.forget(conversation_id)

"""Drive one generation for a request: events in, stop strings applied, text out.

Shared by the chat and completion endpoints, streaming or not. A client that goes away
(its connection closes, or a write fails) cancels the turn; the engine checks that flag
between tokens, so generation stops within a token or two.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from aiohttp import web

from app.chat.events import PromptEvaluated, TurnFinished
from app.engine.runner import TurnStream
from app.server.body import state_of
from app.server.bridge import StopScanner, events, reply_parts
from app.server.replies import Outcome


class ClientGoneError(Exception):
    """The client closed the connection; the turn was cancelled. `outcome` has its figures."""

    def __init__(self, outcome: Outcome | None = None) -> None:
        super().__init__("the client closed the connection")
        self.outcome = outcome


class Sink(Protocol):
    async def start(self) -> None: ...

    async def text(self, content: str, reasoning: str) -> None: ...


def client_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


async def drive(
    request: web.Request, turn: TurnStream, stops: tuple[str, ...], sink: Sink | None
) -> Outcome:
    """Run the turn to its end; the Outcome the client gets.

    Raises ClientGoneError (with the cancelled turn's figures) when the client left.
    """
    scanner = StopScanner(stops)
    outcome = Outcome()
    started = gone = False
    async for event in events(turn, lambda: client_gone(request)):
        gone = gone or (turn.cancel_event.is_set() and not scanner.stopped)
        if isinstance(event, TurnFinished):
            if event.reason == "error" and not started:
                outcome.error = event.error or "Generation failed."
                outcome.finish_reason = "error"
                return outcome
            if gone:
                raise ClientGoneError(_finish(outcome, event, False))
            await _emit(turn, sink, outcome, scanner.flush(), "")
            return _finish(outcome, event, scanner.stopped)
        if gone:
            continue  # cancelled: wait for the turn's end (a token or two) for its figures
        content, reasoning = reply_parts(event)
        if sink is not None and not started and (content or reasoning or _is_prompt(event)):
            started = True
            gone = not await _call(turn, sink.start())
        if (content or reasoning) and not gone:
            gone = not await _emit(turn, sink, outcome, scanner.feed(content), reasoning)
            if scanner.stopped:
                turn.cancel()  # a stop string: end the reply here
    raise ClientGoneError(outcome)


def _is_prompt(event: object) -> bool:
    return isinstance(event, PromptEvaluated)


async def _emit(
    turn: TurnStream, sink: Sink | None, outcome: Outcome, content: str, reasoning: str
) -> bool:
    """Add text to the outcome and send it; False when the client is gone."""
    if not content and not reasoning:
        return True
    outcome.content += content
    outcome.reasoning += reasoning
    return sink is None or await _call(turn, sink.text(content, reasoning))


async def _call(turn: TurnStream, work: Any) -> bool:
    try:
        await work
    except (ConnectionError, RuntimeError):  # the client closed the connection
        turn.cancel()
        return False
    return True


def _finish(outcome: Outcome, event: TurnFinished, stopped: bool) -> Outcome:
    outcome.stats = event.stats
    if stopped or event.reason == "stop":
        outcome.finish_reason = "stop"
    elif event.reason == "length":
        outcome.finish_reason = "length"
    elif event.reason == "cancelled":
        outcome.finish_reason = "stop"
    else:
        outcome.finish_reason = "error"
        outcome.error = event.error
    return outcome


class SseSink:
    """Server-sent events: the response is prepared when the first event arrives."""

    def __init__(self, request: web.Request, make_chunk: Any) -> None:
        self.request = request
        self.make_chunk = make_chunk  # (content, reasoning) -> chunk dict, or None
        self.response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
                **state_of(request).cors,
            }
        )
        state_of(request).stream = True
        self.prepared = False
        self.first_chunk: dict[str, Any] | None = None

    async def start(self) -> None:
        await self.response.prepare(self.request)
        self.prepared = True
        if self.first_chunk is not None:
            await self.send(self.first_chunk)

    async def text(self, content: str, reasoning: str) -> None:
        chunk = self.make_chunk(content, reasoning)
        if chunk is not None:
            await self.send(chunk)

    async def send(self, payload: dict[str, Any]) -> None:
        await self.response.write(b"data: " + json.dumps(payload).encode() + b"\n\n")

    async def done(self) -> web.StreamResponse:
        await self.response.write(b"data: [DONE]\n\n")
        await self.response.write_eof()
        return self.response

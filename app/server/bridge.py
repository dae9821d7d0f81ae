"""The engine's TurnStream as an async iterator on the running loop, plus stop strings.

The stream's listener runs on the worker thread and only wakes the loop; events are
drained on the loop. Events of kinds this module does not know are passed through (the
consumers ignore them), so new engine events never break the API.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from app.chat.events import TokensReceived, TurnEvent, TurnFinished
from app.engine.runner import TurnStream

_POLL_S = 0.25  # how often a silent turn (a long prompt evaluation) checks for the client


async def events(stream: TurnStream, client_gone: Callable[[], bool]) -> AsyncIterator[TurnEvent]:
    """Yield the turn's events; cancel it when the client leaves or the consumer stops."""
    loop = asyncio.get_running_loop()
    wake = asyncio.Event()

    def listener() -> None:
        try:
            loop.call_soon_threadsafe(wake.set)
        except RuntimeError:  # the loop is closed: nobody listens any more
            stream.cancel()

    stream.set_listener(listener)
    try:
        while True:
            try:
                await asyncio.wait_for(wake.wait(), _POLL_S)
            except TimeoutError:
                pass
            wake.clear()
            if client_gone():
                stream.cancel()
            for event in stream.drain():
                yield event
                if isinstance(event, TurnFinished):
                    return
    finally:
        if not stream.finished:
            stream.cancel()


def reply_parts(event: TurnEvent) -> tuple[str, str]:
    """(answer text, thinking text) carried by an event; ("", "") for other events.

    The hook for thinking models: a TokensReceived whose `channel` is "thinking" (or with
    a true `thinking` attribute, or an event class named `Thinking*` with `text`) is
    thinking, returned as `reasoning_content`; other text is the answer.
    """
    text = getattr(event, "text", None)
    if not isinstance(text, str) or isinstance(event, TurnFinished):
        return "", ""
    thinking = (
        getattr(event, "channel", None) == "thinking" or getattr(event, "thinking", 0) is True
    )
    if thinking or type(event).__name__.startswith("Thinking"):
        return "", text
    if isinstance(event, TokensReceived):
        return text, ""
    return "", ""


class StopScanner:
    """Finds stop strings in streamed text, holding back what could be the start of one."""

    def __init__(self, stops: tuple[str, ...]) -> None:
        self._stops = stops
        self._hold = max((len(s) for s in stops), default=1) - 1
        self._buffer = ""
        self.stopped = False

    def feed(self, text: str) -> str:
        """The text that is safe to send now (nothing after a stop string)."""
        if self.stopped:
            return ""
        if not self._stops:
            return text
        self._buffer += text
        found = [i for i in (self._buffer.find(s) for s in self._stops) if i >= 0]
        if found:
            self.stopped = True
            out, self._buffer = self._buffer[: min(found)], ""
            return out
        cut = max(0, len(self._buffer) - self._hold)
        out, self._buffer = self._buffer[:cut], self._buffer[cut:]
        return out

    def flush(self) -> str:
        out, self._buffer = self._buffer, ""
        return out

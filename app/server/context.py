"""ServerContext: what every handler shares (runner, config, matcher, limits, observer)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.chat.values import Message, ModelInfo
from app.engine.runner import EngineRunner
from app.server.config import ServerConfig
from app.server.errors import ApiError
from app.server.matcher import ConversationMatcher
from app.server.records import RequestObserver


@dataclass(slots=True)
class ServerContext:
    runner: EngineRunner
    config: ServerConfig
    observer: RequestObserver | None = None
    matcher: ConversationMatcher = field(default_factory=ConversationMatcher)
    waiting: int = 0
    streams: int = 0

    def model(self) -> ModelInfo:
        info = self.runner.model_info
        if info is None:
            raise ApiError(
                503, "No model is loaded yet; load one and try again.", code="model_not_loaded"
            )
        return info

    def model_id(self, info: ModelInfo) -> str:
        return self.config.model_id or Path(info.path).stem

    def check_model(self, requested: str | None) -> ModelInfo:
        """The loaded model, or 404 when the request names another one."""
        info = self.model()
        if requested is None or requested in self.model_names(info):
            return info
        raise ApiError(
            404,
            f"The model '{requested}' does not exist here; this server serves "
            f"'{self.model_id(info)}'.",
            param="model",
            code="model_not_found",
        )

    def model_names(self, info: ModelInfo) -> set[str]:
        path = Path(info.path)
        return {self.model_id(info), path.stem, path.name, str(path), info.name}

    @contextlib.contextmanager
    def slot(self, stream: bool) -> Iterator[None]:
        """A place in line for a generation; 503 when too many wait, 429 for streams."""
        if self.waiting >= self.config.max_waiting:
            raise ApiError(
                503,
                f"The server is busy: {self.waiting} requests are waiting for the model. "
                "Try again shortly.",
                code="server_busy",
                headers={"Retry-After": "1"},
            )
        if stream and self.streams >= self.config.max_streams:
            raise ApiError(
                429,
                f"Too many open streams ({self.streams}, the limit is "
                f"{self.config.max_streams}). Close one or try again shortly.",
                code="too_many_streams",
                headers={"Retry-After": "1"},
            )
        self.waiting += 1
        self.streams += int(stream)
        try:
            yield
        finally:
            self.waiting -= 1
            self.streams -= int(stream)

    async def ensure_fits(
        self, info: ModelInfo, messages: Sequence[Message], max_tokens: int | None
    ) -> None:
        """400 with the numbers when the prompt (plus max_tokens if given) overflows."""
        reply = max_tokens or 0
        upper = sum(len(m.content.encode()) + 32 for m in messages) + 256
        if upper + reply < info.context_size:
            return  # a token is at least one byte: it cannot overflow, skip counting
        snapshot = list(messages)
        count = await asyncio.wrap_future(
            self.runner.submit(lambda engine: engine.count_tokens(snapshot))
        )
        if count + reply >= info.context_size:
            overflow_error(count, reply, info.context_size)


def overflow_error(prompt: int, reply: int, context: int) -> Any:
    ask = f" plus {reply:,} for the reply (max_tokens)" if reply else ""
    raise ApiError(
        400,
        f"This model's context holds {context:,} tokens, but the messages take {prompt:,} "
        f"tokens{ask}. Shorten the messages or lower max_tokens.",
        param="messages",
        code="context_length_exceeded",
    )

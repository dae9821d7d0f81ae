"""A scripted engine for fast UI tests. Never the only proof: see tests on LlamaEngine."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence

from app.chat.events import PromptEvaluated, TokensReceived, TurnEvent, TurnFinished, TurnStats
from app.chat.values import GenerationParams, LoadOptions, Message, ModelInfo
from app.engine.errors import ModelLoadError


def echo_reply(messages: Sequence[Message]) -> str:
    return f"You said: {messages[-1].content}"


class FakeEngine:
    """Streams a scripted reply word by word; counts 'tokens' as words."""

    def __init__(
        self,
        reply: Callable[[Sequence[Message]], str] = echo_reply,
        token_delay: float = 0.0,
        context_size: int = 4096,
    ) -> None:
        self._reply = reply
        self._delay = token_delay
        self._context = context_size
        self._info: ModelInfo | None = None
        self._held: dict[str, int] = {}
        self.calls: list[list[Message]] = []

    @property
    def info(self) -> ModelInfo | None:
        return self._info

    def load(self, path: str, options: LoadOptions) -> ModelInfo:
        if "broken" in path:
            raise ModelLoadError(path, "the file is not a GGUF model (fake)")
        self._context = options.n_ctx
        self._info = ModelInfo(
            path=path,
            name=path.rsplit("/", 1)[-1],
            architecture="fake",
            parameter_count=1_000_000,
            quantization="Q4_0",
            file_size=1_000_000,
            trained_context=8192,
            has_chat_template=True,
            load_seconds=0.01,
            context_size=options.n_ctx,
        )
        return self._info

    def unload(self) -> None:
        self._info = None

    def chat(
        self,
        conversation_id: str,
        messages: Sequence[Message],
        params: GenerationParams,
        cancel: threading.Event,
    ) -> Iterator[TurnEvent]:
        self.calls.append(list(messages))
        start = time.perf_counter()
        prompt = sum(len(m.content.split()) + 4 for m in messages)
        cached = min(self._held.get(conversation_id, 0), prompt)
        yield PromptEvaluated(prompt, cached, prompt - cached, 0.001, 0, self._context)
        words = self._reply(messages).split(" ")
        produced: list[str] = []
        reason: str = "stop"
        for index, word in enumerate(words[: params.max_tokens]):
            if cancel.is_set():
                reason = "cancelled"
                break
            if self._delay:
                time.sleep(self._delay)
            piece = word if index == 0 else " " + word
            produced.append(piece)
            yield TokensReceived(piece, 1, time.perf_counter() - start)
        else:
            if len(words) > params.max_tokens:
                reason = "length"
        text = "".join(produced)
        self._held[conversation_id] = prompt + len(produced)
        wall = time.perf_counter() - start
        stats = TurnStats.measured(
            prompt_tokens=prompt,
            cached_tokens=cached,
            generated_tokens=len(produced),
            context_used=prompt + len(produced),
            context_size=self._context,
            stop_reason=reason,  # type: ignore[arg-type]
            ttft_s=0.001,
            prefill_s=0.001,
            decode_s=wall,
            wall_s=wall,
        )
        yield TurnFinished(stats.stop_reason, text, stats)

    def save_state(self) -> None:
        return None

    def forget(self, conversation_id: str) -> None:
        self._held.pop(conversation_id, None)

    def prompt_pieces(self, messages: Sequence[Message]) -> list[str]:
        return [word for m in messages for word in m.content.split()]

    def close(self) -> None:
        self._info = None

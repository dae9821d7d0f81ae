"""A scripted engine for fast UI tests. Never the only proof: see tests on LlamaEngine."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import replace

from app.chat.events import (
    PromptEvaluated,
    PromptProgress,
    TokensReceived,
    TurnEvent,
    TurnFinished,
    TurnStats,
)
from app.chat.values import GenerationParams, LoadOptions, Message, ModelInfo
from app.engine.errors import ModelLoadCancelled, ModelLoadError
from app.engine.llama_internals import LoadProgress


def echo_reply(messages: Sequence[Message]) -> str:
    return f"You said: {messages[-1].content}"


class FakeEngine:
    """Streams a scripted reply word by word; counts 'tokens' as words.

    Loading reports progress in `LOAD_STEPS` steps (`load_delay` seconds each) and can be
    cancelled like the real engine; a prompt of more than `n_batch` words is read batch by
    batch (`batch_delay` seconds each) with PromptProgress, and Stop works between batches.
    """

    LOAD_STEPS = 4

    def __init__(
        self,
        reply: Callable[[Sequence[Message]], str] = echo_reply,
        token_delay: float = 0.0,
        context_size: int = 4096,
        load_delay: float = 0.0,
        batch_delay: float = 0.0,
        thinking: str = "",
    ) -> None:
        self._reply = reply
        self._thinking = thinking  # a reasoning model: these words come first, as thinking
        self._delay = token_delay
        self._context = context_size
        self._load_delay = load_delay
        self._batch_delay = batch_delay
        self._batch = 512
        self._info: ModelInfo | None = None
        self._held: dict[str, int] = {}
        self.calls: list[list[Message]] = []

    @property
    def info(self) -> ModelInfo | None:
        return self._info

    def load(
        self, path: str, options: LoadOptions, progress: LoadProgress | None = None
    ) -> ModelInfo:
        if "broken" in path:
            raise ModelLoadError(path, "the file is not a GGUF model (fake)")
        for step in range(self.LOAD_STEPS + 1):
            if step and self._load_delay:
                time.sleep(self._load_delay)
            if progress is not None and not progress(step / self.LOAD_STEPS):
                raise ModelLoadCancelled(path)
        self._context, self._batch = options.n_ctx, options.n_batch
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
            thinking_format="think-tags" if self._thinking else "",
            thinking_switch="enable_thinking" if self._thinking else "",
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
        read = yield from self._read_prompt(prompt - cached, cancel, start)
        if not read:
            wall = time.perf_counter() - start
            stats = _stats(prompt, cached, 0, self._context, wall, "cancelled")
            yield TurnFinished("cancelled", "", stats)
            return
        yield PromptEvaluated(prompt, cached, prompt - cached, 0.001, 0, self._context)
        thought = self._think(params) if self._thinking else []
        for index, word in enumerate(thought):
            if self._delay:
                time.sleep(self._delay)
            yield TokensReceived(word if index == 0 else " " + word, 1, 0.0, "thinking")
        thought_s = time.perf_counter() - start
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
        stats = _stats(prompt, cached, len(produced), self._context, wall, reason)
        if thought:
            stats = replace(
                stats,
                generated_tokens=stats.generated_tokens + len(thought),
                thinking_tokens=len(thought),
                thinking_s=thought_s,
                thinking_tps=len(thought) / thought_s if thought_s > 0 else 0.0,
                answer_ttft_s=thought_s + 0.001,
                thinking_policy="keep",
            )
        yield TurnFinished(stats.stop_reason, text, stats, thinking=" ".join(thought))

    def _think(self, params: GenerationParams) -> list[str]:
        if params.thinking == "off":
            return []
        words = self._thinking.split(" ")
        return words[: params.thinking_budget] if params.thinking_budget else words

    def complete(
        self,
        conversation_id: str,
        prompt_text: str,
        params: GenerationParams,
        cancel: threading.Event,
    ) -> Iterator[TurnEvent]:
        return self.chat(conversation_id, [Message("user", prompt_text)], params, cancel)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """A deterministic unit vector per text (letter counts), for fast tests."""
        vectors = []
        for text in texts:
            counts = [float(text.lower().count(c)) + 1.0 for c in "etaoinsh"]
            norm = sum(v * v for v in counts) ** 0.5
            vectors.append([v / norm for v in counts])
        return vectors

    def count_tokens(self, messages: Sequence[Message]) -> int:
        return sum(len(m.content.split()) + 4 for m in messages)

    def _read_prompt(
        self, todo: int, cancel: threading.Event, start: float
    ) -> Generator[PromptProgress, None, bool]:
        if todo <= self._batch:
            return True
        yield PromptProgress(0, todo, 0.0)
        for done in range(self._batch, todo + self._batch, self._batch):
            if self._batch_delay:
                time.sleep(self._batch_delay)
            if done < todo:
                yield PromptProgress(done, todo, time.perf_counter() - start)
            if cancel.is_set() and done < todo:
                return False
        return True

    def save_state(self) -> None:
        return None

    def forget(self, conversation_id: str) -> None:
        self._held.pop(conversation_id, None)

    def prompt_pieces(self, messages: Sequence[Message]) -> list[str]:
        return [word for m in messages for word in m.content.split()]

    def close(self) -> None:
        self._info = None


def _stats(
    prompt: int, cached: int, produced: int, context: int, wall: float, reason: str
) -> TurnStats:
    return TurnStats.measured(
        prompt_tokens=prompt,
        cached_tokens=cached,
        generated_tokens=produced,
        context_used=prompt + produced,
        context_size=context,
        stop_reason=reason,  # type: ignore[arg-type]
        ttft_s=0.001,
        prefill_s=0.001,
        decode_s=wall,
        wall_s=wall,
    )

"""The JSON shapes of replies: OpenAI's objects plus llama.cpp-server-style `timings`."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from app.chat.events import TurnStats


@dataclass(slots=True)
class Outcome:
    """What a finished generation produced, as the client will see it."""

    content: str = ""
    reasoning: str = ""
    finish_reason: str = "stop"
    stats: TurnStats | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ReplyIds:
    model: str
    kind: str  # "chatcmpl" or "cmpl"
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:24])
    created: int = field(default_factory=lambda: int(time.time()))

    @property
    def full_id(self) -> str:
        return f"{self.kind}-{self.id}"


def usage(stats: TurnStats | None) -> dict[str, Any]:
    if stats is None:
        return {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    return {
        "prompt_tokens": stats.prompt_tokens,
        "completion_tokens": stats.generated_tokens,
        "total_tokens": stats.prompt_tokens + stats.generated_tokens,
        "prompt_tokens_details": {"cached_tokens": stats.cached_tokens},
    }


def timings(stats: TurnStats | None) -> dict[str, Any]:
    """llama.cpp server's `timings`: prompt = the evaluated part, predicted = the reply."""
    if stats is None:
        return {}
    prompt_ms, predicted_ms = stats.prefill_s * 1000, stats.decode_s * 1000
    n_prompt, n_predicted = stats.evaluated_tokens, stats.generated_tokens
    return {
        "cache_n": stats.cached_tokens,
        "prompt_n": n_prompt,
        "prompt_ms": prompt_ms,
        "prompt_per_token_ms": prompt_ms / n_prompt if n_prompt else 0.0,
        "prompt_per_second": n_prompt / stats.prefill_s if stats.prefill_s > 0 else 0.0,
        "predicted_n": n_predicted,
        "predicted_ms": predicted_ms,
        "predicted_per_token_ms": predicted_ms / n_predicted if n_predicted else 0.0,
        "predicted_per_second": stats.decode_tps,
        "ttft_ms": stats.ttft_s * 1000,
    }


def chat_message(outcome: Outcome) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": outcome.content}
    if outcome.reasoning:
        message["reasoning_content"] = outcome.reasoning
    return message


def chat_completion(ids: ReplyIds, outcome: Outcome) -> dict[str, Any]:
    return {
        "id": ids.full_id,
        "object": "chat.completion",
        "created": ids.created,
        "model": ids.model,
        "choices": [
            {
                "index": 0,
                "message": chat_message(outcome),
                "logprobs": None,
                "finish_reason": outcome.finish_reason,
            }
        ],
        "usage": usage(outcome.stats),
        "timings": timings(outcome.stats),
    }


def chat_chunk(
    ids: ReplyIds, delta: dict[str, Any], finish: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "id": ids.full_id,
        "object": "chat.completion.chunk",
        "created": ids.created,
        "model": ids.model,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        **extra,
    }


def usage_chunk(ids: ReplyIds, outcome: Outcome, chat: bool) -> dict[str, Any]:
    return {
        "id": ids.full_id,
        "object": "chat.completion.chunk" if chat else "text_completion",
        "created": ids.created,
        "model": ids.model,
        "choices": [],
        "usage": usage(outcome.stats),
        "timings": timings(outcome.stats),
    }


def completion(ids: ReplyIds, outcome: Outcome) -> dict[str, Any]:
    return {
        "id": ids.full_id,
        "object": "text_completion",
        "created": ids.created,
        "model": ids.model,
        "choices": [
            {
                "index": 0,
                "text": outcome.content,
                "logprobs": None,
                "finish_reason": outcome.finish_reason,
            }
        ],
        "usage": usage(outcome.stats),
        "timings": timings(outcome.stats),
    }


def completion_chunk(ids: ReplyIds, text: str, finish: str | None = None) -> dict[str, Any]:
    return {
        "id": ids.full_id,
        "object": "text_completion",
        "created": ids.created,
        "model": ids.model,
        "choices": [{"index": 0, "text": text, "logprobs": None, "finish_reason": finish}],
    }

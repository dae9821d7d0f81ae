"""The prompt cache and old thinking: "keep" the exact tokens or "follow" the template.

Many templates (Qwen3, DeepSeek-R1, SmolLM3, gpt-oss) leave earlier replies' thinking out of
the history they render. The KV cache, though, holds each reply as generated, thinking
included, so the template's next prompt stops matching it where the last reply's thinking
began and everything from there is evaluated again ("follow").

"keep" (the default) builds the next prompt as exactly what the cache holds (the previous
prompt and reply, thinking included) plus what the template writes after the last answer:
nothing is evaluated twice and follow-up TTFT stays flat, at the cost of context space
(old thinking stays in it). When the kept prompt would not fit, or the cache does not hold
this conversation's last reply, the engine follows the template for that turn.
See docs/thinking-cache.md for the measurement.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from app.chat.context_policy import reply_reserve
from app.chat.values import GenerationParams, Message

log = logging.getLogger(__name__)

MessageKey = tuple[tuple[str, str], ...]


def message_key(messages: Sequence[Message]) -> MessageKey:
    return tuple((m.role, m.content) for m in messages)


def kept_prompt(
    held_text: str, held_key: MessageKey, messages: Sequence[Message], follow_prompt: str
) -> str | None:
    """The "keep" prompt, or None when the cache does not hold this conversation's last reply.

    `held_key` is the conversation the cache spells (its prompt's messages and the reply);
    `messages` ends with the new user message; `follow_prompt` is the template's rendering.
    """
    if len(messages) < 2 or not held_key or message_key(messages[:-1]) != held_key:
        return None
    answer, user = messages[-2].content, messages[-1].content
    if messages[-2].role != "assistant" or not answer or not held_text.endswith(answer):
        return None
    limit = follow_prompt.rfind(user) if user else len(follow_prompt)
    for candidate in (answer, answer.strip()):
        at = follow_prompt.rfind(candidate, 0, max(limit, 0)) if candidate else -1
        if at >= 0:
            return held_text + follow_prompt[at + len(candidate) :]
    return None


def apply_policy(
    held: tuple[str, MessageKey],
    messages: Sequence[Message],
    prompt: tuple[str, list[int]],
    params: GenerationParams,
    tokens_for: Callable[[str], list[int]],
    n_ctx: int,
) -> tuple[str, list[int], str, int]:
    """(prompt text, tokens, policy in force, context tokens old thinking holds).

    `held` is what the cache spells and the conversation it spells; `prompt` the
    template's prompt for `messages`.
    """
    text, tokens = prompt
    if params.thinking_policy != "keep":
        return text, tokens, "follow", 0
    kept = kept_prompt(held[0], held[1], messages, text)
    if kept is None:
        return text, tokens, "keep", 0
    kept_tokens = tokens_for(kept)
    if len(kept_tokens) > n_ctx - reply_reserve(params.max_tokens, n_ctx):
        log.info("old thinking no longer fits: following the template this turn")
        return text, tokens, "follow", 0
    return kept, kept_tokens, "keep", max(0, len(kept_tokens) - len(tokens))

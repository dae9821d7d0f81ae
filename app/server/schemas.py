"""Requests as values: the chat, completion and embedding bodies, validated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.chat.values import GenerationParams, Message, Role
from app.server.errors import ApiError
from app.server.fields import boolean, integer, mapping, number, stop_strings, string

_ROLES: dict[str, Role] = {
    "system": "system",
    "developer": "system",
    "user": "user",
    "assistant": "assistant",
}
MAX_TOKENS_LIMIT = 1 << 20


@dataclass(frozen=True, slots=True)
class Sampling:
    """What both generation endpoints share."""

    model: str | None
    params: GenerationParams
    max_tokens_given: bool
    stop: tuple[str, ...]
    stream: bool
    include_usage: bool


@dataclass(frozen=True, slots=True)
class ChatRequest:
    messages: tuple[Message, ...]
    sampling: Sampling
    response_format: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class CompletionRequest:
    prompt: str
    sampling: Sampling


@dataclass(frozen=True, slots=True)
class EmbeddingRequest:
    model: str | None
    inputs: tuple[str, ...]
    base64: bool


def parse_sampling(body: dict[str, Any], default_max_tokens: int) -> Sampling:
    max_tokens = integer(body, "max_completion_tokens", 1, MAX_TOKENS_LIMIT)
    if max_tokens is None:
        max_tokens = integer(body, "max_tokens", 1, MAX_TOKENS_LIMIT)
    n = integer(body, "n", 1, 128)
    if n not in (None, 1):
        raise ApiError(400, "Only n=1 is supported.", param="n", code="invalid_value")
    for name in ("presence_penalty", "frequency_penalty"):
        number(body, name, -2.0, 2.0)  # accepted (type-checked) and not used
    options = mapping(body, "stream_options") or {}
    params = GenerationParams(
        temperature=_or(number(body, "temperature", 0.0, 2.0), 0.8),
        top_p=_or(number(body, "top_p", 0.0, 1.0), 0.95),
        top_k=40,
        repeat_penalty=1.0,
        max_tokens=max_tokens or default_max_tokens,
        seed=integer(body, "seed", -(1 << 63), (1 << 64) - 1),
    )
    if params.seed is not None:
        params = _replace_seed(params, params.seed % 0xFFFFFFFF)  # u32, never "random"
    return Sampling(
        model=string(body, "model"),
        params=params,
        max_tokens_given=max_tokens is not None,
        stop=stop_strings(body),
        stream=boolean(body, "stream"),
        include_usage=boolean(options, "include_usage"),
    )


def _or(value: float | None, default: float) -> float:
    return default if value is None else value


def _replace_seed(params: GenerationParams, seed: int) -> GenerationParams:
    from dataclasses import replace

    return replace(params, seed=seed)


def parse_chat(body: dict[str, Any], default_max_tokens: int) -> ChatRequest:
    raw = body.get("messages")
    if not isinstance(raw, list) or not raw:
        raise ApiError(400, "'messages' must be a non-empty array of messages.", param="messages")
    messages = tuple(_message(item, index) for index, item in enumerate(raw))
    if messages[-1].role == "assistant":
        raise ApiError(400, "The last message must not be from the assistant.", param="messages")
    return ChatRequest(messages, parse_sampling(body, default_max_tokens), _format(body))


def _message(item: Any, index: int) -> Message:
    param = f"messages[{index}]"
    if not isinstance(item, dict):
        raise ApiError(400, f"'{param}' must be an object.", param=param, code="invalid_type")
    role = item.get("role")
    if role not in _ROLES:
        raise ApiError(
            400,
            f"'{param}.role' must be one of system, developer, user, assistant; got {role!r}.",
            param=f"{param}.role",
        )
    return Message(_ROLES[role], _content(item.get("content"), f"{param}.content", role))


def _content(value: Any, param: str, role: str) -> str:
    if isinstance(value, str):
        return value
    if value is None and role == "assistant":
        return ""
    if isinstance(value, list):
        texts = []
        for part in value:
            if not isinstance(part, dict) or part.get("type") != "text":
                raise ApiError(400, f"'{param}' may hold only text parts here.", param=param)
            text = part.get("text")
            if not isinstance(text, str):
                raise ApiError(400, f"A text part of '{param}' has no text.", param=param)
            texts.append(text)
        return "".join(texts)
    raise ApiError(
        400,
        f"'{param}' must be a string or an array of text parts.",
        param=param,
        code="invalid_type",
    )


def _format(body: dict[str, Any]) -> dict[str, Any] | None:
    spec = mapping(body, "response_format")
    if spec is None or spec.get("type") == "text":
        return None
    kind = spec.get("type")
    if kind == "json_object":
        return spec
    if kind == "json_schema":
        inner = spec.get("json_schema")
        if not isinstance(inner, dict) or not isinstance(inner.get("schema", {}), dict):
            raise ApiError(
                400,
                "'response_format.json_schema' must be an object with a 'schema' object.",
                param="response_format.json_schema",
            )
        return spec
    raise ApiError(
        400,
        f"'response_format.type' must be text, json_object or json_schema; got {kind!r}.",
        param="response_format.type",
    )


def parse_completion(body: dict[str, Any], default_max_tokens: int) -> CompletionRequest:
    prompt = body.get("prompt")
    if isinstance(prompt, list) and len(prompt) == 1 and isinstance(prompt[0], str):
        prompt = prompt[0]
    if not isinstance(prompt, str):
        raise ApiError(
            400,
            "'prompt' must be a string (one prompt per request).",
            param="prompt",
            code="invalid_type",
        )
    for name in ("echo", "suffix", "logprobs"):
        if body.get(name) not in (None, False, 0):
            raise ApiError(400, f"'{name}' is not supported.", param=name)
    return CompletionRequest(prompt, parse_sampling(body, default_max_tokens))


def parse_embedding(body: dict[str, Any]) -> EmbeddingRequest:
    value = body.get("input")
    inputs = [value] if isinstance(value, str) else value
    if not isinstance(inputs, list) or not inputs or not all(isinstance(s, str) for s in inputs):
        raise ApiError(
            400,
            "'input' must be a string or a non-empty array of strings.",
            param="input",
            code="invalid_type",
        )
    if len(inputs) > 256:
        raise ApiError(400, "'input' takes at most 256 strings.", param="input")
    encoding = string(body, "encoding_format") or "float"
    if encoding not in ("float", "base64"):
        raise ApiError(400, "'encoding_format' must be float or base64.", param="encoding_format")
    return EmbeddingRequest(string(body, "model"), tuple(inputs), encoding == "base64")

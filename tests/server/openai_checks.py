"""The `openai` client against a running server: the checks both modes share.

Each function takes a client and asserts on behaviour and numbers (greedy decoding where
the text matters).
"""

from __future__ import annotations

import json
import math
from typing import Any

import openai
import pytest

SYSTEM = {"role": "system", "content": "You are a helpful assistant."}
GREEDY: dict[str, Any] = {"temperature": 0.0, "seed": 7, "max_tokens": 48}


def ask(client: openai.OpenAI, messages: list[dict[str, str]], **kwargs: Any) -> Any:
    return client.chat.completions.create(
        model=model_id(client), messages=messages, **{**GREEDY, **kwargs}
    )


def model_id(client: openai.OpenAI) -> str:
    return client.models.list().data[0].id


def check_models(client: openai.OpenAI) -> None:
    (model,) = client.models.list().data
    assert model.id == "SmolLM2-135M-Instruct.Q4_1" and model.owned_by == "hearth"


def check_stream_matches_plain(client: openai.OpenAI) -> None:
    messages = [SYSTEM, {"role": "user", "content": "Name three colours."}]
    plain = ask(client, messages)
    text = plain.choices[0].message.content
    assert text and plain.usage.completion_tokens > 0
    chunks = list(ask(client, messages, stream=True, stream_options={"include_usage": True}))
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert streamed == text
    assert chunks[-1].usage.completion_tokens == plain.usage.completion_tokens
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finishes[-1] == plain.choices[0].finish_reason and finishes[0] is None


def check_stop(client: openai.OpenAI) -> None:
    messages = [SYSTEM, {"role": "user", "content": "Write three short sentences about cats."}]
    full = ask(client, messages, max_tokens=64).choices[0].message.content
    assert "." in full, full
    stopped = ask(client, messages, max_tokens=64, stop=["."]).choices[0]
    assert stopped.message.content == full[: full.index(".")]
    assert stopped.finish_reason == "stop"


def check_seed(client: openai.OpenAI) -> None:
    messages = [SYSTEM, {"role": "user", "content": "Tell me a short story about a fox."}]
    kwargs = {"temperature": 1.0, "top_p": 1.0, "max_tokens": 40}
    first = ask(client, messages, seed=42, **kwargs).choices[0].message.content
    again = ask(client, messages, seed=42, **kwargs).choices[0].message.content
    other = ask(client, messages, seed=4242, **kwargs).choices[0].message.content
    assert first == again
    assert other != first


def check_json_schema(client: openai.OpenAI) -> None:
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name", "age"],
        "additionalProperties": False,
    }
    reply = ask(
        client,
        [SYSTEM, {"role": "user", "content": "Describe a person as JSON."}],
        max_tokens=80,
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "person", "schema": schema, "strict": True},
        },
    )
    person = json.loads(reply.choices[0].message.content)
    assert set(person) == {"name", "age"}
    assert isinstance(person["name"], str) and isinstance(person["age"], int)
    anything = ask(
        client,
        [SYSTEM, {"role": "user", "content": "Reply with a JSON object saying hello."}],
        max_tokens=200,
        response_format={"type": "json_object"},
    ).choices[0]
    text = anything.message.content
    assert text.startswith("{"), "the grammar allows an object and nothing before it"
    if anything.finish_reason == "stop":  # a complete object (else it was cut at max_tokens)
        assert isinstance(json.loads(text), dict)


def check_embeddings(client: openai.OpenAI) -> None:
    result = client.embeddings.create(model=model_id(client), input=["cat", "dog", "cat"])
    vectors = [d.embedding for d in result.data]
    assert [d.index for d in result.data] == [0, 1, 2]
    assert len({len(v) for v in vectors}) == 1 and len(vectors[0]) == 576
    assert all(math.isclose(sum(x * x for x in v), 1.0, rel_tol=1e-3) for v in vectors)
    assert vectors[0] == pytest.approx(vectors[2], abs=1e-5)
    assert vectors[0] != pytest.approx(vectors[1], abs=1e-3)


def check_follow_ups_are_cached(client: openai.OpenAI) -> None:
    """Three turns: each follow-up reuses all of the history (cached_tokens)."""
    history: list[dict[str, str]] = [SYSTEM]
    previous_total = 0
    for turn, question in enumerate(["What is a cat?", "And a dog?", "Which is older?"]):
        history.append({"role": "user", "content": question})
        reply = ask(client, history)
        usage = reply.usage
        if turn:
            cached = usage.prompt_tokens_details.cached_tokens
            assert cached >= previous_total - 2, (cached, previous_total)
            assert usage.prompt_tokens - cached <= 20
        previous_total = usage.prompt_tokens + usage.completion_tokens
        history.append({"role": "assistant", "content": reply.choices[0].message.content})


def check_alternating_conversations(client: openai.OpenAI) -> None:
    """Two conversations sent in turn: each keeps its cache (by token counts)."""
    chats: dict[str, list[dict[str, str]]] = {"a": [SYSTEM], "b": [SYSTEM]}
    totals = {"a": 0, "b": 0}
    questions = {"a": ["What is a cat?", "Why do cats purr?", "Do cats dream?"]}
    questions["b"] = ["What is rain?", "Why is the sky blue?", "What is snow?"]
    for turn in range(3):
        for name in ("a", "b"):
            chats[name].append({"role": "user", "content": questions[name][turn]})
            reply = ask(client, chats[name])
            usage = reply.usage
            if turn:
                cached = usage.prompt_tokens_details.cached_tokens
                assert cached >= totals[name] - 2, (name, turn, cached, totals[name])
                assert usage.prompt_tokens - cached <= 20
            totals[name] = usage.prompt_tokens + usage.completion_tokens
            chats[name].append({"role": "assistant", "content": reply.choices[0].message.content})


def check_completions(client: openai.OpenAI) -> None:
    result = client.completions.create(
        model=model_id(client), prompt="The capital of France is", max_tokens=8, temperature=0
    )
    assert result.choices[0].text.strip()
    assert result.usage.completion_tokens <= 8
    again = client.completions.create(
        model=model_id(client), prompt="The capital of France is", max_tokens=8, temperature=0
    )
    assert again.choices[0].text == result.choices[0].text


def check_context_overflow(client: openai.OpenAI) -> None:
    long = " ".join(["elephant"] * 5000)
    with pytest.raises(openai.BadRequestError) as caught:
        ask(client, [{"role": "user", "content": long}])
    error = caught.value.body
    assert error["code"] == "context_length_exceeded"
    assert "4,096 tokens" in error["message"] and "the messages take" in error["message"]


ALL_CHECKS = [
    check_models,
    check_stream_matches_plain,
    check_stop,
    check_seed,
    check_json_schema,
    check_embeddings,
    check_follow_ups_are_cached,
    check_alternating_conversations,
    check_completions,
    check_context_overflow,
]

"""The server's Qt-free parts without HTTP: matcher, stop strings, validation, parking."""

from __future__ import annotations

import pytest

from app.chat.values import Message
from app.engine.kv_files import KvSnapshot
from app.engine.kv_parking import ParkedStates
from app.server.bridge import StopScanner
from app.server.config import ConfigError, ServerConfig
from app.server.errors import ApiError
from app.server.matcher import ConversationMatcher
from app.server.schemas import parse_chat

S, U1, A1, U2 = (
    Message("system", "be kind"),
    Message("user", "hi"),
    Message("assistant", "hello"),
    Message("user", "more"),
)


def test_each_request_continues_the_state_whose_messages_prefix_it() -> None:
    matcher = ConversationMatcher()
    a = matcher.match([S, U1])
    matcher.release(a.conversation_id, [S, U1, A1])
    b = matcher.match([S, Message("user", "other")])
    assert b.new and b.conversation_id != a.conversation_id, "a shared system prompt is not enough"
    matcher.release(b.conversation_id, [S, Message("user", "other"), Message("assistant", "x")])
    follow = matcher.match([S, U1, A1, U2])
    assert (follow.conversation_id, follow.matched_messages, follow.new) == (
        a.conversation_id,
        3,
        False,
    )
    matcher.release(follow.conversation_id, [S, U1, A1, U2, Message("assistant", "y")])
    again = matcher.match([S, U1, A1, U2])
    assert again.conversation_id == a.conversation_id, "the same request again reuses it"


def test_a_state_in_use_is_not_given_to_a_second_request() -> None:
    matcher = ConversationMatcher()
    first = matcher.match([S, U1])
    matcher.release(first.conversation_id, [S, U1, A1])
    busy = matcher.match([S, U1, A1, U2])
    other = matcher.match([S, U1, A1, U2])
    assert busy.conversation_id == first.conversation_id
    assert other.new and other.conversation_id != first.conversation_id


def test_matcher_forgets_the_least_recent_beyond_its_capacity() -> None:
    matcher = ConversationMatcher(capacity=2)
    ids = []
    for n in range(3):
        match = matcher.match([Message("user", str(n))])
        ids.append(match.conversation_id)
        evicted = matcher.release(match.conversation_id, [Message("user", str(n)), A1])
    assert evicted == [ids[0]] and len(matcher) == 2


@pytest.mark.parametrize(
    ("pieces", "stops", "sent", "stopped"),
    [
        (["Hello wor", "ld. Bye"], ("world",), "Hello ", True),
        (["a", "b", "c"], ("bc",), "a", True),
        (["a", "b", "c"], ("xy",), "abc", False),
        (["one. two"], (".", "two"), "one", True),
        (["plain text"], (), "plain text", False),
    ],
)
def test_stop_strings_never_leak_even_split_across_tokens(
    pieces: list[str], stops: tuple[str, ...], sent: str, stopped: bool
) -> None:
    scanner = StopScanner(stops)
    out = "".join(scanner.feed(p) for p in pieces)
    if not scanner.stopped:
        out += scanner.flush()
    assert (out, scanner.stopped) == (sent, stopped)


def test_chat_validation_maps_roles_and_text_parts() -> None:
    chat = parse_chat(
        {
            "messages": [
                {"role": "developer", "content": "rules"},
                {
                    "role": "user",
                    "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}],
                },
            ],
            "max_completion_tokens": 5,
            "seed": -1,
            "stop": "x",
        },
        4096,
    )
    assert chat.messages == (Message("system", "rules"), Message("user", "ab"))
    assert chat.sampling.params.max_tokens == 5 and chat.sampling.max_tokens_given
    assert chat.sampling.params.seed is not None and 0 <= chat.sampling.params.seed < 0xFFFFFFFF
    assert chat.sampling.stop == ("x",)
    with pytest.raises(ApiError, match="last message must not be from the assistant"):
        parse_chat({"messages": [{"role": "assistant", "content": "x"}]}, 4096)
    with pytest.raises(ApiError, match="only text parts"):
        parse_chat({"messages": [{"role": "user", "content": [{"type": "image_url"}]}]}, 4096)


def test_listening_off_localhost_needs_a_key() -> None:
    assert ServerConfig().checked().host == "127.0.0.1"
    with pytest.raises(ConfigError, match="API key"):
        ServerConfig(host="192.168.1.2").checked()
    assert ServerConfig(host="0.0.0.0", api_key="k").checked().api_key == "k"
    assert ServerConfig(host="::1").checked().base_url(81) == "http://[::1]:81/v1"


def _snapshot(cid: str, size: int, fingerprint: str = "f") -> KvSnapshot:
    return KvSnapshot(cid, fingerprint, [1, 2], "ab", b"x" * size)


def test_parked_states_keep_the_most_recent_within_the_budget() -> None:
    parked = ParkedStates(limit_bytes=250)
    assert parked.park(_snapshot("a", 100)) == []
    assert parked.park(_snapshot("b", 100)) == []
    evicted = parked.park(_snapshot("c", 100))
    assert [s.conversation_id for s in evicted] == ["a"]
    assert parked.take("b", "other-model") is None, "another model's state is not used"
    assert "b" not in parked
    taken = parked.take("c", "f")
    assert taken is not None and taken.state == b"x" * 100
    assert [s.conversation_id for s in parked.drain()] == []


def test_serve_refuses_a_network_address_without_a_key() -> None:
    import io

    from app.main import parse_args
    from app.server.headless import run_serve

    out = io.StringIO()
    assert run_serve(parse_args(["--serve", "--host", "0.0.0.0"]), out) == 2
    assert "set an API key" in out.getvalue()


def test_thinking_text_is_told_apart_from_the_answer() -> None:
    from dataclasses import dataclass

    from app.chat.events import PromptEvaluated, TokensReceived
    from app.server.bridge import reply_parts

    @dataclass(frozen=True)
    class Channelled:  # the shape the thinking events take (TokensReceived.channel)
        text: str
        tokens: int
        decode_s: float
        channel: str

    assert reply_parts(TokensReceived("hi", 1, 0.0)) == ("hi", "")
    assert reply_parts(Channelled("hmm", 1, 0.0, "thinking")) == ("", "hmm")
    assert reply_parts(PromptEvaluated(1, 0, 1, 0.1, 0, 4096)) == ("", "")


def test_the_windows_stop_ends_only_its_own_turn_not_a_background_one() -> None:
    from app.chat.values import GenerationParams, LoadOptions
    from app.engine.fake import FakeEngine
    from app.engine.runner import EngineRunner

    words = " ".join(f"w{i}" for i in range(50))
    runner = EngineRunner(lambda: FakeEngine(reply=lambda m: words, token_delay=0.005))
    runner.load("/m/fake.gguf", LoadOptions()).result()
    messages, params = [Message("user", "x")], GenerationParams()
    api = runner.chat("api-1", messages, params, foreground=False)
    window = runner.chat("window", messages, params)
    runner.stop()
    api_end, window_end = list(api)[-1], list(window)[-1]
    runner.shutdown()
    assert (api_end.reason, api_end.text) == ("stop", words)
    assert window_end.reason == "cancelled"

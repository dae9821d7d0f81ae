"""RemoteEngine against the suite's own server on 127.0.0.1: loading, streaming, figures
with their sources, Stop, keys, and what is sent."""

from __future__ import annotations

import threading
import time

import pytest

from app.chat.events import PromptEvaluated, TokensReceived, TurnFinished
from app.chat.values import GenerationParams, LoadOptions, Message
from app.engine.errors import EngineError, ModelLoadError
from app.engine.fake import FakeEngine
from app.engine.remote.remote_engine import RemoteEngine
from app.engine.remote.switching import SwitchingEngine
from tests.remote.openai_server import REPLY, Server
from tests.remote.remote_helpers import FAST, free_port

HELLO = [Message("system", "Be brief."), Message("user", "Hello there")]


def run(engine: RemoteEngine, cancel: threading.Event | None = None) -> list[object]:
    return list(engine.chat("c1", HELLO, GenerationParams(seed=3), cancel or threading.Event()))


def loaded(server: Server, model: str, key: str = "") -> RemoteEngine:
    engine = RemoteEngine(lambda _url: key, FAST)
    engine.load(server.model_path(model), LoadOptions())
    return engine


def test_a_reply_streams_with_every_figure_labelled_by_its_source(server: Server) -> None:
    engine = loaded(server, "good")
    info = engine.info
    assert info is not None and info.is_remote and info.name == "good"
    assert info.backend == f"127.0.0.1:{server.port} (a server on this computer)"
    assert info.context_size == 2048, "vLLM-style max_model_len is the context size"
    events = run(engine)
    assert isinstance(events[0], PromptEvaluated) and "prompt_tokens" in events[0].unknown
    assert "".join(e.text for e in events if isinstance(e, TokensReceived)) == REPLY
    finished = events[-1]
    assert isinstance(finished, TurnFinished) and finished.error is None
    stats = finished.stats
    assert (stats.prompt_tokens, stats.cached_tokens, stats.evaluated_tokens) == (14, 4, 10)
    assert (stats.generated_tokens, stats.context_used) == (10, 24)
    assert stats.decode_tps == pytest.approx(100.0) and stats.prefill_s == pytest.approx(0.02)
    assert stats.source("prompt_tokens") == "server usage"
    assert stats.source("decode_tps") == stats.source("prefill_s") == "server timings"
    assert stats.source("ttft_s") == "client clock" and stats.ttft_s > 0
    assert stats.unknown == ()
    body = server.seen[-1].body
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["messages"] == [{"role": m.role, "content": m.content} for m in HELLO]
    assert body["seed"] == 3 and body["model"] == "good"


def test_what_a_server_does_not_report_is_unknown_not_zero(server: Server) -> None:
    stats = run(loaded(server, "plain"))[-1].stats  # type: ignore[attr-defined]
    for name in ("prompt_tokens", "cached_tokens", "generated_tokens", "decode_tps", "prefill_s"):
        assert name in stats.unknown and stats.as_json()[name] is None
    assert stats.as_json()["ttft_s"] > 0 and stats.source("decode_s") == "client clock"


def test_a_server_that_ignores_streaming_still_answers(server: Server) -> None:
    finished = run(loaded(server, "json"))[-1]
    assert isinstance(finished, TurnFinished)
    assert (finished.text, finished.error) == (REPLY, None)
    assert finished.stats.generated_tokens == 9 and finished.stats.source("generated_tokens")


def test_stop_closes_the_stream_at_once_and_keeps_the_words_so_far(server: Server) -> None:
    engine, cancel = loaded(server, "slow"), threading.Event()
    texts: list[str] = []
    started = time.perf_counter()
    for event in engine.chat("c1", HELLO, GenerationParams(), cancel):
        if isinstance(event, TokensReceived):
            texts.append(event.text)
            if len(texts) == 5:
                cancel.set()
        last = event
    assert isinstance(last, TurnFinished) and last.reason == "cancelled"
    assert last.text == "".join(texts) and 5 <= len(texts) < 200
    assert time.perf_counter() - started < 4.0, "200 words at 20 ms would take 4 s"
    assert server.client_went_away.wait(5), "the server saw the connection close"


def test_the_api_key_goes_only_in_the_authorization_header(server: Server) -> None:
    server.api_key = "sk-secret"
    with pytest.raises(ModelLoadError, match="needs an API key"):
        loaded(server, "good")
    with pytest.raises(ModelLoadError, match="refused the API key"):
        loaded(server, "good", key="sk-wrong")
    finished = run(loaded(server, "good", key="sk-secret"))[-1]
    assert isinstance(finished, TurnFinished) and finished.error is None
    assert server.seen[-1].headers["Authorization"] == "Bearer sk-secret"
    assert "sk-secret" not in str(server.seen[-1].body)


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("html", "does not look like an OpenAI-compatible server: its model list is not JSON"),
        ("nodata", "has no 'data' list"),
        ("latin1", "not UTF-8"),
    ],
)
def test_a_model_list_that_is_not_openai_fails_the_load(
    server: Server, mode: str, message: str
) -> None:
    server.models_mode = mode
    with pytest.raises(ModelLoadError, match=message):
        loaded(server, "good")


def test_a_wrong_address_or_model_fails_the_load_with_the_reason(server: Server) -> None:
    engine = RemoteEngine(timeouts=FAST)
    wrong_path = server.model_path("good").replace("/v1#", "/api#")
    with pytest.raises(ModelLoadError, match=r"no OpenAI-compatible API at .*/api/models"):
        engine.load(wrong_path, LoadOptions())
    with pytest.raises(ModelLoadError, match=r"does not offer the model 'gpt-9' \(it offers: good"):
        engine.load(server.model_path("gpt-9"), LoadOptions())
    closed = f"http://127.0.0.1:{free_port()}/v1#good"
    with pytest.raises(ModelLoadError, match=r"Cannot reach the server .*connection refused"):
        engine.load(closed, LoadOptions())
    assert engine.info is None


def test_no_model_named_means_the_first_the_server_lists(server: Server) -> None:
    engine = RemoteEngine(timeouts=FAST)
    info = engine.load(server.base_url, LoadOptions())
    assert info.name == server.models[0] and info.path == server.model_path(server.models[0])


def test_proxy_settings_in_the_environment_are_ignored(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the configured host is contacted: no proxy, whatever the environment says."""
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{free_port()}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    finished = run(loaded(server, "good"))[-1]
    assert isinstance(finished, TurnFinished) and finished.error is None


def test_switching_engine_keeps_the_previous_model_when_a_server_fails(server: Server) -> None:
    engine = SwitchingEngine(FakeEngine, lambda: RemoteEngine(timeouts=FAST))
    engine.load("/models/local.gguf", LoadOptions())
    with pytest.raises(ModelLoadError):
        engine.load(server.model_path("missing"), LoadOptions())
    assert engine.info is not None and engine.info.path == "/models/local.gguf"
    info = engine.load(server.model_path("good"), LoadOptions())
    assert engine.info == info and info.is_remote
    events = list(engine.chat("c", HELLO, GenerationParams(), threading.Event()))
    assert isinstance(events[-1], TurnFinished) and events[-1].text == REPLY
    assert engine.prompt_pieces(HELLO) == [], "a server's tokenizer is not reachable"
    engine.load("/models/local.gguf", LoadOptions())
    assert engine.info is not None and not engine.info.is_remote


def test_raw_completion_and_embeddings_go_to_their_routes(server: Server) -> None:
    engine = loaded(server, "good")
    events = list(engine.complete("c", "Tell me", GenerationParams(), threading.Event()))
    finished = events[-1]
    assert isinstance(finished, TurnFinished) and finished.reason == "length"
    assert finished.text == "once upon a time" and server.seen[-1].body["prompt"] == "Tell me"
    vectors = engine.embed(["abc", "hello"])
    assert [round(x, 6) for x in vectors[0]] == [0.514496, 0.514496, 0.685994]
    assert all(abs(sum(x * x for x in v) - 1) < 1e-9 for v in vectors)
    with pytest.raises(EngineError, match="tokenizer cannot be reached"):
        engine.count_tokens(HELLO)

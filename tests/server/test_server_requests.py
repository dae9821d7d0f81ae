"""Raw HTTP against the server (fake engine): every bad request gets an OpenAI-style JSON
error with the right status, and the server keeps serving."""

from __future__ import annotations

import json
import socket
import time
from typing import ClassVar

import pytest

from app.engine.fake import FakeEngine
from app.server import ServerConfig
from tests.server.server_helpers import ThreadServer, request

CHAT = "/v1/chat/completions"
HELLO = {"messages": [{"role": "user", "content": "hello there"}]}


def _error(status: int, body: dict, code: str | None = None) -> str:
    error = body["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["message"] and isinstance(error["type"], str)
    if code is not None:
        assert error["code"] == code
    return str(error["message"])


BAD = [
    ("POST", CHAT, "{not json", 400, "invalid_json", "not valid JSON"),
    ("POST", CHAT, "", 400, "invalid_json", "empty"),
    ("POST", CHAT, "[1, 2]", 400, "invalid_json", "must be a JSON object, not an array"),
    ("POST", CHAT, b"\xff\xfe{}", 400, "invalid_json", "not UTF-8"),
    ("POST", CHAT, {"messages": "hi"}, 400, None, "non-empty array"),
    ("POST", CHAT, {"messages": []}, 400, None, "non-empty array"),
    ("POST", CHAT, {"messages": [{"role": "wizard", "content": "x"}]}, 400, None, "role"),
    ("POST", CHAT, {"messages": [{"role": "user", "content": 5}]}, 400, "invalid_type", "string"),
    ("POST", CHAT, {**HELLO, "temperature": "hot"}, 400, "invalid_type", "'temperature'"),
    ("POST", CHAT, {**HELLO, "temperature": 9}, 400, "invalid_value", "between 0 and 2"),
    ("POST", CHAT, {**HELLO, "max_tokens": 0}, 400, "invalid_value", "'max_tokens'"),
    ("POST", CHAT, {**HELLO, "max_tokens": True}, 400, "invalid_type", "integer"),
    ("POST", CHAT, {**HELLO, "stream": "yes"}, 400, "invalid_type", "'stream'"),
    ("POST", CHAT, {**HELLO, "stop": [1]}, 400, "invalid_type", "'stop'"),
    ("POST", CHAT, {**HELLO, "n": 3}, 400, "invalid_value", "n=1"),
    ("POST", CHAT, {**HELLO, "response_format": {"type": "xml"}}, 400, None, "json_schema"),
    ("POST", CHAT, {**HELLO, "model": "gpt-9"}, 404, "model_not_found", "'gpt-9'"),
    ("POST", "/v1/completions", {"prompt": 5}, 400, "invalid_type", "'prompt'"),
    ("POST", "/v1/embeddings", {"input": [1, 2]}, 400, "invalid_type", "'input'"),
    ("GET", "/v1/nothing", None, 404, "not_found", "no endpoint /v1/nothing"),
    ("GET", CHAT, None, 405, "method_not_allowed", "use POST"),
    ("DELETE", "/v1/models", None, 405, "method_not_allowed", "not allowed"),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "code", "says"), BAD)
def test_bad_requests_get_openai_errors_and_the_server_keeps_serving(
    fake_server: ThreadServer, method: str, path: str, body, status: int, code, says: str
) -> None:
    got, data, headers = request(fake_server.port, method, path, body)
    assert got == status
    assert headers["Content-Type"].startswith("application/json")
    assert says in _error(status, data, code)
    assert request(fake_server.port, "POST", CHAT, HELLO)[0] == 200


def test_a_good_request_after_errors_is_answered_and_recorded(fake_server: ThreadServer) -> None:
    status, data, _ = request(fake_server.port, "POST", CHAT, HELLO)
    assert status == 200
    assert data["choices"][0]["message"]["content"] == "You said: hello there"
    assert data["usage"]["prompt_tokens_details"]["cached_tokens"] >= 0
    assert data["timings"]["predicted_n"] == 4
    last = fake_server.records[-1]
    assert (last.path, last.status, last.stats.generated_tokens) == (CHAT, 200, 4)


def test_body_over_the_cap_is_413_and_a_64_mb_body_does_not_stall_the_server(
    fake_server: ThreadServer,
) -> None:
    status, data, _ = request(fake_server.port, "POST", CHAT, "x" * (2 << 20))
    assert status == 413
    assert "1,048,576 bytes" in _error(413, data, "request_too_large")
    sock = socket.create_connection(("127.0.0.1", fake_server.port))
    sock.sendall(
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (64 << 20)
    )
    sent = 0
    chunk = b"x" * (1 << 20)
    try:
        while sent < 64 << 20:
            sock.sendall(chunk)
            sent += len(chunk)
            if sent == 4 << 20:  # meanwhile, others are served
                assert request(fake_server.port, "GET", "/health")[0] == 200
    except OSError:
        pass  # the server may close the connection before the body is all sent
    sock.settimeout(10)
    assert b"413" in sock.recv(4096).split(b"\r\n")[0]
    sock.close()
    assert request(fake_server.port, "POST", CHAT, HELLO)[0] == 200


def test_chunked_body_over_the_cap_is_413(fake_server: ThreadServer) -> None:
    sock = socket.create_connection(("127.0.0.1", fake_server.port))
    sock.sendall(
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    try:
        for _ in range(3):
            sock.sendall(b"%x\r\n" % (1 << 20) + b"x" * (1 << 20) + b"\r\n")
    except OSError:
        pass
    sock.settimeout(10)
    assert b"413" in sock.recv(4096).split(b"\r\n")[0]
    sock.close()


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "192.168.1.5", ""])
def test_a_foreign_host_header_is_refused(fake_server: ThreadServer, host: str) -> None:
    status, data, _ = request(fake_server.port, "GET", "/v1/models", headers={"Host": host})
    assert status == 403
    assert "Host header" in _error(403, data, "host_not_allowed")


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "localhost:1234", "[::1]:80"])
def test_local_host_headers_are_served(fake_server: ThreadServer, host: str) -> None:
    assert request(fake_server.port, "GET", "/v1/models", headers={"Host": host})[0] == 200


def test_web_origins_get_no_cors_unless_listed(fake_server: ThreadServer) -> None:
    status, data, headers = request(
        fake_server.port, "POST", CHAT, HELLO, {"Origin": "http://evil.example"}
    )
    assert status == 403 and "Access-Control-Allow-Origin" not in headers
    assert "web origin" in _error(403, data, "origin_not_allowed")
    _, _, plain = request(fake_server.port, "GET", "/v1/models")
    assert not any(k.lower().startswith("access-control") for k in plain)
    allowed = {"Origin": "http://allowed.example"}
    status, _, headers = request(fake_server.port, "OPTIONS", CHAT, None, allowed)
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "http://allowed.example"
    status, _, headers = request(fake_server.port, "GET", "/v1/models", None, allowed)
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "http://allowed.example"


def test_api_key_is_required_when_set_and_off_localhost() -> None:
    with pytest.raises(ValueError, match="API key"):
        ServerConfig(host="0.0.0.0").checked()
    server = ThreadServer(FakeEngine, "/m/fake.gguf", ServerConfig(port=0, api_key="s3cret"))
    try:
        status, data, _ = request(server.port, "GET", "/v1/models")
        assert status == 401 and "needs an API key" in _error(401, data, "invalid_api_key")
        wrong = {"Authorization": "Bearer nope"}
        status, data, _ = request(server.port, "GET", "/v1/models", headers=wrong)
        assert status == 401 and "wrong API key" in _error(401, data)
        good = {"Authorization": "Bearer s3cret"}
        assert request(server.port, "GET", "/v1/models", headers=good)[0] == 200
        assert request(server.port, "GET", "/health")[0] == 200
    finally:
        server.stop()


def test_busy_server_answers_503_and_too_many_streams_429() -> None:
    config = ServerConfig(port=0, max_waiting=2, max_streams=1)
    server = ThreadServer(lambda: FakeEngine(token_delay=0.05), "/m/fake.gguf", config)
    long = {"messages": [{"role": "user", "content": " ".join(["w"] * 60)}], "stream": True}
    try:
        first = socket.create_connection(("127.0.0.1", server.port))
        body = json.dumps(long).encode()
        first.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        first.settimeout(10)
        assert b"200" in first.recv(4096).split(b"\r\n")[0]
        status, data, headers = request(server.port, "POST", CHAT, long)
        assert status == 429 and headers["Retry-After"] == "1"
        assert "Too many open streams (1" in _error(429, data, "too_many_streams")
        second = socket.create_connection(("127.0.0.1", server.port))
        plain = json.dumps({**long, "stream": False}).encode()
        second.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(plain), plain)
        )
        time.sleep(0.3)  # let the server take the second request in line
        status, data, _ = request(server.port, "POST", CHAT, {**long, "stream": False})
        assert status == 503 and "busy: 2 requests" in _error(503, data, "server_busy")
        first.close()
        second.close()
        assert request(server.port, "GET", "/health")[0] == 200
    finally:
        server.stop()


class CountingEngine(FakeEngine):
    """Counts the tokens it produced per turn (to see where a cancelled turn stopped)."""

    produced: ClassVar[list[int]] = []

    def chat(self, conversation_id, messages, params, cancel):
        count = 0
        try:
            for event in super().chat(conversation_id, messages, params, cancel):
                count += 1
                yield event
        finally:
            CountingEngine.produced.append(count)


def test_a_client_that_leaves_mid_stream_stops_its_generation() -> None:
    CountingEngine.produced = []
    reply = " ".join(f"w{i}" for i in range(2000))
    server = ThreadServer(
        lambda: CountingEngine(reply=lambda m: reply, token_delay=0.01), "/m/fake.gguf"
    )
    try:
        sock = socket.create_connection(("127.0.0.1", server.port))
        body = json.dumps({**HELLO, "stream": True}).encode()
        sock.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        received = b""
        while received.count(b"data: ") < 5:
            received += sock.recv(4096)
        sock.close()
        assert server.runner.submit(lambda e: None).result(30) is None  # the turn ended
        (events,) = CountingEngine.produced
        assert events < 40, f"{events} events after the client left (of 2002)"
        for _ in range(500):  # the record is made on the server's loop once the handler ends
            if server.records:
                break
            time.sleep(0.01)
        last = server.records[-1]
        assert last.status == 499 and last.stats is not None
        assert last.stats.stop_reason == "cancelled" and last.stats.generated_tokens < 40
    finally:
        server.stop()


def test_stop_strings_end_the_reply_and_are_not_sent(fake_server: ThreadServer) -> None:
    body = {"messages": [{"role": "user", "content": "alpha beta gamma delta"}], "stop": ["gam"]}
    status, data, _ = request(fake_server.port, "POST", CHAT, body)
    assert status == 200
    choice = data["choices"][0]
    assert choice["message"]["content"] == "You said: alpha beta "
    assert choice["finish_reason"] == "stop"

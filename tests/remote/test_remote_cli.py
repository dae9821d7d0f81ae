"""`hearth --cli --endpoint URL`: a terminal chat through a server, same JSON keys."""

from __future__ import annotations

from tests.remote.openai_server import REPLY, Server
from tests.remote.remote_helpers import LOCAL_KEYS, free_port, hearth_cli, json_lines


def test_a_chat_through_a_server_prints_the_same_json_keys(server: Server) -> None:
    done = hearth_cli("--json", "--endpoint", server.base_url, "--endpoint-model", "good")
    assert done.returncode == 0, done.stderr
    assert REPLY in done.stdout
    (stats,) = json_lines(done.stdout)
    assert set(stats) == LOCAL_KEYS
    assert stats["generated_tokens"] == 10 and stats["decode_tps"] == 100.0
    assert stats["sources"]["decode_tps"] == "server timings"  # type: ignore[index]


def test_figures_the_server_does_not_report_are_null(server: Server) -> None:
    done = hearth_cli("--json", "--endpoint", server.base_url, "--endpoint-model", "plain")
    (stats,) = json_lines(done.stdout)
    assert stats["prompt_tokens"] is None and stats["generated_tokens"] is None
    assert isinstance(stats["ttft_s"], float) and stats["ttft_s"] > 0


def test_the_key_is_sent_and_the_model_defaults_to_the_first_listed(server: Server) -> None:
    server.api_key = "sk-cli"
    done = hearth_cli("--endpoint", server.base_url.removesuffix("/v1"), "--api-key", "sk-cli")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"good on 127.0.0.1:{server.port} (a server on this computer)" in done.stdout
    assert REPLY in done.stdout
    assert server.seen[-1].headers["Authorization"] == "Bearer sk-cli"


def test_a_reply_cut_short_keeps_what_arrived_and_says_why(server: Server) -> None:
    done = hearth_cli("--json", "--endpoint", server.base_url, "--endpoint-model", "cut")
    assert done.returncode == 1
    assert "Half a reply\n" in done.stdout
    assert "error: The connection to 127.0.0.1:" in done.stdout
    (stats,) = json_lines(done.stdout)
    assert stats["stop_reason"] == "error"


def test_a_server_that_is_not_there_is_a_clear_error() -> None:
    port = free_port()
    done = hearth_cli("--endpoint", f"http://127.0.0.1:{port}/v1")
    assert done.returncode == 2
    assert f"Cannot reach the server at 127.0.0.1:{port} (connection refused)" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_server_that_never_answers_times_out(server: Server) -> None:
    args = ("--endpoint", server.base_url, "--endpoint-model", "never", "--endpoint-timeout", "1")
    done = hearth_cli(*args)
    assert done.returncode == 1
    assert "accepted the request but sent nothing for 1 s" in done.stdout

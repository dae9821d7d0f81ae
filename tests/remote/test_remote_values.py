"""Remote model names, server addresses, settings and figures as plain values (no network)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.chat.events import TurnStats
from app.chat.remote import (
    Endpoint,
    EndpointURLError,
    RemoteServer,
    is_remote_path,
    normalize_base_url,
    remote_label,
    split_model_path,
)
from app.inspect.history import stats_from_json
from app.settings import Settings, load_settings, save_settings
from tests.values_factory import turn_stats


@pytest.mark.parametrize(
    ("typed", "base"),
    [
        ("gpu-box:8080", "http://gpu-box:8080/v1"),
        ("http://gpu-box:8080/", "http://gpu-box:8080/v1"),
        ("https://api.example.org/v1/", "https://api.example.org/v1"),
        ("http://10.0.0.5:11434/v1", "http://10.0.0.5:11434/v1"),
        ("  http://[::1]:8000/api/v1  ", "http://[::1]:8000/api/v1"),
    ],
)
def test_a_typed_address_becomes_a_base_url(typed: str, base: str) -> None:
    assert normalize_base_url(typed) == base


@pytest.mark.parametrize("typed", ["", "ftp://host/v1", "http://:8080", "http://host:port/v1"])
def test_an_unusable_address_says_why(typed: str) -> None:
    with pytest.raises(EndpointURLError) as caught:
        normalize_base_url(typed)
    assert str(caught.value)


def test_a_remote_model_path_round_trips_and_is_never_a_file() -> None:
    endpoint = Endpoint("http://gpu-box:8080/v1")
    path = endpoint.model_path("org/model:7b#q4")
    assert is_remote_path(path) and not is_remote_path("/home/me/models/x.gguf")
    assert split_model_path(path) == (endpoint, "org/model:7b#q4")
    assert remote_label(path) == "org/model:7b#q4 on gpu-box:8080"
    assert (endpoint.host, endpoint.port, endpoint.netloc) == ("gpu-box", 8080, "gpu-box:8080")


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8080/v1", True),
        ("http://localhost:8080/v1", True),
        ("http://[::1]:8080/v1", True),
        ("http://192.168.1.20:8080/v1", False),
        ("https://api.example.org/v1", False),
    ],
)
def test_loopback_servers_are_local(url: str, loopback: bool) -> None:
    assert Endpoint(url).is_loopback is loopback


def test_servers_survive_the_settings_file() -> None:
    servers = (
        RemoteServer("http://gpu-box:8080/v1", ("a", "b/c")),
        RemoteServer("http://10.0.0.5:8000/v1", ("m",), api_key="sk-1"),
    )
    save_settings(Settings(remote_servers=servers))
    assert load_settings().remote_servers == servers


def test_unknown_figures_are_null_in_json_and_stay_unknown_when_read_back() -> None:
    stats = replace(
        turn_stats(),
        prompt_tokens=0,
        decode_tps=0.0,
        unknown=("prompt_tokens", "decode_tps"),
        sources=(("ttft_s", "client clock"),),
    )
    data = stats.as_json()
    assert data["prompt_tokens"] is None and data["decode_tps"] is None
    assert data["ttft_s"] == stats.ttft_s and data["sources"] == {"ttft_s": "client clock"}
    assert stats.figure("prompt_tokens") is None and stats.figure("ttft_s") == stats.ttft_s
    back = stats_from_json(data)
    assert back == stats
    local = turn_stats()
    assert set(local.as_json()) == set(data), "local and remote replies have the same keys"
    assert isinstance(back, TurnStats) and stats_from_json(local.as_json()) == local


def test_short_texts_name_a_remote_model_by_its_id_and_server() -> None:
    from app.chat.remote import display_name
    from app.store.export import model_name

    path = Endpoint("http://gpu-box:8080/v1").model_path("qwen2.5:72b")
    assert display_name(path) == model_name(path) == "qwen2.5:72b on gpu-box:8080"
    assert display_name("/models/SmolLM2.Q4_1.gguf") == "SmolLM2.Q4_1.gguf"


def test_the_audit_hook_records_every_connection_loopback_included() -> None:
    """The remote privacy cases rely on it (tests/faults/test_fault_privacy_remote.py)."""
    from tests.faults import audit

    before = (len(audit.connections), len(audit.network))
    audit._hook("socket.connect", (None, ("127.0.0.1", 8080)))
    audit._hook("socket.connect", (None, ("10.0.0.5", 8000)))
    audit._hook("socket.connect", (None, "/run/user/0/bus"))
    seen = audit.connections[before[0] :]
    left = audit.network[before[1] :]
    del audit.connections[before[0] :], audit.network[before[1] :]
    assert seen == [("127.0.0.1", 8080), ("10.0.0.5", 8000)]
    assert left == [("socket.connect", "('10.0.0.5', 8000)")]

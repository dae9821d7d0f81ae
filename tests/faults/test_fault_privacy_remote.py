"""Privacy with remote models: Hearth connects only to the server the person added, only
while one of its models is in use, and every connection attempt goes to that host and port.

The audit hook (audit.py) records every TCP connect, loopback included, in child processes:
once over the session layer (local -> remote -> local in one process) and once through the
real window (a remote model, then the local model with the server still added). A second
session run puts the server on this machine's network address (not loopback), where the
audit's "left the machine" list must name that host and port and nothing else.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import psutil
import pytest

from app.chat.remote import RemoteServer
from app.settings import Settings, save_settings
from tests.faults.audit import outside
from tests.faults.recording import RecordProperty
from tests.faults.sandbox import FOLDERS, run_child
from tests.remote.openai_server import REPLY, Server

pytestmark = pytest.mark.model


def _folders(tmp_path: Path) -> None:
    for name in FOLDERS:
        (tmp_path / name).mkdir()


def _writes_stay_home(tmp_path: Path, reports: list[dict[str, Any]]) -> None:
    allowed = [str(tmp_path / "home"), str(tmp_path / "tmp")]
    for report in reports:
        assert outside(report["writes"], allowed) == []
    assert list((tmp_path / "user-home").iterdir()) == [], "nothing written to ~"
    assert list((tmp_path / "cwd").iterdir()) == [], "nothing written to the working dir"


def _lan_address() -> str | None:
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family == socket.AF_INET and not address.address.startswith("127."):
                return str(address.address)
    return None


def _session_run(tmp_path: Path, model: Path, server: Server) -> dict[str, Any]:
    child = "tests.faults.remote_privacy_child"
    (report,) = run_child(tmp_path, child, str(model), server.base_url)
    return report


def test_a_session_connects_only_to_the_added_server_and_only_while_using_it(
    default_model: Path, tmp_path: Path, record_property: RecordProperty
) -> None:
    _folders(tmp_path)
    with Server() as server:
        report = _session_run(tmp_path, default_model, server)
    phases = report["phases"]
    assert phases["local_before"] == [], "a server that is added but not in use is not contacted"
    assert phases["local_after"] == [], "switching back to a local model ends the contact"
    assert len(phases["remote"]) >= 1
    assert {tuple(c) for c in report["connections"]} == {("127.0.0.1", server.port)}
    assert report["network"] == []
    _writes_stay_home(tmp_path, [report])
    assert [s.path for s in server.seen] == ["/v1/models", *["/v1/chat/completions"] * 2]
    record_property("connections", len(report["connections"]))


def test_a_server_on_the_network_is_the_only_place_anything_goes(
    default_model: Path, tmp_path: Path, record_property: RecordProperty
) -> None:
    address = _lan_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    _folders(tmp_path)
    with Server(host=address) as server:
        report = _session_run(tmp_path, default_model, server)
    seen = {(event, target) for event, target in report["network"]}
    assert ("socket.connect", repr((address, server.port))) in seen, "the audit sees it"
    allowed = {repr((address, server.port)), repr(address)}  # the connect, its name lookup
    assert {target for _event, target in seen} <= allowed
    assert {tuple(c) for c in report["connections"]} == {(address, server.port)}
    assert report["phases"]["local_before"] == report["phases"]["local_after"] == []
    _writes_stay_home(tmp_path, [report])
    record_property("connections", len(report["connections"]))


def test_the_window_on_a_remote_model_then_a_local_one_with_the_server_added(
    default_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _folders(tmp_path)
    driver = "tests.faults.app_driver"
    with Server() as server:
        monkeypatch.setenv("HEARTH_HOME", str(tmp_path / "home"))
        save_settings(Settings(remote_servers=(RemoteServer(server.base_url, ("good",)),)))
        remote = run_child(
            tmp_path, driver, server.model_path("good"), "Hello, server!",
            "--close-when-finished", "--audit",
        )  # fmt: skip
        local = run_child(
            tmp_path, driver, str(default_model), "Hello, here!",
            "--close-when-finished", "--audit",
        )  # fmt: skip
    finished = [next(e for e in run if e["ev"] == "finished") for run in (remote, local)]
    assert finished[0]["text"] == REPLY and finished[1]["text"]
    remote_report, local_report = (
        next(e for e in run if e["ev"] == "audit") for run in (remote, local)
    )
    assert {tuple(c) for c in remote_report["connections"]} == {("127.0.0.1", server.port)}
    assert local_report["connections"] == [], "the added server is not contacted"
    assert remote_report["network"] == local_report["network"] == []
    _writes_stay_home(tmp_path, [remote_report, local_report])

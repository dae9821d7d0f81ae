"""Privacy: a full session (load, turns, two conversations, restart) makes no connection to
any non-loopback address and writes files only under HEARTH_HOME and the temp dir.

Once over the session layer (privacy_child.py) and once through the real window
(app_driver.py, offscreen), each in fresh processes with the audit hook installed first.
Besides the hook (which sees Python-level opens), HOME and the working directory are empty
folders that must stay empty, which also catches writes from C code (llama.cpp, Qt).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.faults import audit
from tests.faults.audit import outside
from tests.faults.recording import RecordProperty
from tests.faults.sandbox import FOLDERS
from tests.faults.sandbox import run_child as _child
from tests.faults.sandbox import sandbox_env as _env

pytestmark = pytest.mark.model


def _assert_private(tmp_path: Path, reports: list[dict[str, Any]]) -> int:
    allowed = [str(tmp_path / "home"), str(tmp_path / "tmp")]
    for report in reports:
        assert report["network"] == [], "no connection attempt may leave the machine"
        assert outside(report["writes"], allowed) == []
    assert list((tmp_path / "user-home").iterdir()) == [], "nothing written to ~"
    assert list((tmp_path / "cwd").iterdir()) == [], "nothing written to the working dir"
    return len({path for report in reports for path in report["writes"]})


def test_the_audit_hook_sees_connections_and_writes(tmp_path: Path) -> None:
    """The hook the privacy cases rely on records what it must (else they prove nothing)."""
    before = (len(audit.network), len(audit.writes))
    audit._hook("socket.connect", (None, ("93.184.216.34", 443)))
    audit._hook("socket.connect", (None, ("127.0.0.1", 8080)))
    audit._hook("socket.connect", (None, "/run/user/0/bus"))
    audit._hook("socket.getaddrinfo", ("huggingface.co", 443, 0, 0, 0))
    audit._hook("open", (str(tmp_path / "w.txt"), "w", 0))
    audit._hook("open", (str(tmp_path / "r.txt"), "r", 0))
    audit._hook("open", (str(tmp_path / "o.txt"), None, os.O_CREAT | os.O_WRONLY))
    network, writes = audit.network[before[0] :], audit.writes[before[1] :]
    del audit.network[before[0] :], audit.writes[before[1] :]
    assert [target for _, target in network] == ["('93.184.216.34', 443)", "'huggingface.co'"]
    assert writes == [str(tmp_path / "w.txt"), str(tmp_path / "o.txt")]
    assert outside(writes, [str(tmp_path / "elsewhere")]) == sorted(writes)
    assert outside(writes, [str(tmp_path)]) == []
    assert socket.AF_INET  # the module under audit is the real one


def test_full_session_and_restart_connect_nowhere_and_write_only_app_dirs(
    default_model: Path, tmp_path: Path, record_property: RecordProperty
) -> None:
    for name in FOLDERS:
        (tmp_path / name).mkdir()
    child = "tests.faults.privacy_child"
    (first,) = _child(tmp_path, child, "first", str(default_model))
    chat = str(first["seen"]["first"])
    (second,) = _child(tmp_path, child, "reopen", str(default_model), chat)
    assert second["seen"] == {"messages_before": 6, "restored": True}
    record_property("network_attempts", 0)
    record_property("paths_written", _assert_private(tmp_path, [first, second]))


def test_the_window_session_and_restart_connect_nowhere_and_write_only_app_dirs(
    default_model: Path, tmp_path: Path, record_property: RecordProperty
) -> None:
    for name in FOLDERS:
        (tmp_path / name).mkdir()
    driver, model = "tests.faults.app_driver", str(default_model)
    runs = [
        _child(
            tmp_path, driver, model, "Hello! What is a cat?", "--close-when-finished", "--audit"
        ),
        _child(
            tmp_path,
            driver,
            model,
            "What is Paris?",
            "--new-conversation",
            "--close-when-finished",
            "--audit",
        ),
        _child(tmp_path, driver, model, "Tell me more.", "--close-when-finished", "--audit"),
    ]
    finished = [next(e for e in run if e["ev"] == "finished") for run in runs]
    assert all(f["text"] for f in finished), "every turn was answered"
    assert finished[2]["stats"]["restored_from_disk"] is True, "the restart reopened the chat"
    reports = [next(e for e in run if e["ev"] == "audit") for run in runs]
    assert not any(r["hub_client_loaded"] for r in reports), "the download client stays unloaded"
    record_property("network_attempts", 0)
    record_property("paths_written", _assert_private(tmp_path, reports))


def _use_the_api(url: str) -> None:
    """A chat reply, a streamed one and embeddings through the real client."""
    import openai

    with openai.OpenAI(base_url=url, api_key="unused", max_retries=0) as client:
        model = client.models.list().data[0].id
        messages = [{"role": "user", "content": "Hello!"}]
        reply = client.chat.completions.create(model=model, messages=messages, max_tokens=8)
        assert reply.usage.completion_tokens > 0
        stream = client.chat.completions.create(
            model=model, messages=messages, max_tokens=8, stream=True
        )
        assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
        assert client.embeddings.create(model=model, input="hi").data


def test_the_api_server_listens_only_on_loopback_and_connects_nowhere(
    default_model: Path, tmp_path: Path, record_property: RecordProperty
) -> None:
    import psutil

    for name in FOLDERS:
        (tmp_path / name).mkdir()
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.serve_child", str(default_model)],
        cwd=tmp_path / "cwd",
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    banner = child.stdout.readline()
    url = banner.split(" at ")[-1].strip()
    assert url.startswith("http://127.0.0.1:"), banner
    listening = [
        c.laddr
        for c in psutil.Process(child.pid).net_connections("inet")
        if c.status == psutil.CONN_LISTEN
    ]
    _use_the_api(url)
    child.terminate()
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err[-3000:]
    (report,) = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert listening and all(address.ip == "127.0.0.1" for address in listening), listening
    assert report["binds"] and all("'127.0.0.1'" in bound for bound in report["binds"])
    record_property("listening", [f"{a.ip}:{a.port}" for a in listening])
    record_property("paths_written", _assert_private(tmp_path, [report]))

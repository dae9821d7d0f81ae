"""Servers on 127.0.0.1 for the remote-model tests.

`server`: the suite's own misbehaving OpenAI-compatible server (tests/remote/openai_server.py).
`llama_cpp_server`: `python -m llama_cpp.server` on the real default model, one per module
(run model tests under `flock /tmp/hearth-model.lock`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.remote.openai_server import Server
from tests.remote.remote_helpers import FAST, free_port
from tests.remote.remote_window import make_remote_window

__all__ = ["FAST", "free_port", "make_remote_window"]


@pytest.fixture
def server() -> Iterator[Server]:
    with Server() as started:
        yield started


def wait_for_models(base_url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/models", timeout=1.0, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{base_url} did not come up in {timeout} s")


def start_server(command: list[str], base_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        wait_for_models(base_url, process, timeout=120)
    except Exception as error:
        process.kill()
        process.wait()
        said = log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{command[:4]} failed: {said}") from error
    return process


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def llama_cpp_server(
    default_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The base URL of a real llama_cpp.server serving the default model as "smollm"."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(default_model),
        "--model_alias", "smollm", "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "2048", "--n_threads", "2",
    ]  # fmt: skip
    log = tmp_path_factory.mktemp("llama-cpp-server") / "server.log"
    process = start_server(command, base_url, log)
    yield base_url
    stop_server(process)

"""The API server against llama-cpp-python's own server, side by side in one run.

A client resends the whole history for 12 turns of ~48-token replies (streaming, greedy),
in one conversation and in two conversations sent in turn, and measures time to first
token (TTFT) per turn. Each server runs alone (one after the other) on the same model,
n_ctx 4096, 2 threads: `hearth --serve` and `python -m llama_cpp.server --cache true`
(its RAM state cache), optionally `--cache false` too.

Goal (issue 13): two alternating conversations, Hearth's TTFT at turn 12 <= 0.5x the
peer's `--cache true` figure and <= 1.5x Hearth's own turn 1.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import app

ROOT = Path(app.__file__).resolve().parent.parent
TURNS = 12
REPLY_TOKENS = 48
SYSTEM = "You are a helpful assistant."
TOPICS = [
    ["cats", "their history", "their senses", "their sleep", "their diet", "their play"],
    ["the ocean", "its tides", "its depths", "its animals", "its storms", "its colour"],
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _question(conversation: int, turn: int) -> str:
    topic = TOPICS[conversation][turn % len(TOPICS[conversation])]
    return f"Tell me something new about {topic}, in detail (turn {turn + 1})."


class Server:
    def __init__(self, name: str, command: list[str], port: int, env: dict[str, str]) -> None:
        self.name, self.port = name, port
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/v1/models")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{name} did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def hearth(model: str, home: str) -> Server:
    port = _free_port()
    env = dict(os.environ, HEARTH_HOME=home, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "app.main", "--serve", "--port", str(port)]
    command += ["--model", model, "--ctx", "4096", "--threads", "2"]
    return Server("hearth", command, port, env)


def peer(model: str, cache: bool) -> Server:
    port = _free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", model, "--port", str(port)]
    command += ["--n_ctx", "4096", "--n_threads", "2", "--n_threads_batch", "2"]
    command += ["--cache", "true" if cache else "false"]
    return Server(f"llama_cpp.server --cache {str(cache).lower()}", command, port, dict(os.environ))


def stream_turn(port: int, messages: list[dict[str, str]]) -> tuple[float, str, dict[str, Any]]:
    """One streamed chat request: (TTFT seconds, reply text, last usage/timings seen)."""
    body = json.dumps(
        {
            "messages": messages,
            "max_tokens": REPLY_TOKENS,
            "temperature": 0.0,
            "seed": 1,
            "stream": True,
        }
    )
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    started = time.perf_counter()
    connection.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 200, response.read()[:500]
    ttft: float | None = None
    parts: list[str] = []
    extra: dict[str, Any] = {}
    for raw in response:
        line = raw.decode().strip()
        if not line.startswith("data: ") or line == "data: [DONE]":
            continue
        chunk = json.loads(line[6:])
        if chunk.get("timings"):
            extra = chunk["timings"]
        for choice in chunk.get("choices", []):
            text = choice.get("delta", {}).get("content")
            if text:
                ttft = ttft if ttft is not None else time.perf_counter() - started
                parts.append(text)
    connection.close()
    return (ttft if ttft is not None else time.perf_counter() - started), "".join(parts), extra


def run_client(port: int, conversations: int) -> dict[str, Any]:
    histories = [[{"role": "system", "content": SYSTEM}] for _ in range(conversations)]
    stream_turn(port, [*histories[0], {"role": "user", "content": "Hello."}])  # warm-up
    ttft: list[list[float]] = [[] for _ in range(conversations)]
    cached: list[list[int]] = [[] for _ in range(conversations)]
    server_ttft: list[float | None] = []
    words = 0
    for turn in range(TURNS):
        for index, history in enumerate(histories):
            history.append({"role": "user", "content": _question(index, turn)})
            seconds, text, timings = stream_turn(port, history)
            history.append({"role": "assistant", "content": text})
            ttft[index].append(seconds)
            cached[index].append(int(timings.get("cache_n", -1)))
            server_ttft.append(timings.get("ttft_ms"))
            words += len(text.split())
    per_turn = [statistics.mean(t[turn] for t in ttft) for turn in range(TURNS)]
    return {
        "ttft_s_per_turn": [round(x, 4) for x in per_turn],
        "turn1_s": round(per_turn[0], 4),
        "turn12_s": round(per_turn[-1], 4),
        "mean_words_per_reply": round(words / (TURNS * conversations), 1),
        "cache_n_per_turn": cached[0] if cached[0][0] >= 0 else None,
        "server_ttft_ms": [round(x) for x in server_ttft] if server_ttft[0] is not None else None,
    }


def _median_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-turn medians over rounds (a loaded 2-core machine is noisy)."""
    per_turn = [statistics.median(r["ttft_s_per_turn"][t] for r in runs) for t in range(TURNS)]
    return {
        "ttft_s_per_turn_median": [round(x, 4) for x in per_turn],
        "turn1_s": round(per_turn[0], 4),
        "turn12_s": round(per_turn[-1], 4),
        "turns_10_12_mean_s": round(statistics.mean(per_turn[-3:]), 4),
        "rounds": runs,
    }


def bench_api_server(
    model: str, rounds: int = 3, peer_without_cache: bool = False
) -> dict[str, Any]:
    """Rounds alternate between the servers (each alone), so load spikes hit both alike."""
    makers: dict[str, Any] = {
        "hearth": lambda home: hearth(model, home),
        "peer_cache": lambda home: peer(model, True),
    }
    if peer_without_cache:
        makers["peer_no_cache"] = lambda home: peer(model, False)
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {
        key: {"single": [], "alternating": []} for key in makers
    }
    names: dict[str, str] = {}
    for _ in range(rounds):
        for key, make in makers.items():
            with tempfile.TemporaryDirectory() as home:
                server = make(home)
                names[key] = server.name
                try:
                    runs[key]["single"].append(run_client(server.port, 1))
                    runs[key]["alternating"].append(run_client(server.port, 2))
                finally:
                    server.stop()
    results: dict[str, Any] = {
        key: {"server": names[key], **{m: _median_runs(r) for m, r in modes.items()}}
        for key, modes in runs.items()
    }
    hearth_alt, peer_alt = results["hearth"]["alternating"], results["peer_cache"]["alternating"]
    goal = {
        "alt_turn12_vs_peer_cache": round(hearth_alt["turn12_s"] / peer_alt["turn12_s"], 3),
        "alt_turn12_vs_own_turn1": round(hearth_alt["turn12_s"] / hearth_alt["turn1_s"], 3),
        "target": "<= 0.5 and <= 1.5",
    }
    goal["met"] = goal["alt_turn12_vs_peer_cache"] <= 0.5 and goal["alt_turn12_vs_own_turn1"] <= 1.5
    results["goal"] = goal
    results["load_average"] = os.getloadavg()
    return results


if __name__ == "__main__":
    from app.default_model import default_model_path

    path = default_model_path()
    assert path is not None, "default model not installed"
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
    report = bench_api_server(str(path), rounds, "--peer-no-cache" in sys.argv)
    print(json.dumps(report, indent=2))

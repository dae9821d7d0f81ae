"""`hearth --self-test`: passes on the default model, fails loudly and non-zero otherwise."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.main import parse_args
from app.self_test import EXIT_FAILED, EXIT_NO_MODEL, SELF_TEST_PROMPT, run_self_test

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def qt_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """run_self_test forces QT_QPA_PLATFORM; restore it for the other tests."""
    monkeypatch.setenv("QT_QPA_PLATFORM", os.environ.get("QT_QPA_PLATFORM", "offscreen"))


@pytest.mark.model
def test_self_test_answers_offscreen_and_exits_zero(tmp_path: Path, hearth_home: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")
    }
    done = subprocess.run(
        [sys.executable, "-m", "app", "--self-test", "--max-tokens", "24"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "started on the 'offscreen' platform" in out  # set by the self-test itself
    assert "app icon in 8 sizes" in out
    assert f"prompt: {SELF_TEST_PROMPT}" in out and "backend CPU" in out
    stats = json.loads(out.split("stats-json: ", 1)[1].splitlines()[0])
    assert 1 <= stats["generated_tokens"] <= 24
    assert stats["prompt_tokens"] > 10 and stats["context_size"] == 2048
    assert stats["stop_reason"] in ("stop", "length") and stats["backend"] == "CPU"
    assert stats["decode_tps"] > 0 and stats["ttft_s"] > 0
    assert out.rstrip().splitlines()[-1].startswith("self-test passed in ")
    assert not any(hearth_home.glob("**/*.sqlite3"))  # a scratch home, removed afterwards


def test_missing_model_file_fails_with_the_reason(qt_env, tmp_path: Path) -> None:
    out = io.StringIO()
    missing = tmp_path / "gone.gguf"
    code = run_self_test(parse_args(["--self-test", "--model", str(missing)]), out)
    assert code == EXIT_FAILED
    assert "self-test FAILED: loading the model failed" in out.getvalue()
    assert "does not exist" in out.getvalue()
    assert os.environ["HEARTH_HOME"] != "" and "hearth-self-test-" not in os.environ["HEARTH_HOME"]


def test_no_default_model_fails_with_exit_2(
    qt_env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEARTH_DEFAULT_MODEL", str(tmp_path / "not-installed.gguf"))
    code = run_self_test(parse_args(["--self-test"]))
    assert code == EXIT_NO_MODEL
    captured = capsys.readouterr()
    assert "self-test FAILED: no model to test with" in captured.err
    assert "FAILED" not in captured.out  # said once, on stderr


def test_a_file_that_is_not_a_model_fails(qt_env, tmp_path: Path) -> None:
    fake = tmp_path / "notes.gguf"
    fake.write_text("these are not weights\n" * 100)
    out = io.StringIO()
    assert run_self_test(parse_args(["--self-test", "--model", str(fake)]), out) == EXIT_FAILED
    assert "not a GGUF model file" in out.getvalue()

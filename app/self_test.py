"""`hearth --self-test`: prove that this build works, offscreen, in about a second of model time.

It drives the real main window on Qt's offscreen platform: loads the default model (or
--model) through the window's own model controller, sends one prompt through the chat
controller, waits for the saved reply and prints it with the turn's statistics. Exit code
0 means every step worked; any failure prints one clear line on stderr and returns
non-zero (1: a step failed, 2: no model to test with). It works the same inside the
PyInstaller bundle, which is what the packaging CI runs.

User data is never touched: the run uses a scratch HEARTH_HOME that is removed afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

SELF_TEST_PROMPT = "In one short sentence: what is a hearth?"
DEFAULT_MAX_TOKENS = 48
DEFAULT_SEED = 7
DEFAULT_CTX = 2048
LOAD_LIMIT_S = 300.0  # a watchdog against hangs, not a speed target
REPLY_LIMIT_S = 300.0
EXIT_FAILED = 1
EXIT_NO_MODEL = 2


class SelfTestError(Exception):
    """A step failed; the message says which and why."""


@dataclass(frozen=True, slots=True)
class SelfTestReport:
    model_name: str
    backend: str
    load_seconds: float
    reply: str
    stats: dict[str, object]


def run_self_test(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run the self-test; 0 when the model answered, non-zero with a message otherwise."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt
    stream = out or _output()
    started = time.perf_counter()
    model = _model_path(args)
    _say(stream, f"Hearth self-test: {_environment()}")
    if model is None:
        _fail(
            stream,
            "no model to test with: the default model is not in this build "
            "(and no --model PATH was given)",
        )
        return EXIT_NO_MODEL
    _say(stream, f"model file: {model}")
    try:
        with _scratch_home():
            report = _drive_window(args, model, stream)
    except SelfTestError as error:
        _fail(stream, str(error))
        return EXIT_FAILED
    except Exception as error:
        _fail(stream, f"unexpected error: {error!r}")
        return EXIT_FAILED
    _print_report(stream, report)
    _say(stream, f"self-test passed in {time.perf_counter() - started:.1f} s")
    return 0


def _model_path(args: argparse.Namespace) -> Path | None:
    if getattr(args, "model", None):
        return Path(args.model)
    from app.default_model import default_model_path

    path = default_model_path()
    return path if path is not None and path.is_file() else None


def _environment() -> str:
    bundled = (
        f"bundle at {getattr(sys, '_MEIPASS', '?')}"
        if getattr(sys, "frozen", False)
        else "from source"
    )
    return (
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}, {bundled}"
    )


@contextlib.contextmanager
def _scratch_home() -> Iterator[Path]:
    previous = os.environ.get("HEARTH_HOME")
    with tempfile.TemporaryDirectory(prefix="hearth-self-test-") as scratch:
        os.environ["HEARTH_HOME"] = scratch
        try:
            yield Path(scratch)
        finally:
            if previous is None:
                os.environ.pop("HEARTH_HOME", None)
            else:
                os.environ["HEARTH_HOME"] = previous


def _test_args(args: argparse.Namespace, model: Path) -> argparse.Namespace:
    """The command line's options, with small, reproducible defaults for the test turn."""
    values = dict(vars(args))
    values["model"] = str(model)
    values["max_tokens"] = getattr(args, "max_tokens", None) or DEFAULT_MAX_TOKENS
    values["ctx"] = getattr(args, "ctx", None) or DEFAULT_CTX
    if getattr(args, "seed", None) is None:
        values["seed"] = DEFAULT_SEED
    return argparse.Namespace(**values)


def _drive_window(args: argparse.Namespace, model: Path, out: TextIO) -> SelfTestReport:
    from PySide6.QtCore import qInstallMessageHandler

    previous_handler = qInstallMessageHandler(_offscreen_notice_filter)
    try:
        return _run_window(args, model, out)
    finally:
        qInstallMessageHandler(previous_handler)


def _run_window(args: argparse.Namespace, model: Path, out: TextIO) -> SelfTestReport:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtWidgets import QApplication

    from app import paths
    from app.engine.runner import EngineRunner
    from app.settings import Settings
    from app.store import ChatStore
    from app.ui.shell.app import make_engine, settings_for_run
    from app.ui.shell.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    _say(
        out,
        f"[1/4] Qt {pyside_version} started on the '{app.platformName()}' platform; "
        f"{_check_icon(app)}",
    )
    settings = settings_for_run(Settings(welcome_done=True), _test_args(args, model))
    runner = EngineRunner(lambda: make_engine(settings.kv_cache_limit_mb))
    store = ChatStore(paths.database_path())
    window = MainWindow(
        runner, store, settings, default_model=str(model), persist_settings=lambda _settings: None
    )
    try:
        window.show()
        return _load_and_chat(app, window, out)
    finally:
        window.close()
        runner.shutdown(timeout=5.0)
        store.close()


def _check_icon(app: Any) -> str:
    """Set the app icon; in a bundle a missing icon is a packaging error."""
    from app.ui.common.icons import app_icon

    icon = app_icon()
    if icon.isNull():
        if getattr(sys, "frozen", False):
            raise SelfTestError("the app icon is missing from the bundle (resources/icons)")
        return "no app icon in this install"
    app.setWindowIcon(icon)
    return f"app icon in {len(icon.availableSizes())} sizes"


def _load_and_chat(app: Any, window: Any, out: TextIO) -> SelfTestReport:
    loaded = _wait(
        app,
        window.models.loaded,
        window.models.load_failed,
        LOAD_LIMIT_S,
        "loading the model",
        window.start,
    )
    info = loaded[0]
    _say(
        out,
        f"[2/4] model loaded in {info.load_seconds:.2f} s: {info.name} "
        f"({info.quantization}, {info.parameter_count / 1e6:.0f}M parameters), "
        f"backend {info.backend}, context {info.context_size}",
    )
    _say(out, f"[3/4] prompt: {SELF_TEST_PROMPT}")
    saved = _wait(
        app,
        window.chat.reply_finished,
        None,
        REPLY_LIMIT_S,
        "answering the prompt",
        lambda: window.chat.send(SELF_TEST_PROMPT),
    )[0]
    finished = saved.finished
    if finished.error or finished.reason not in ("stop", "length"):
        raise SelfTestError(f"the reply failed ({finished.reason}): {finished.error}")
    if not finished.text.strip() or finished.stats.generated_tokens < 1:
        raise SelfTestError("the model returned an empty reply")
    return SelfTestReport(
        info.name, info.backend, info.load_seconds, finished.text, finished.stats.as_json()
    )


def _wait(
    app: Any, done: Any, failed: Any, limit_s: float, what: str, start: Callable[[], None]
) -> tuple[Any, ...]:
    """Run the event loop until `done` fires (its arguments), `failed` fires or time is up."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop(app)
    result: dict[str, tuple[Any, ...]] = {}

    def finish(key: str, values: tuple[Any, ...]) -> None:
        result.setdefault(key, values)
        loop.quit()

    done.connect(lambda *values: finish("done", values))
    if failed is not None:
        failed.connect(lambda *values: finish("failed", values))
    QTimer.singleShot(int(limit_s * 1000), lambda: finish("timeout", ()))
    QTimer.singleShot(0, start)
    loop.exec()
    if "done" in result:
        return result["done"]
    if "failed" in result:
        raise SelfTestError(f"{what} failed: {' '.join(str(v) for v in result['failed'])}")
    raise SelfTestError(f"{what} did not finish within {limit_s:.0f} s")


def _offscreen_notice_filter(_kind: Any, _context: Any, message: str) -> None:
    """Drop the offscreen platform's "does not support X" notices; print every other message."""
    if "This plugin does not support" not in message and sys.stderr is not None:
        print(message, file=sys.stderr, flush=True)


def _print_report(out: TextIO, report: SelfTestReport) -> None:
    _say(out, f"      reply: {' '.join(report.reply.split())}")
    stats = report.stats
    _say(
        out,
        "[4/4] turn stats: "
        f"time to first token {stats['ttft_s']:.3f} s, "
        f"prompt {stats['prompt_tokens']} tokens at {stats['prefill_tps']:.1f} t/s, "
        f"reply {stats['generated_tokens']} tokens at {stats['decode_tps']:.1f} t/s, "
        f"context {stats['context_used']}/{stats['context_size']}, "
        f"stop: {stats['stop_reason']}, memory {stats['rss_mb']:.0f} MB, "
        f"backend {report.backend}",
    )
    _say(
        out,
        "stats-json: "
        + json.dumps({**stats, "backend": report.backend, "load_s": round(report.load_seconds, 4)}),
    )


def _output() -> TextIO:
    """stdout, or a file in the log folder when a windowed build has no console."""
    if sys.stdout is not None:
        return sys.stdout
    from app import paths

    return (paths.log_dir() / "self-test.txt").open("w", encoding="utf-8")


def _say(out: TextIO, line: str) -> None:
    print(line, file=out, flush=True)


def _fail(out: TextIO, message: str) -> None:
    """The failure goes to stderr, and also to `out` when that is a file or another stream."""
    line = f"self-test FAILED: {message}"
    if out is not sys.stdout:
        _say(out, line)
    if sys.stderr is not None:
        print(line, file=sys.stderr, flush=True)

"""run_gui: the application object, the main window and a clean shutdown.

llama.cpp is imported on the engine's worker thread when the first model loads, so the
window shows before the heavy library is in memory. Closing the window stops a running
reply, saves it, lets the engine save its KV state, and returns.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app import paths
from app.default_model import default_model_path
from app.engine.protocol import ChatEngine
from app.engine.runner import EngineRunner
from app.settings import Settings, load_settings
from app.store import ChatStore, StoreError
from app.ui.common.icons import app_icon
from app.ui.common.theme import apply_system_theme
from app.ui.shell.main_window import MainWindow
from app.ui.shell.welcome_dialog import offer_welcome

log = logging.getLogger(__name__)


def make_engine(kv_cache_limit_mb: int) -> ChatEngine:
    """The real engine (runs on the worker thread: llama.cpp loads there, lazily)."""
    from app.engine.llama_engine import LlamaEngine

    return LlamaEngine(kv_limit_bytes=kv_cache_limit_mb << 20)


def gpu_offload_available() -> bool:
    from app.engine.model_loader import gpu_offload_available as probe

    return probe()


def settings_for_run(settings: Settings, args: argparse.Namespace | None) -> Settings:
    """Command-line options override the saved settings for this run."""
    options: dict[str, Any] = vars(args) if args is not None else {}
    given = {k: v for k, v in options.items() if v is not None}
    load_flags = {"ctx": "n_ctx", "threads": "n_threads", "gpu_layers": "n_gpu_layers"}
    load = replace(settings.load, **{load_flags[k]: v for k, v in given.items() if k in load_flags})
    generation = replace(
        settings.generation,
        **{k: v for k, v in given.items() if k in ("max_tokens", "temperature", "seed")},
    )
    changed = settings.with_changes(load=load, generation=generation)
    if "system" in given:
        changed = changed.with_changes(system_prompt=given["system"])
    if given.get("model"):
        changed = changed.with_changes(model_path=given["model"])
    return changed


def run_gui(args: argparse.Namespace | None = None, *, exit_if_engine_stuck: bool = False) -> int:
    """Show the window; return the exit code when it closes.

    With `exit_if_engine_stuck` (the app's entry point), a model still evaluating a prompt
    at exit (llama.cpp cannot abort that) ends the process at once, after everything is
    saved, instead of finalizing the interpreter under a thread that is inside llama.cpp.
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Hearth")
    app.setApplicationDisplayName("Hearth")
    app.setDesktopFileName("hearth")
    app.setWindowIcon(app_icon())
    apply_system_theme(app)
    settings = settings_for_run(load_settings(), args)
    try:
        store = ChatStore(paths.database_path())
    except StoreError as error:
        QMessageBox.critical(None, "Hearth cannot open its conversations", str(error))
        return 1
    store.purge_deleted()  # what was deleted in an earlier run is gone for good now
    runner = EngineRunner(lambda: make_engine(settings.kv_cache_limit_mb))
    default = default_model_path()
    window = MainWindow(runner, store, settings, default_model=str(default) if default else None)
    window.models.probe_gpu(gpu_offload_available)
    window.show()
    QTimer.singleShot(0, window.start)
    QTimer.singleShot(0, lambda: offer_welcome(window))
    code = 1
    try:
        code = app.exec()
        return code
    finally:
        window.close()  # no-op when already closed; saves and stops the engine otherwise
        engine_closed = runner.shutdown(timeout=1.0)
        store.close()
        if exit_if_engine_stuck and not engine_closed:
            _exit_now(code)


def _exit_now(code: int) -> None:
    log.info("the engine is still inside llama.cpp; exiting without finalization")
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

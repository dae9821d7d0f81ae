"""Who hears about downloads: change listeners (progress and state, on the worker thread;
the dialog turns them into Qt signals) and model-ready listeners (a verified model is in the
models folder; the main window sets `on_model_ready` to refresh the model picker).

Ready notifications go through `call_on_main` when the UI sets it (the download dialog does),
so they run on the GUI thread; without it they run on the worker thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from app.hub.downloads.download_values import DownloadItem

log = logging.getLogger(__name__)
ChangeListener = Callable[[DownloadItem], None]
ReadyListener = Callable[[str], None]


class DownloadListeners:
    def __init__(self, on_model_ready: ReadyListener | None = None) -> None:
        self._change: list[ChangeListener] = []
        self._ready: list[ReadyListener] = []
        self.on_model_ready: ReadyListener | None = on_model_ready  # the main window's hook
        self.call_on_main: Callable[[Callable[[], None]], None] | None = None

    def add_change_listener(self, listener: ChangeListener) -> None:
        self._change.append(listener)

    def remove_change_listener(self, listener: ChangeListener) -> None:
        if listener in self._change:
            self._change.remove(listener)

    def add_ready_listener(self, listener: ReadyListener) -> None:
        self._ready.append(listener)

    def remove_ready_listener(self, listener: ReadyListener) -> None:
        if listener in self._ready:
            self._ready.remove(listener)

    def _announce_ready(self, path: str) -> None:
        listeners = [f for f in [*self._ready, self.on_model_ready] if f is not None]

        def notify() -> None:
            for listener in listeners:
                try:
                    listener(path)
                except Exception:
                    log.exception("model-ready listener failed")

        dispatch = self.call_on_main
        if dispatch is None:
            notify()
            return
        try:
            dispatch(notify)
        except RuntimeError:  # the GUI side is gone (shutting down)
            notify()

    def _changed(self, item: DownloadItem) -> None:
        for listener in list(self._change):
            try:
                listener(item)
            except Exception:
                log.exception("download listener failed")

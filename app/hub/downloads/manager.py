"""DownloadManager: the download queue, one background worker, and the list on disk.

Downloads run one at a time, in order, on a plain worker thread started when there is work
(listeners: see `app.hub.downloads.download_listeners`). Nothing here touches the network until a
download is queued or resumed; at start-up, work that was running is listed as interrupted.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from app import paths
from app.hub.downloads import download_job
from app.hub.downloads.download_listeners import DownloadListeners, ReadyListener
from app.hub.downloads.download_store import load_items, save_items
from app.hub.downloads.download_values import DownloadItem, DownloadState
from app.hub.local.machine import DISK_MARGIN, free_disk_bytes
from app.hub.local.speed import SpeedMeter
from app.hub.remote.hub_errors import DownloadCancelledError, HubError, NotEnoughDiskError
from app.hub.remote.remote_values import RemoteModel

log = logging.getLogger(__name__)
PROGRESS_INTERVAL = 0.2  # seconds between progress notifications


class DownloadManager(DownloadListeners):
    def __init__(
        self,
        target_dir: Path | None = None,
        store_path: Path | None = None,
        free_space: Callable[[Path], int] = free_disk_bytes,
        on_model_ready: ReadyListener | None = None,
    ) -> None:
        super().__init__(on_model_ready)
        self._target = target_dir or paths.models_dir()
        self._store = store_path
        self._free_space = free_space
        self._lock = threading.RLock()
        self._items: dict[str, DownloadItem] = {}
        self._thread: threading.Thread | None = None
        self._current: tuple[str, threading.Event] | None = None
        self._closed = False
        self._meter = SpeedMeter()
        self._last_note = 0.0
        for item in load_items(store_path):
            if item.state != "done":
                on_disk = download_job.bytes_on_disk(self._target, item.model)
                item = item.with_changes(downloaded_bytes=on_disk)
            self._items[item.key] = item

    # -- queries ---------------------------------------------------------------------------
    @property
    def target_dir(self) -> Path:
        return self._target

    def items(self) -> list[DownloadItem]:
        with self._lock:
            return list(self._items.values())

    def item(self, key: str) -> DownloadItem | None:
        with self._lock:
            return self._items.get(key)

    def is_busy(self) -> bool:
        with self._lock:
            return self._thread is not None

    # -- commands --------------------------------------------------------------------------
    def enqueue(self, model: RemoteModel) -> DownloadItem:
        """Queue a model. Raises NotEnoughDiskError (nothing queued) when it cannot fit."""
        with self._lock:
            existing = self._items.get(model.key)
        if existing is not None and existing.state in ("paused", "failed"):
            self.resume(model.key)
        if existing is not None and (existing.state != "done" or _still_there(existing)):
            return self._items.get(model.key, existing)
        with self._lock:
            on_disk = download_job.bytes_on_disk(self._target, model)
            self._check_disk(model.total_size - on_disk)
            item = DownloadItem(model=model, downloaded_bytes=on_disk)
            self._items.pop(model.key, None)
            self._items[model.key] = item
            self._start_worker()
        self._changed(item)
        return item

    def cancel(self, key: str) -> None:
        with self._lock:
            item = self._items.get(key)
            if item is None or item.state not in ("queued", "downloading", "verifying"):
                return
            if self._current is not None and self._current[0] == key:
                self._current[1].set()
            item = self._set(key, state="paused", speed=None, eta_seconds=None, message=None)
        self._changed(item)

    def resume(self, key: str) -> None:
        with self._lock:
            item = self._items.get(key)
            if item is None or item.state not in ("paused", "failed"):
                return
            item = self._set(key, state="queued", message=None)
            self._start_worker()
        self._changed(item)

    def remove(self, key: str) -> None:
        """Forget a download and delete its partial files (a finished model stays on disk)."""
        self.cancel(key)
        with self._lock:
            item = self._items.pop(key, None)
            self._save()
        if item is not None and item.state != "done":
            self._discard(item)

    def _discard(self, item: DownloadItem) -> None:
        try:
            download_job.discard_partials(self._target, item.model)
        except OSError as error:
            log.warning("cannot delete the partial files of %s: %s", item.key, error)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop the running download (its partial file is kept) and wait for the worker.
        Queued and running downloads are listed as interrupted at the next start."""
        with self._lock:
            self._closed = True
            current, thread = self._current, self._thread
            if current is not None:
                current[1].set()
        if thread is not None:
            thread.join(timeout)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no download is running or queued (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                thread = self._thread
            if thread is None:
                return True
            thread.join(min(0.1, max(0.0, deadline - time.monotonic())))
        return False

    # -- internals -------------------------------------------------------------------------
    def _check_disk(self, remaining: int) -> None:
        pending = sum(
            item.total_bytes - item.downloaded_bytes
            for item in self._items.values()
            if item.state in ("queued", "downloading", "verifying")
        )
        needed = remaining + pending
        free = self._free_space(self._target)
        if free < needed + DISK_MARGIN:
            raise NotEnoughDiskError(needed, free, str(self._target))

    def _set(self, key: str, **changes: object) -> DownloadItem:
        item = self._items[key].with_changes(**changes)
        self._items[key] = item
        self._save()
        return item

    def _save(self) -> None:
        try:
            save_items(self._items.values(), self._store)
        except OSError as error:
            log.warning("cannot save the download list: %s", error)

    def _start_worker(self) -> None:
        if self._thread is None and not self._closed:
            self._thread = threading.Thread(target=self._run, name="hearth-downloads", daemon=True)
            self._thread.start()

    def _next_queued(self) -> tuple[DownloadItem, threading.Event] | None:
        """Take the first queued download (marking it as downloading), or retire the worker."""
        with self._lock:
            for key, item in self._items.items():
                if item.state == "queued" and not self._closed:
                    self._current = (key, threading.Event())
                    return self._set(key, state="downloading", message=None), self._current[1]
            self._current = None
            self._thread = None
            return None

    def _run(self) -> None:
        while (job := self._next_queued()) is not None:
            self._work(*job)

    def _work(self, item: DownloadItem, cancel: threading.Event) -> None:
        key = item.key
        self._meter.reset()
        self._changed(item)
        hooks = download_job.JobHooks(
            cancel,
            lambda n: self._on_bytes(key, n),
            lambda state: self._on_phase(key, state),
            self._free_space,
        )
        try:
            path = download_job.run_download(item.model, self._target, hooks)
        except DownloadCancelledError:
            if self.item(key) is None:  # removed while running: drop what it left behind
                self._discard(item)
            self._finish(key, None, None)
        except HubError as error:
            self._finish(key, "failed", str(error))
        except Exception as error:  # a bug must not kill the queue
            log.exception("download of %s failed", key)
            self._finish(key, "failed", f"Unexpected error: {error}")
        else:
            self._finish(key, "done", None, str(path))
            self._announce_ready(str(path))

    def _finish(
        self, key: str, state: DownloadState | None, message: str | None, path: str | None = None
    ) -> None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return
            changes: dict[str, object] = {"speed": None, "eta_seconds": None}
            if path is not None:
                changes.update(path=path, downloaded_bytes=item.total_bytes)
            else:
                changes["downloaded_bytes"] = download_job.bytes_on_disk(self._target, item.model)
            if state is not None and item.state in ("downloading", "verifying"):
                changes.update(state=state, message=message)
            item = self._set(key, **changes)
        self._changed(item)

    def _on_phase(self, key: str, state: DownloadState) -> None:
        with self._lock:
            item = self._items.get(key)
            if item is None or item.state not in ("downloading", "verifying"):
                return
            item = self._set(key, state=state)
        self._changed(item)

    def _on_bytes(self, key: str, count: int) -> None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return
            done = max(0, item.downloaded_bytes + count)
            self._meter.add(done)
            remaining = item.total_bytes - done
            item = item.with_changes(
                downloaded_bytes=done,
                speed=self._meter.speed(),
                eta_seconds=self._meter.eta(remaining),
            )
            self._items[key] = item
            now = time.monotonic()
            if now - self._last_note < PROGRESS_INTERVAL:
                return
            self._last_note = now
        self._changed(item)


def _still_there(item: DownloadItem) -> bool:
    return item.path is not None and Path(item.path).is_file()

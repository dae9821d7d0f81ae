"""Operation: work off the GUI thread, success and failure back on it."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.ui.common.operation import Operation, operation_relay


def test_operation_runs_off_the_gui_thread_and_succeeds_on_it(qtbot: QtBot) -> None:
    ran_on: list[str] = []
    got: list[tuple[int, str]] = []

    def work() -> int:
        ran_on.append(threading.current_thread().name)
        return 42

    operation = Operation(
        parent=None,
        operation=work,
        success=lambda value: got.append((value, threading.current_thread().name)),
    )
    with qtbot.waitSignal(operation_relay().delivered, timeout=5000):
        operation.run_in_background(name="hearth-test-op")
    assert ran_on == ["hearth-test-op"]
    assert got == [(42, threading.main_thread().name)]


def test_failure_goes_to_the_handler_or_to_a_warning_box_over_the_parent(qtbot: QtBot) -> None:
    def fail() -> int:
        raise ValueError("the Hub said no")

    errors: list[Exception] = []
    with qtbot.waitSignal(operation_relay().delivered, timeout=5000):
        Operation(
            parent=None, operation=fail, success=lambda _v: None, failure=errors.append
        ).run_in_background()
    assert [str(e) for e in errors] == ["the Hub said no"]

    parent = QWidget()
    qtbot.addWidget(parent)
    with qtbot.waitSignal(operation_relay().delivered, timeout=5000):
        Operation(parent=parent, operation=fail, success=lambda _v: None).run_in_background()
    box = parent.findChild(QMessageBox, "operation_error_box")
    assert box is not None and box.text() == "the Hub said no"


def test_nothing_is_delivered_to_a_deleted_parent_or_for_a_cancelled_future(
    qtbot: QtBot,
) -> None:
    got: list[int] = []
    parent = QWidget()
    gate = threading.Event()
    Operation(
        parent=parent, operation=lambda: gate.wait(5) and 1, success=got.append
    ).run_in_background()
    parent.deleteLater()
    qtbot.waitUntil(lambda: not _alive(parent), timeout=5000)
    with qtbot.waitSignal(operation_relay().delivered, timeout=5000):
        gate.set()
    cancelled: Future[int] = Future()
    Operation(parent=None, success=got.append).follow(cancelled)
    with qtbot.waitSignal(operation_relay().delivered, timeout=5000):
        cancelled.cancel()
    assert got == []


def test_run_on_an_executor_and_progress_arrive_in_order(qtbot: QtBot) -> None:
    progress: list[int] = []
    got: list[str] = []
    executor = ThreadPoolExecutor(1, thread_name_prefix="hearth-test-executor")

    def work() -> str:
        for step in range(3):
            operation.report(step)
        return threading.current_thread().name

    operation = Operation(parent=None, operation=work, success=got.append)
    operation.with_progress(progress.append)
    with qtbot.waitSignal(operation_relay().delivered, timeout=5000):
        operation.run_on(executor.submit)
    executor.shutdown()
    assert progress == [0, 1, 2]
    assert got and got[0].startswith("hearth-test-executor")


def _alive(widget: QWidget) -> bool:
    import shiboken6

    return bool(shiboken6.isValid(widget))

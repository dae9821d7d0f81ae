"""A small, copyable report of an unexpected error, shown in the window while Hearth runs on.

`ErrorReportRelay.report` may be emitted from any thread (the exception hooks do); Qt queues
it to the GUI thread, where the panel shows the newest report and counts the others.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class ErrorReportRelay(QObject):
    report = Signal(str)


class ErrorReportPanel(QFrame):
    def __init__(self, log_file: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("error_report")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.count = 0
        where = f" Details are in the log: {log_file}" if log_file else ""
        self._where = where
        self.title = QLabel(self)
        self.title.setObjectName("error_report_title")
        self.title.setWordWrap(True)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("error_report_text")
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Error report")
        self.text.setMaximumHeight(120)
        self.copy_button = QPushButton("Copy report", self)
        self.copy_button.setObjectName("error_report_copy")
        self.copy_button.setAccessibleName("Copy report")
        self.copy_button.clicked.connect(self.copy)
        self.close_button = QPushButton("Close", self)
        self.close_button.setObjectName("error_report_close")
        self.close_button.setAccessibleName("Close the error report")
        self.close_button.clicked.connect(self.hide)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.close_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 4, 8, 4)
        column.addWidget(self.title)
        column.addWidget(self.text)
        column.addLayout(buttons)
        self.hide()

    def show_report(self, report: str) -> None:
        self.count += 1
        more = f" ({self.count} so far)" if self.count > 1 else ""
        self.title.setText(
            "Something went wrong inside Hearth; it keeps running"
            f"{more}. Copy this report if you want to tell us.{self._where}"
        )
        self.text.setPlainText(report)
        self.show()

    def copy(self) -> None:
        QApplication.clipboard().setText(self.text.toPlainText())

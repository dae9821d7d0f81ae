"""Reading what a widget shows, by objectName."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def label_text(widget: QWidget, name: str) -> str:
    """The text of the QLabel named `name` inside `widget`; fails when there is none."""
    found = widget.findChild(QLabel, name)
    assert found is not None, name
    return str(found.text())

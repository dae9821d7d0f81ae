"""Fixtures for the UI tests: a window factory, and an Inspector over a stand-in measurement."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.ui.panels.inspector_panel import InspectorPanel
from tests.ui.inspector_helpers import FakeMeasure
from tests.ui.window_helpers import make_window

__all__ = ["make_window"]


@pytest.fixture
def measure() -> FakeMeasure:
    return FakeMeasure()


@pytest.fixture
def inspector(qtbot: QtBot, measure: FakeMeasure) -> InspectorPanel:
    widget = InspectorPanel(measure=measure)
    qtbot.addWidget(widget)
    return widget

"""The Inspector's widgets, built from inspector_text.SECTIONS; no behaviour here."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.ui.common import format as fmt
from app.ui.panels import inspector_text as text
from app.ui.panels.inspector_timeline import TimelineBar
from app.ui.panels.inspector_tokens import PromptTokensView
from app.ui.panels.sparkline import Sparkline

SHOW_TOKENS = "Show the prompt's tokens"
HIDE_TOKENS = "Hide the tokens"
CHART_ROWS = ("insp_history_ttft", "insp_history_decode")


class InspectorWidgets:
    """Every widget the panel updates, built inside `panel` (in a scroll area)."""

    def __init__(self, panel: QWidget) -> None:
        self.labels: dict[str, QLabel] = {}
        self.charts: dict[str, Sparkline] = {}
        content = QWidget(panel)
        column = QVBoxLayout(content)
        for title, rows in text.SECTIONS.items():
            column.addWidget(self._section(title, rows, content))
        column.addStretch(1)
        scroll = QScrollArea(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        outer = QVBoxLayout(panel)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _section(self, title: str, rows: dict[str, tuple[str, str]], parent: QWidget) -> QGroupBox:
        box = QGroupBox(title, parent)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if title == "This reply":
            self.timeline = TimelineBar(box)
            form.addRow(self.timeline)
        for name, (caption, tip) in rows.items():
            form.addRow(_caption(name, caption, tip, box), self._value(name, tip, box))
            if name in CHART_ROWS:
                form.addRow(self._chart(name, caption, tip, box))
        if title == "Prompt":
            self._tokens_area(box, form)
        if title == "Speed against this machine":
            self.measure_button = _button("insp_measure", "Measure again", box)
            self.measure_button.setToolTip("Measure this machine's memory speed again.")
            form.addRow(self.measure_button)
        return box

    def _value(self, name: str, tip: str, parent: QWidget) -> QLabel:
        label = QLabel(fmt.UNKNOWN, parent)
        label.setObjectName(name)
        label.setAccessibleName(text.ROWS[name][0])
        label.setToolTip(tip)
        label.setWordWrap(True)
        self.labels[name] = label
        return label

    def _chart(self, name: str, caption: str, tip: str, parent: QWidget) -> Sparkline:
        chart = Sparkline(parent)
        chart.setObjectName(f"{name}_chart")
        chart.setAccessibleName(f"{caption} over the turns of this conversation")
        chart.setToolTip(tip)
        self.charts[name] = chart
        return chart

    def _tokens_area(self, box: QWidget, form: QFormLayout) -> None:
        self.tokens_button = _button("insp_show_tokens", SHOW_TOKENS, box)
        self.tokens_button.setToolTip("See the last prompt as the model reads it, token by token.")
        self.tokens_status = QLabel("", box)
        self.tokens_status.setObjectName("insp_tokens_status")
        self.tokens_status.setWordWrap(True)
        self.tokens_view = PromptTokensView(box)
        self.tokens_view.hide()
        form.addRow(self.tokens_button)
        form.addRow(self.tokens_status)
        form.addRow(self.tokens_view)


def _caption(name: str, caption: str, tip: str, parent: QWidget) -> QLabel:
    phase = next((p for p, row in text.PHASE_ROWS.items() if row == name), None)
    swatch = f'<span style="color:{text.PHASE_COLORS[phase]}">■</span> ' if phase else ""
    label = QLabel(swatch + caption, parent)
    label.setToolTip(tip)
    return label


def _button(name: str, caption: str, parent: QWidget) -> QPushButton:
    button = QPushButton(caption, parent)
    button.setObjectName(name)
    button.setAccessibleName(caption)
    return button

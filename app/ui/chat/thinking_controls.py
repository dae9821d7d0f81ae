"""ThinkingControls: the open conversation's thinking switch, effort and budget.

One row under the transcript. It shows what the loaded model supports (its thinking
format decides which controls mean something) and reports each change as
`changed(mode, effort, budget)`; the window saves it in the open conversation only.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from app.chat.values import GenerationParams

MODES = (("auto", "Thinking: model default"), ("on", "Thinking: on"), ("off", "Thinking: off"))
EFFORTS = (("low", "Effort: low"), ("medium", "Effort: medium"), ("high", "Effort: high"))
BUDGET_MAX = 32768


class ThinkingControls(QWidget):
    changed = Signal(str, str, int)  # mode, effort, budget (0: no limit)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("thinking_controls")
        self.setAccessibleName("Thinking controls for this conversation")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.mode = self._combo("thinking_mode", MODES, "Let the model think before it answers")
        self.effort = self._combo("thinking_effort", EFFORTS, "How long gpt-oss models reason")
        self.budget = QSpinBox(self)
        self.budget.setObjectName("thinking_budget")
        self.budget.setAccessibleName("Thinking budget in tokens")
        self.budget.setRange(0, BUDGET_MAX)
        self.budget.setSingleStep(256)
        self.budget.setSpecialValueText("Budget: none")
        self.budget.setPrefix("Budget: ")
        self.budget.setSuffix(" tokens")
        self.budget.setToolTip(
            "After this many tokens of thinking Hearth closes the thinking so the model answers"
        )
        self.note = QLabel(self)
        self.note.setObjectName("thinking_note")
        for widget in (self.mode, self.effort, self.budget, self.note):
            row.addWidget(widget)
        row.addStretch(1)
        self.mode.currentIndexChanged.connect(self._emit)
        self.effort.currentIndexChanged.connect(self._emit)
        self.budget.valueChanged.connect(self._emit)
        self._showing = False

    def _combo(self, name: str, items: tuple[tuple[str, str], ...], tip: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setAccessibleName(tip)
        combo.setToolTip(tip)
        for value, label in items:
            combo.addItem(label, value)
        return combo

    def show_params(self, params: GenerationParams) -> None:
        """Show a conversation's values without reporting them as a change."""
        self._showing = True
        try:
            self.mode.setCurrentIndex(max(0, self.mode.findData(params.thinking)))
            self.effort.setCurrentIndex(max(0, self.effort.findData(params.reasoning_effort)))
            self.budget.setValue(params.thinking_budget)
        finally:
            self._showing = False

    def show_model(self, switch: str | None, label: str) -> None:
        """What the loaded model supports: `switch` is its ThinkingFormat.switch or None."""
        self.setVisible(switch is not None)
        self.mode.setEnabled(switch in ("enable_thinking", "system_flags", "none"))
        self.effort.setVisible(switch == "effort")
        self.note.setText(label)

    def _emit(self, *_args: object) -> None:
        if not self._showing:
            self.changed.emit(
                str(self.mode.currentData()), str(self.effort.currentData()), self.budget.value()
            )


def thinking_label(switch: str) -> str:
    """How the loaded model's thinking is controlled, in words."""
    return {
        "enable_thinking": "switched through the template (enable_thinking)",
        "system_flags": "switched with /think and /no_think",
        "effort": "gpt-oss: always reasons; choose the effort",
        "none": "always thinks; off writes an empty thinking block",
    }.get(switch, "")

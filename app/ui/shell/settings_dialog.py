"""The settings form: system prompt, sampling, reply length, context, threads, GPU layers,
appearance, and how documents are searched (the built-in WordLlama or an embedding GGUF).

Spin boxes carry the valid ranges, so most mistakes cannot be typed; the one rule that
spans two fields (a reply must leave room in the context) is checked live and disables OK.
`settings()` returns a new Settings; fields the form does not show are kept as they were.
Open it with `open()` and read `settings()` on `accepted` (no `exec()` under qasync).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.settings import Settings
from app.ui.common.theme import ERROR_COLOR

TEMPERATURE_RANGE = (0.0, 2.0)
TOP_P_RANGE = (0.05, 1.0)
TOP_K_RANGE = (0, 1000)  # 0 = no top-k limit
REPEAT_PENALTY_RANGE = (1.0, 2.0)
MAX_TOKENS_RANGE = (16, 32768)
CONTEXT_RANGE = (512, 131072)
GPU_LAYERS_RANGE = (-1, 999)  # -1 = every layer
THEME_CHOICES = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))
MIN_PROMPT_ROOM = 256  # tokens the context keeps free for the prompt besides the reply
BUILT_IN_EMBEDDER = "Built-in: WordLlama (offline, no download)"

_APPLIES = " Applies when a model is loaded."
# field name (objectName "settings_<name>") -> (caption and accessible name, tooltip)
FIELD_TEXT: dict[str, tuple[str, str]] = {
    "system_prompt": ("System prompt", "Instructions the model reads before every conversation."),
    "temperature": (
        "Temperature",
        "Higher values make replies more varied, lower values more predictable.",
    ),
    "top_p": (
        "Top-p",
        "The model picks only from the most likely words that add up to this share.",
    ),
    "top_k": (
        "Top-k",
        "The model picks only from this many most likely words (off: no limit).",
    ),
    "repeat_penalty": (
        "Repeat penalty",
        "Values above 1 discourage the model from repeating itself.",
    ),
    "max_tokens": ("Max reply tokens", "The longest reply the model may write, in tokens."),
    "context_length": (
        "Context length",
        "How many tokens of the conversation the model keeps in mind; more uses more memory."
        + _APPLIES,
    ),
    "threads": ("Threads", "How many processor threads generate the reply." + _APPLIES),
    "gpu_layers": (
        "GPU layers",
        "How many of the model's layers run on the graphics card (all: every layer)." + _APPLIES,
    ),
    "theme": ("Appearance", "Light or dark colours, or follow the system's choice."),
    "thinking_open": (
        "Keep thinking open",
        "A reasoning model's thinking stays open after its answer starts instead of folding.",
    ),
    "documents_embedder": (
        "Document search",
        "How passages of your documents become vectors for search: the built-in WordLlama, or "
        "an embedding model (GGUF) on this machine, run by llama.cpp. Changing it embeds your "
        "documents again, in the background.",
    ),
}

NO_GPU_EXPLANATION = (
    "This build of llama.cpp has no GPU support, so the model runs on the processor only."
)


def _double(lo: float, hi: float, step: float, decimals: int = 2) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    return box


def _integer(lo: int, hi: int, step: int = 1) -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setGroupSeparatorShown(True)
    return box


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        gpu_offload_available: bool,
        parent: QWidget | None = None,
        embedding_models: Sequence[tuple[str, str]] = (),
    ) -> None:
        """`embedding_models`: (label, path) of the embedding GGUFs found on this machine."""
        super().__init__(parent)
        self.setObjectName("settings_dialog")
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self._original = settings
        self._embedding_models = tuple(embedding_models)
        self._gpu_available = gpu_offload_available
        self._fields: dict[str, QWidget] = {}
        self._build()
        self._show(settings)

    # -- public API ------------------------------------------------------------------
    def settings(self) -> Settings:
        """A new Settings from the form (read after `accepted`)."""
        base = self._original
        generation = replace(
            base.generation,
            temperature=round(self._temperature.value(), 2),
            top_p=round(self._top_p.value(), 2),
            top_k=self._top_k.value(),
            repeat_penalty=round(self._repeat_penalty.value(), 2),
            max_tokens=self._max_tokens.value(),
        )
        gpu_layers = self._gpu_layers.value() if self._gpu_available else base.load.n_gpu_layers
        load = replace(
            base.load,
            n_ctx=self._context.value(),
            n_threads=self._threads.value(),
            n_gpu_layers=gpu_layers,
        )
        prompt = self._system_prompt.toPlainText().strip()
        return base.with_changes(
            system_prompt=prompt,
            generation=generation,
            load=load,
            thinking_open=self._thinking_open.isChecked(),
            theme=self._theme.currentData() or "system",
            documents_embedder=self._embedder.currentData() or "",
        )

    def problem(self) -> str:
        """Why the form cannot be accepted as it stands ("" when it can)."""
        room = self._context.value() - self._max_tokens.value()
        if room < MIN_PROMPT_ROOM:
            return (
                f"Max reply tokens must be at least {MIN_PROMPT_ROOM} below the context "
                "length, or there is no room left for the conversation."
            )
        return ""

    # -- building --------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self._make_fields()
        widgets = self._widgets()
        self._gpu_note = QLabel(NO_GPU_EXPLANATION, self)
        self._gpu_note.setObjectName("settings_gpu_note")
        self._gpu_note.setWordWrap(True)
        for name, (caption, tip) in FIELD_TEXT.items():
            widget = widgets[name]
            widget.setObjectName(f"settings_{name}")
            widget.setAccessibleName(caption)
            widget.setToolTip(tip)
            self._fields[name] = widget
            label = QLabel(caption, self)
            label.setBuddy(widget)
            form.addRow(label, widget)
            if name == "gpu_layers" and not self._gpu_available:
                form.addRow("", self._gpu_note)  # why the field is off, right under it
        if not self._gpu_available:
            self._gpu_layers.setEnabled(False)
            self._gpu_layers.setToolTip(NO_GPU_EXPLANATION)
        else:
            self._gpu_note.hide()
        layout.addLayout(form)
        layout.addWidget(self._build_problem_label())
        layout.addWidget(self._build_buttons())
        self._max_tokens.valueChanged.connect(self._on_field_changed)
        self._context.valueChanged.connect(self._on_field_changed)

    def _make_fields(self) -> None:
        self._system_prompt = QPlainTextEdit(self)
        self._system_prompt.setTabChangesFocus(True)
        self._system_prompt.setMinimumHeight(80)
        self._temperature = _double(*TEMPERATURE_RANGE, step=0.05)
        self._top_p = _double(*TOP_P_RANGE, step=0.05)
        self._top_k = _integer(*TOP_K_RANGE)
        self._top_k.setSpecialValueText("off")
        self._repeat_penalty = _double(*REPEAT_PENALTY_RANGE, step=0.05)
        self._max_tokens = _integer(*MAX_TOKENS_RANGE, step=64)
        self._context = _integer(*CONTEXT_RANGE, step=256)
        self._threads = _integer(1, max(os.cpu_count() or 1, 1))
        self._gpu_layers = _integer(*GPU_LAYERS_RANGE)
        self._gpu_layers.setSpecialValueText("all")
        self._thinking_open = QCheckBox(self)
        self._theme = QComboBox(self)
        for mode, text in THEME_CHOICES:
            self._theme.addItem(text, mode)
        self._embedder = QComboBox(self)
        self._embedder.addItem(BUILT_IN_EMBEDDER, "")
        for label, path in self._embedding_models:
            self._embedder.addItem(label, path)

    def _widgets(self) -> dict[str, QWidget]:
        return {
            "system_prompt": self._system_prompt,
            "temperature": self._temperature,
            "top_p": self._top_p,
            "top_k": self._top_k,
            "repeat_penalty": self._repeat_penalty,
            "max_tokens": self._max_tokens,
            "context_length": self._context,
            "threads": self._threads,
            "gpu_layers": self._gpu_layers,
            "thinking_open": self._thinking_open,
            "theme": self._theme,
            "documents_embedder": self._embedder,
        }

    def _build_problem_label(self) -> QLabel:
        self._problem = QLabel()
        self._problem.setObjectName("settings_problem")
        self._problem.setWordWrap(True)
        self._problem.setStyleSheet(f"color: {ERROR_COLOR};")
        self._problem.hide()
        return self._problem

    def _build_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.setObjectName("settings_buttons")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.clicked.connect(self._on_buttons_clicked)
        self._buttons = buttons
        for standard, name in (
            (QDialogButtonBox.StandardButton.Ok, "OK"),
            (QDialogButtonBox.StandardButton.Cancel, "Cancel"),
            (QDialogButtonBox.StandardButton.RestoreDefaults, "Defaults"),
        ):
            button = buttons.button(standard)
            button.setObjectName(f"settings_{name.lower()}_button")
            button.setAccessibleName(name)
        return buttons

    def _show(self, settings: Settings) -> None:
        generation, load = settings.generation, settings.load
        self._system_prompt.setPlainText(settings.system_prompt)
        self._temperature.setValue(generation.temperature)
        self._top_p.setValue(generation.top_p)
        self._top_k.setValue(generation.top_k)
        self._repeat_penalty.setValue(generation.repeat_penalty)
        self._max_tokens.setValue(generation.max_tokens)
        self._context.setValue(load.n_ctx)
        self._threads.setValue(load.n_threads)
        self._gpu_layers.setValue(load.n_gpu_layers)
        self._thinking_open.setChecked(settings.thinking_open)
        self._theme.setCurrentIndex(max(0, self._theme.findData(settings.theme)))
        self._show_embedder(settings.documents_embedder)
        self._on_field_changed()

    def _show_embedder(self, path: str) -> None:
        """Select the chosen embedder; one no longer found is listed, marked, to keep or change."""
        row = self._embedder.findData(path)
        if row < 0:
            self._embedder.addItem(f"{Path(path).name} (not found)", path)
            row = self._embedder.count() - 1
        self._embedder.setCurrentIndex(row)

    # -- reactions -------------------------------------------------------------------
    def _on_field_changed(self, *_args: object) -> None:
        problem = self.problem()
        self._problem.setText(problem)
        self._problem.setVisible(bool(problem))
        self._buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def _on_buttons_clicked(self, button: QAbstractButton) -> None:
        role = self._buttons.buttonRole(button)
        if role == QDialogButtonBox.ButtonRole.ResetRole:
            self._show(Settings())

    def accept(self) -> None:
        if self.problem():
            return
        super().accept()

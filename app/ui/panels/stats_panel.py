"""The live stats panel: model, state, speeds, context meter, memory, a tokens/s sparkline.

Event handlers only record numbers; labels are rewritten by `_render_turn`, which state
changes call at once and token events schedule on a single-shot timer (at most ~4 Hz),
so a reply of thousands of tokens costs a handful of repaints. Memory (process RSS via
psutil) refreshes once a second while the panel is visible.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import psutil
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QHideEvent, QPalette, QShowEvent
from PySide6.QtWidgets import QFrame, QLabel, QProgressBar, QScrollArea, QVBoxLayout, QWidget

from app.chat.events import PromptEvaluated, PromptProgress, TokensReceived, TurnFinished, TurnStats
from app.chat.progress_text import duration_text
from app.chat.remote import display_name
from app.chat.values import ModelInfo
from app.ui.common import format as fmt
from app.ui.common.theme import ERROR_COLOR, WARNING_COLOR
from app.ui.panels.sparkline import ReplyMeter, Sparkline
from app.ui.panels.stat_cards import HEADLINE, STAT_CARDS, caption, headline, stat_card
from app.ui.panels.thinking_meter import ThinkingMeter

STATE_NO_MODEL = "no model"
STATE_LOADING = "loading"
STATE_READING = "reading prompt"
STATE_GENERATING = "generating"
STATE_IDLE = "idle"

# A remote reply's figures carry their source (TurnStats.sources), shown short after the value.
SOURCE_FIGURES = {
    "stat_ttft": "ttft_s",
    "stat_prompt_tokens": "evaluated_tokens",
    "stat_cached_tokens": "cached_tokens",
    "stat_prefill_rate": "prefill_tps",
    "stat_decode_rate": "decode_tps",
    "stat_generated": "generated_tokens",
}
SOURCE_TAGS = {"server usage": "server", "server timings": "server", "client clock": "here"}

RENDER_INTERVAL_MS = 250
MEMORY_INTERVAL_MS = 1000
CONTEXT_WARNING_FRACTION = 0.85

# objectName -> (caption, one-sentence tooltip); the caption is also the accessible name.
STAT_ROWS: dict[str, tuple[str, str]] = {
    "stat_model": ("Model", "The language model that answers your messages."),
    "stat_model_details": (
        "Size",
        "The model's parameter count, quantization, file size and trained context.",
    ),
    "stat_backend": (
        "Runs on",
        "Whether the model runs on the processor (CPU) or a graphics card.",
    ),
    "stat_load_time": ("Load time", "How long loading the model into memory took."),
    "stat_state": (
        "State",
        "What the model is doing now: loading, reading the prompt, generating or idle.",
    ),
    "stat_ttft": ("First token", "Time from sending a message until the reply's first word."),
    "stat_prompt_tokens": (
        "Prompt read",
        "How many prompt tokens the model had to read for this reply.",
    ),
    "stat_cached_tokens": (
        "Reused",
        "How many prompt tokens were reused from earlier turns instead of re-read.",
    ),
    "stat_prefill_rate": ("Reading speed", "How fast the model read the prompt, in tokens/s."),
    "stat_decode_rate": ("Writing speed", "How fast the reply is written, in tokens per second."),
    "stat_generated": ("Tokens written", "How many tokens the reply has so far."),
    "stat_thinking": (
        "Thinking",
        "A reasoning model's thinking before its answer: tokens, time and tokens/s.",
    ),
    "stat_answer_ttft": (
        "Answer after",
        "Time from sending until the answer's first word, after the thinking.",
    ),
    "stat_context": ("Context", "How much of the model's context window this conversation fills."),
    "stat_memory": ("Memory", "How much memory Hearth uses right now, the model included."),
}


class StatsPanel(QWidget):
    """objectName "stats_panel". Fed by the main window from the engine's events."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stats_panel")
        self.setAccessibleName("Statistics")
        self.setMinimumWidth(220)
        self.render_count = 0  # how often the turn numbers were rewritten (tests count it)
        self._info: ModelInfo | None = None
        self._state = STATE_NO_MODEL
        self._reply = ReplyMeter()
        self._thinking = ThinkingMeter()
        self._process = psutil.Process()
        self._labels: dict[str, QLabel] = {}
        self._cards: dict[str, QFrame] = {}
        self._build()
        self._render_timer = self._make_timer(RENDER_INTERVAL_MS, self._render_turn, single=True)
        self._memory_timer = self._make_timer(MEMORY_INTERVAL_MS, self._render_memory)
        self._render_turn()

    # -- public API ------------------------------------------------------------------
    def set_loading(self, path: str) -> None:
        self._state = STATE_LOADING
        self._set("stat_model", f"Loading {display_name(path)}…")
        self._show_message("")
        self._render_turn()

    def set_model(self, info: ModelInfo | None) -> None:
        self._info = info
        self._state = STATE_IDLE if info else STATE_NO_MODEL
        self._reply.reset()
        self._show_message("")
        self._render_model()
        self._render_turn()

    def set_load_failed(self, message: str) -> None:
        self._state = STATE_IDLE if self._info else STATE_NO_MODEL
        self._render_model()
        self._show_message(f"Could not load the model: {message}", ERROR_COLOR)
        self._render_turn()

    def turn_started(self) -> None:
        self._reply.start(time.perf_counter())
        self._thinking.start(time.perf_counter())
        self._state = STATE_READING
        self._show_message("")
        self._render_turn()

    def prompt_progress(self, event: PromptProgress) -> None:
        """Reading a long prompt: percent done and the time left at the rate so far."""
        state = f"{STATE_READING} {int(event.fraction * 100)}%"
        left = event.seconds_left
        self._state = state if left is None else f"{state}, about {duration_text(left)} left"
        self._render_turn()

    def prompt_evaluated(self, event: PromptEvaluated) -> None:
        self._reply.prompt = event
        self._state = STATE_GENERATING
        if event.dropped_turns:
            turns = "turn" if event.dropped_turns == 1 else "turns"
            self._show_message(
                f"The context was full: {event.dropped_turns} old {turns} left out.", WARNING_COLOR
            )
        self._render_turn()

    def tokens_received(self, event: TokensReceived) -> None:
        """Cheap: records numbers and makes sure a repaint is scheduled."""
        self._reply.tokens(event, time.perf_counter())
        self._thinking.tokens(event, time.perf_counter())
        if not self._render_timer.isActive():
            self._render_timer.start()

    def turn_finished(self, event: TurnFinished) -> None:
        self._reply.finish(event.stats)
        self._thinking.finish(event.stats)
        self._state = STATE_IDLE
        if event.error:
            self._show_message(f"The reply stopped with an error: {event.error}", ERROR_COLOR)
        self._render_timer.stop()
        self._render_turn()

    @property
    def state(self) -> str:
        return self._state

    @property
    def last_stats(self) -> TurnStats | None:
        """The final numbers of the last finished reply (None while one is running)."""
        return self._reply.final

    def sparkline(self) -> Sparkline:
        return self._sparkline

    def context_warning(self) -> bool:
        return bool(self._context_bar.property("warning"))

    # -- building --------------------------------------------------------------------
    def _build(self) -> None:
        layout = self._scrolling_column()
        for title, names in STAT_CARDS:
            card, form = stat_card(self, title)
            self._cards[title] = card
            for name in names:
                caption_text, tip = STAT_ROWS[name]
                label = QLabel(fmt.UNKNOWN, card)
                label.setObjectName(name)
                label.setAccessibleName(caption_text)
                label.setToolTip(tip)
                label.setWordWrap(name in ("stat_model", "stat_model_details"))
                if name in HEADLINE:
                    headline(label)
                self._labels[name] = label
                form.addRow(caption(card, caption_text, tip), label)
                if name == "stat_generated":
                    self._sparkline = Sparkline(card)
                    form.addRow(self._sparkline)
                if name == "stat_context":
                    self._context_bar = self._make_context_bar()
                    form.addRow(self._context_bar)
            layout.addWidget(card)
        self._message = QLabel("", self)
        self._message.setObjectName("stat_message")
        self._message.setAccessibleName("Stats message")
        self._message.setWordWrap(True)
        self._message.hide()
        layout.addWidget(self._message)
        layout.addStretch(1)

    def _scrolling_column(self) -> QVBoxLayout:
        """The cards scroll in a short window instead of making it taller."""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setObjectName("stats_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget(scroll)
        scroll.setWidget(inner)
        scroll.viewport().setAutoFillBackground(False)
        outer.addWidget(scroll)
        column = QVBoxLayout(inner)
        column.setSpacing(8)
        return column

    def _make_context_bar(self) -> QProgressBar:
        bar = QProgressBar(self)
        bar.setObjectName("stat_context_meter")
        bar.setAccessibleName("Context used")
        bar.setToolTip(STAT_ROWS["stat_context"][1])
        bar.setTextVisible(False)
        bar.setMaximumHeight(10)
        bar.setRange(0, 1)
        bar.setValue(0)
        bar.setProperty("warning", False)
        return bar

    def _make_timer(self, interval_ms: int, slot: object, single: bool = False) -> QTimer:
        timer = QTimer(self)
        timer.setInterval(interval_ms)
        timer.setSingleShot(single)
        timer.timeout.connect(slot)
        return timer

    # -- rendering -------------------------------------------------------------------
    def _set(self, name: str, text: str) -> None:
        label = self._labels[name]
        if label.text() != text:
            label.setText(text)

    def _show_message(self, text: str, color: str = "") -> None:
        self._message.setText(text)
        self._message.setStyleSheet(f"color: {color};" if color else "")
        self._message.setVisible(bool(text))

    def _render_model(self) -> None:
        info = self._info
        if info is None:
            for name in ("stat_model", "stat_model_details", "stat_backend", "stat_load_time"):
                self._set(name, fmt.UNKNOWN)
            return
        self._set("stat_model", info.name)
        details = fmt.format_model_details(
            info.parameter_count, info.quantization, info.file_size, info.trained_context
        )
        self._set("stat_model_details", details or fmt.UNKNOWN)
        backend = info.backend or "CPU"
        if info.gpu_layers and backend != "CPU":
            backend += f" ({info.gpu_layers} of {info.n_layer or '?'} layers)"
        self._set("stat_backend", backend)
        self._set("stat_load_time", fmt.format_seconds(info.load_seconds))

    def _render_turn(self) -> None:
        self.render_count += 1
        shown = self._reply.numbers(self._info.context_size if self._info else 0)
        self._set("stat_state", self._state)
        sources = dict(self._reply.final.sources) if self._reply.final else {}
        figure = self._figure_setter(sources)
        figure("stat_ttft", fmt.format_seconds(shown.ttft_s))
        figure("stat_prompt_tokens", fmt.format_count(shown.evaluated))
        figure("stat_cached_tokens", fmt.format_count(shown.cached))
        figure("stat_prefill_rate", fmt.format_rate(shown.prefill_tps))
        figure("stat_decode_rate", fmt.format_rate(shown.decode_tps))
        figure("stat_generated", fmt.format_count(shown.generated))
        thinking, answer_after = self._thinking.texts()
        # The Thinking card is for models that think (or a reply that did), not a row of "–"
        thinks = bool(self._info and self._info.thinking_format) or self._thinking.seen
        self._cards["Thinking"].setVisible(thinks)
        self._set("stat_thinking", thinking)
        self._set("stat_answer_ttft", answer_after)
        self._render_context(shown.context_used, shown.context_size)
        self._sparkline.set_values(self._reply.sampler.rates)

    def _figure_setter(self, sources: dict[str, str]) -> Callable[[str, str], None]:
        """Set a figure's text; a remote reply's figures say where they come from."""

        def put(name: str, text: str) -> None:
            source = sources.get(SOURCE_FIGURES[name])
            label, tip = self._labels[name], STAT_ROWS[name][1]
            tip = f"{tip}\nSource: {source}." if source else tip
            if label.toolTip() != tip:
                label.setToolTip(tip)
            if source and text != fmt.UNKNOWN:
                text = f"{text} · {SOURCE_TAGS.get(source, source)}"
            self._set(name, text)

        return put

    def _render_context(self, used: int, size: int) -> None:
        if size <= 0:
            self._set("stat_context", fmt.UNKNOWN)
            self._context_bar.setRange(0, 1)
            self._context_bar.setValue(0)
        else:
            self._set("stat_context", f"{used:,} / {size:,} ({fmt.format_percent(used, size)})")
            self._context_bar.setRange(0, size)
            self._context_bar.setValue(min(used, size))
        warning = size > 0 and used >= CONTEXT_WARNING_FRACTION * size
        if warning != self.context_warning():
            self._context_bar.setProperty("warning", warning)
            palette = QPalette()  # empty resolve mask: inherit everything again
            if warning:
                palette = self._context_bar.palette()
                palette.setColor(QPalette.ColorRole.Highlight, QColor(WARNING_COLOR))
            self._context_bar.setPalette(palette)

    def _render_memory(self) -> None:
        try:
            rss = self._process.memory_info().rss
        except psutil.Error:
            rss = None
        self._set("stat_memory", fmt.format_bytes(rss))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._render_memory()
        self._memory_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._memory_timer.stop()
        super().hideEvent(event)

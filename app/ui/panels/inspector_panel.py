"""InspectorPanel: why a reply was fast or slow, measured, for the reply and the model.

Per reply: a timeline (load, prompt, decode, app overhead), the prompt's tokens (reused vs
read, and the tokens themselves on demand), the KV cache and what happens when it fills,
and decode speed against this machine's memory bandwidth. Per model: quantization. Per
conversation: time to first token and decode speed over the turns. The numbers come from
app.inspect; this widget only shows them and runs the two background jobs (bandwidth,
prompt tokens) as `Operation`s, where InspectorJobs says. It changes only when a reply
finishes or the model changes, never per token.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from app.chat.context_policy import reply_reserve
from app.chat.events import TurnFinished, TurnStats
from app.chat.values import GenerationParams, Message, ModelInfo
from app.engine.runner import EngineRunner
from app.inspect import figures
from app.inspect.bandwidth import BandwidthMeasurement, measure_bandwidth
from app.inspect.forecast import OverflowForecast, forecast_overflow
from app.inspect.history import TurnHistory, stats_from_json
from app.inspect.prompt import prompt_as_sent
from app.session.values import engine_messages
from app.store import StoredMessage
from app.ui.common import format as fmt
from app.ui.common.operation import Operation
from app.ui.panels import inspector_text as text
from app.ui.panels.inspector_jobs import InspectorJobs
from app.ui.panels.inspector_layout import HIDE_TOKENS, SHOW_TOKENS, InspectorWidgets
from app.ui.panels.inspector_remote import TOKENS_NOTE, remote_texts
from app.ui.panels.inspector_timeline import TimelineBar
from app.ui.panels.inspector_tokens import PromptTokensView
from app.ui.panels.sparkline import Sparkline


def prompt_for_reply(
    stored: Sequence[StoredMessage], system_prompt: str, reply_id: int | None = None
) -> list[Message]:
    """What the reply `reply_id` answered: the system prompt and the messages before it
    (all of `stored` when `reply_id` is None or not found), as the session sends them."""
    index = next((i for i, m in enumerate(stored) if m.id == reply_id), len(stored))
    return engine_messages(system_prompt, stored[:index])


class InspectorPanel(QWidget):
    """objectName "inspector_panel". Fed by the main window like the stats panel."""

    bandwidth_measured = Signal(float)  # GB/s: the window stores it in the settings

    def __init__(
        self,
        runner: EngineRunner | None = None,
        parent: QWidget | None = None,
        measure: Callable[[], BandwidthMeasurement] = measure_bandwidth,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("inspector_panel")
        self.setAccessibleName("Inspector")
        self.setMinimumWidth(240)
        self.history = TurnHistory()
        self.jobs = InspectorJobs(runner)
        self._measure = measure
        self._info: ModelInfo | None = None
        self._bandwidth: float | None = None
        self._bandwidth_error = ""
        self._measuring = False
        self._max_tokens = GenerationParams().max_tokens
        self._last: TurnStats | None = None
        self._last_on_model = True  # False once another model replaced the one that replied
        self._messages: list[Message] | None = None
        self._pieces_request = 0
        self._ui = InspectorWidgets(self)
        self._ui.measure_button.clicked.connect(self.measure_bandwidth)
        self._ui.tokens_button.clicked.connect(self._on_tokens_button_clicked)
        self._render()

    # -- public API ------------------------------------------------------------------
    def set_model(self, info: ModelInfo | None) -> None:
        """A model was loaded (or none is); measures bandwidth if it is not known yet."""
        if self._info is not None and (info is None or info.path != self._info.path):
            self._last_on_model = False  # its cache and speed belong to the old model
        self._info = info
        self._render()
        if info is not None and self._bandwidth is None and not self._bandwidth_error:
            self.measure_bandwidth()

    def set_bandwidth(self, gbps: float | None) -> None:
        """The measurement cached in the settings (None: not measured yet)."""
        self._bandwidth = gbps if gbps and gbps > 0 else None
        self._render()

    def set_generation(self, params: GenerationParams) -> None:
        """The reply length limit decides how much room the engine keeps for a reply."""
        self._max_tokens = params.max_tokens
        self._render()

    def turn_finished(self, event: TurnFinished, messages: Sequence[Message]) -> None:
        """A reply ended; `messages` is the prompt it answered (system prompt first)."""
        if not self.history.add(event.stats):
            return  # refused or failed before reading the prompt: nothing was measured
        self._last, self._last_on_model = event.stats, True
        self._messages = prompt_as_sent(messages, event.stats.dropped_turns)
        if self._ui.tokens_view.isHidden():
            self._ui.tokens_status.setText("")
        self._render()
        if not self._ui.tokens_view.isHidden():
            self.request_prompt_tokens()

    def show_conversation(
        self, stored: Sequence[StoredMessage], system_prompt: str | None = None
    ) -> None:
        """Another conversation is open: its replies' stored stats become the history.

        With its `system_prompt`, the last reply's prompt can be shown as tokens too.
        """
        self.history.clear()
        last_reply: StoredMessage | None = None
        for message in stored:
            stats = stats_from_json(message.stats) if message.role == "assistant" else None
            if stats is not None and self.history.add(stats):
                last_reply = message
        self._last = self.history.last
        self._messages = None
        if last_reply is not None and self._last is not None and system_prompt is not None:
            prompt = prompt_for_reply(stored, system_prompt, last_reply.id)
            self._messages = prompt_as_sent(prompt, self._last.dropped_turns)
        self._ui.tokens_view.hide()
        self._ui.tokens_button.setText(SHOW_TOKENS)
        self._ui.tokens_status.setText("")
        self._render()

    def measure_bandwidth(self) -> None:
        """Measure memory bandwidth now, off the GUI thread (ignored while measuring)."""
        if self._measuring:
            return
        self._measuring = True
        self._bandwidth_error = ""
        self._render_speed()
        Operation(
            parent=self,
            operation=self._measure,
            success=self._on_bandwidth_measured,
            failure=self._on_bandwidth_failed,
        ).run_on(self.jobs.submit)

    def request_prompt_tokens(self) -> None:
        """Ask the engine (on its worker) for the last prompt, split into tokens."""
        messages = self._messages
        if not messages:
            return
        self._pieces_request += 1
        request = self._pieces_request
        future = self.jobs.submit_on_engine(lambda engine: engine.prompt_pieces(messages))
        if future is not None:
            Operation[list[str]](
                parent=self,
                success=lambda pieces: self._on_pieces_done(request, pieces),
                failure=lambda error: self._on_pieces_failed(request, error),
            ).follow(future)
        self._ui.tokens_status.setText("Splitting the prompt into tokens…" if future else "")

    @property
    def measuring(self) -> bool:
        return self._measuring

    @property
    def bandwidth_gbps(self) -> float | None:
        return self._bandwidth

    @property
    def prompt_messages(self) -> list[Message] | None:
        """The last reply's prompt as the engine saw it (what "Show tokens" splits)."""
        return self._messages

    @property
    def last_stats(self) -> TurnStats | None:
        return self._last

    def forecast(self) -> OverflowForecast | None:
        last, growth, reply = self._last, self.history.prompt_growth(), self.history.reply_tokens()
        if last is None or growth is None or reply is None:
            return None
        reserve = reply_reserve(self._max_tokens, last.context_size)
        held = self.history.turns_held()
        return forecast_overflow(last.context_used, last.context_size, reserve, growth, reply, held)

    def timeline_bar(self) -> TimelineBar:
        return self._ui.timeline

    def tokens_view(self) -> PromptTokensView:
        return self._ui.tokens_view

    def history_charts(self) -> tuple[Sparkline, Sparkline]:
        return self._ui.charts["insp_history_ttft"], self._ui.charts["insp_history_decode"]

    # -- background results (GUI thread) ---------------------------------------------
    def _on_bandwidth_measured(self, measurement: BandwidthMeasurement) -> None:
        self._measuring = False
        if measurement.gbps > 0:
            self._bandwidth = measurement.gbps
            self.bandwidth_measured.emit(self._bandwidth)
        else:
            self._bandwidth_error = "no result"
        self._render()

    def _on_bandwidth_failed(self, error: Exception) -> None:
        self._measuring = False
        self._bandwidth_error = str(error) or type(error).__name__
        self._render()

    def _on_pieces_failed(self, request: int, error: Exception) -> None:
        if request == self._pieces_request:  # else a newer prompt was asked for meanwhile
            self._ui.tokens_status.setText(f"Could not split the prompt: {error}")

    def _on_pieces_done(self, request: int, pieces: list[str]) -> None:
        if request != self._pieces_request:
            return  # a newer prompt was asked for meanwhile
        self._ui.tokens_view.set_pieces(pieces)
        self._ui.tokens_status.setText(f"{len(pieces):,} tokens in the last prompt.")

    def _on_tokens_button_clicked(self) -> None:
        if not self._ui.tokens_view.isHidden():
            self._ui.tokens_view.hide()
            self._ui.tokens_button.setText(SHOW_TOKENS)
            return
        self._ui.tokens_view.show()
        self._ui.tokens_button.setText(HIDE_TOKENS)
        self.request_prompt_tokens()

    # -- rendering -------------------------------------------------------------------
    def _set(self, name: str, value: str) -> None:
        label = self._ui.labels[name]
        if label.text() != value:
            label.setText(value)

    def _render(self) -> None:
        self._render_reply()
        self._render_memory()
        self._render_model()
        self._render_speed()
        self._render_history()
        if self._info is not None and self._info.is_remote:
            for name, value in remote_texts(self._info).items():
                self._set(name, value)
            self._ui.tokens_button.setEnabled(False)
            self._ui.tokens_status.setText(TOKENS_NOTE)

    def _render_reply(self) -> None:
        stats = self._last
        timeline = figures.reply_timeline(stats) if stats else None
        self._ui.timeline.set_timeline(timeline)
        for phase, row in text.PHASE_ROWS.items():
            seconds = timeline.seconds(phase) if timeline else 0.0
            self._set(row, text.phase_text(phase, seconds, stats) if stats else fmt.UNKNOWN)
        self._set("insp_answer_ttft", text.answer_ttft_text(stats) if stats else fmt.UNKNOWN)
        self._set(
            "insp_thinking_policy", text.thinking_policy_text(stats) if stats else fmt.UNKNOWN
        )
        self._set("insp_prompt_tokens", fmt.format_count(stats.prompt_tokens if stats else None))
        self._set("insp_prompt_reused", text.reused_text(stats) if stats else fmt.UNKNOWN)
        evaluated = stats.evaluated_tokens if stats else None
        self._set("insp_prompt_evaluated", fmt.format_count(evaluated))
        has_prompt = bool(self._messages) and self.jobs.runner is not None
        self._ui.tokens_button.setEnabled(has_prompt)
        if not has_prompt:
            self._ui.tokens_status.setText("" if self._messages else "Send a message to see them.")

    def _render_memory(self) -> None:
        info, stats = self._info, self._last if self._last_on_model else None
        if info is None:
            for name in ("insp_kv_size", "insp_kv_fill"):
                self._set(name, fmt.UNKNOWN)
        else:
            held = stats.context_used if stats else 0
            kv = figures.kv_cache(info, held, stats.context_size if stats else 0)
            self._set("insp_kv_size", text.kv_size_text(kv))
            self._set("insp_kv_fill", text.kv_fill_text(kv))
        self._set("insp_kv_next", text.forecast_text(self.forecast()))

    def _render_model(self) -> None:
        info = self._info
        q = figures.quantization(info) if info else None
        self._set("insp_quant", q.name if q and q.name else fmt.UNKNOWN)
        self._set("insp_bpw", text.bits_text(q) if q else fmt.UNKNOWN)
        self._set("insp_weights", fmt.format_bytes(q.weights_bytes if q else None))

    def _render_speed(self) -> None:
        gbps = self._bandwidth
        self._set(
            "insp_bandwidth", text.bandwidth_text(gbps, self._measuring, self._bandwidth_error)
        )
        self._ui.measure_button.setEnabled(not self._measuring)
        info, stats = self._info, self._last if self._last_on_model else None
        ceiling = None
        if info is not None and gbps:
            ceiling = (
                figures.reply_speed(stats, info, gbps)
                if stats
                else figures.speed_ceiling(gbps, info.file_size, 0.0, 0.0)
            )
        self._set("insp_ceiling", text.ceiling_text(ceiling))
        self._set("insp_efficiency", text.efficiency_text(ceiling))

    def _render_history(self) -> None:
        ttft, decode = self.history.ttft_series(), self.history.decode_series()
        self._set("insp_history_ttft", text.series_text(ttft, "s"))
        self._set("insp_history_decode", text.series_text(decode, "tps"))
        self._ui.charts["insp_history_ttft"].set_values(ttft)
        self._ui.charts["insp_history_decode"].set_values(decode)

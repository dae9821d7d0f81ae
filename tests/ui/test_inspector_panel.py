"""InspectorPanel fed with real event objects: figures, tooltips, bandwidth, history, tokens."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from app.chat.events import TurnFinished, TurnStats
from app.chat.values import GenerationParams, LoadOptions, Message
from app.engine.fake import FakeEngine
from app.engine.runner import EngineRunner, empty_finish
from app.inspect.bandwidth import BandwidthMeasurement
from app.inspect.figures import PHASE_DECODE, PHASE_LOAD, PHASE_OVERHEAD, PHASE_PROMPT
from app.ui.panels.inspector_panel import InspectorPanel
from app.ui.panels.inspector_text import ROWS
from tests.values_factory import model_info, turn_stats

SMOLLM = model_info(n_head_kv=3, head_dim=64, kv_bytes_per_token=23_040)

STATS = turn_stats(wall_s=2.25)
PROMPT = [Message("system", "Be brief."), Message("user", "Why is the sky blue?")]


class FakeMeasure:
    """Stands in for the 0.3 s numpy measurement; records the thread it ran on."""

    def __init__(self, gbps: float = 20.0, error: Exception | None = None) -> None:
        self.gbps, self.error = gbps, error
        self.threads: list[str] = []

    def __call__(self) -> BandwidthMeasurement:
        self.threads.append(threading.current_thread().name)
        if self.error is not None:
            raise self.error
        return BandwidthMeasurement(self.gbps, 1 << 27, 0.0067, 5, 2, 0.3)


def finished(stats: TurnStats = STATS) -> TurnFinished:
    return TurnFinished(stats.stop_reason, "Because of Rayleigh scattering.", stats)


@pytest.fixture
def measure():
    return FakeMeasure()


@pytest.fixture
def panel(qtbot, measure):
    widget = InspectorPanel(measure=measure)
    qtbot.addWidget(widget)
    return widget


def text(panel: InspectorPanel, name: str) -> str:
    label = panel.findChild(QLabel, name)
    assert label is not None, name
    return label.text()


def test_every_figure_has_a_name_and_a_one_sentence_tooltip(panel):
    assert panel.objectName() == "inspector_panel"
    assert len(ROWS) == 18
    for name, (caption, tip) in ROWS.items():
        label = panel.findChild(QLabel, name)
        assert label is not None, name
        assert label.accessibleName() == caption
        assert label.toolTip() == tip
        assert tip.endswith(".") and tip.count(".") == 1, tip
        assert len(tip) <= 130, tip
    for widget in (panel.timeline_bar(), panel.tokens_view(), *panel.history_charts()):
        assert widget.toolTip().endswith(".") and widget.toolTip().count(".") == 1


def test_empty_panel_shows_unknowns(panel, measure):
    assert text(panel, "insp_quant") == "—"
    assert text(panel, "insp_prompt_tokens") == "—"
    assert text(panel, "insp_bandwidth") == "not measured yet"
    assert text(panel, "insp_kv_next") == "Not known until a reply is finished."
    assert panel.timeline_bar().timeline() is None
    assert not panel.findChild(QPushButton, "insp_show_tokens").isEnabled()
    assert measure.threads == []


def test_model_figures_and_first_measurement_off_the_gui_thread(panel, measure, qtbot):
    with qtbot.waitSignal(panel.bandwidth_measured, timeout=5000) as blocker:
        panel.set_model(SMOLLM)
    assert blocker.args == [20.0]
    assert measure.threads and measure.threads[0] != threading.current_thread().name
    assert text(panel, "insp_quant") == "Q4_1"
    assert text(panel, "insp_bpw") == "5.83 bits (2.7× smaller than 16-bit)"
    assert text(panel, "insp_weights") == "98 MB"
    assert text(panel, "insp_kv_size") == "0 B (23 KB per token × 0)"
    assert text(panel, "insp_kv_fill") == "0 / 4,096 tokens (0%)"
    assert text(panel, "insp_bandwidth") == "20.0 GB/s"
    # 20 GB/s over 98 MB per token = 204 tokens/s
    assert text(panel, "insp_ceiling") == "204 tok/s (98 MB read per token)"
    assert text(panel, "insp_efficiency") == "—"
    panel.set_model(SMOLLM)  # known now: no second measurement
    assert len(measure.threads) == 1


def test_cached_bandwidth_is_used_and_measure_again_measures(panel, measure, qtbot):
    panel.set_bandwidth(12.5)
    panel.set_model(SMOLLM)
    assert measure.threads == [] and not panel.measuring
    assert text(panel, "insp_bandwidth") == "12.5 GB/s"
    button = panel.findChild(QPushButton, "insp_measure")
    with qtbot.waitSignal(panel.bandwidth_measured, timeout=5000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert text(panel, "insp_bandwidth") == "measuring…"
        assert not button.isEnabled()
    assert panel.bandwidth_gbps == 20.0 and button.isEnabled()


def test_failed_measurement_is_said_and_not_retried_by_itself(qtbot):
    measure = FakeMeasure(error=MemoryError("out of memory"))
    panel = InspectorPanel(measure=measure)
    qtbot.addWidget(panel)
    panel.set_model(SMOLLM)
    qtbot.waitUntil(lambda: not panel.measuring, timeout=5000)
    assert text(panel, "insp_bandwidth") == "could not measure (out of memory)"
    assert panel.bandwidth_gbps is None
    panel.set_model(SMOLLM)
    assert len(measure.threads) == 1


def test_a_reply_fills_timeline_prompt_kv_and_speed(panel):
    panel.set_bandwidth(20.0)
    panel.set_model(SMOLLM)
    panel.turn_finished(finished(), PROMPT)
    timeline = panel.timeline_bar().timeline()
    assert [p.name for p in timeline.phases] == [PHASE_PROMPT, PHASE_DECODE, PHASE_OVERHEAD]
    assert text(panel, "insp_load") == "none"
    assert text(panel, "insp_prompt") == "100 ms · 200 read, 400 reused"
    assert text(panel, "insp_decode") == "2.00 s · 100 tokens"
    assert text(panel, "insp_overhead") == "150 ms"
    assert text(panel, "insp_prompt_tokens") == "600"
    assert text(panel, "insp_prompt_reused") == "400 (67%)"
    assert text(panel, "insp_prompt_evaluated") == "200"
    assert text(panel, "insp_kv_size") == "16 MB (23 KB per token × 700)"
    assert text(panel, "insp_kv_fill") == "700 / 4,096 tokens (17%)"
    # 98 MB of weights + 650 tokens x 23,040 B of KV = 112,976,000 B per token
    assert text(panel, "insp_ceiling") == "177 tok/s (113 MB read per token)"
    assert text(panel, "insp_efficiency") == (
        "50.0 tok/s: decoding at 28% of what this machine's memory allows for this model"
    )
    assert panel.last_stats is STATS
    panel.set_model(replace(SMOLLM, path="/models/other.gguf", file_size=200_000_000))
    assert text(panel, "insp_kv_fill") == "0 / 4,096 tokens (0%)"  # a new model starts empty
    assert text(panel, "insp_efficiency") == "—"  # the reply ran on the old model
    assert text(panel, "insp_ceiling") == "100 tok/s (200 MB read per token)"
    assert text(panel, "insp_prompt_tokens") == "600"  # the reply itself is still shown


def test_a_reply_that_paid_for_the_load_shows_it_first(panel):
    panel.set_model(SMOLLM)
    panel.turn_finished(finished(replace(STATS, load_s=1.5)), PROMPT)
    timeline = panel.timeline_bar().timeline()
    assert timeline.phases[0].name == PHASE_LOAD
    assert timeline.total_s == pytest.approx(3.75)
    assert text(panel, "insp_load") == "1.50 s"
    panel.turn_finished(finished(replace(STATS, restored_from_disk=True)), PROMPT)
    assert text(panel, "insp_prompt_reused") == "400 (67%, restored from disk)"


def test_failed_reply_keeps_the_last_measured_one(panel):
    panel.turn_finished(finished(), PROMPT)
    panel.turn_finished(empty_finish("error", "", "boom", 4096), [Message("user", "x")])
    assert panel.last_stats is STATS
    assert len(panel.history) == 1


def test_history_charts_and_forecast_over_turns(panel):
    panel.set_model(SMOLLM)
    panel.set_generation(GenerationParams(max_tokens=1024))
    turns = [
        replace(STATS, ttft_s=0.5, prompt_tokens=100, cached_tokens=0, context_used=1000),
        replace(STATS, ttft_s=0.06, prompt_tokens=1050, cached_tokens=1000, context_used=2000),
        replace(
            STATS,
            ttft_s=0.07,
            prompt_tokens=2050,
            cached_tokens=2000,
            context_used=2400,
            generated_tokens=300,
            decode_tps=40.0,
        ),
    ]
    for stats in turns:
        panel.turn_finished(finished(stats), PROMPT)
    ttft_chart, decode_chart = panel.history_charts()
    assert ttft_chart.values() == (0.5, 0.06, 0.07)
    assert decode_chart.values() == (50.0, 50.0, 40.0)
    assert text(panel, "insp_history_ttft") == "500 ms → 70 ms over 3 turns"
    assert text(panel, "insp_history_decode") == "50.0 tok/s → 40.0 tok/s over 3 turns"
    # growth 50 prompt + 166.7 reply tokens a turn; budget 3072 - 2400 - 50 = 622 -> 3 turns fit
    forecast = panel.forecast()
    assert forecast.turns_that_fit == 3
    assert forecast.turns_dropped == 4  # the 4th prompt is 3100 tokens: ceil((3100 - 2304) / 216.7)
    assert text(panel, "insp_kv_next") == (
        "Room for about 3 more turns; then the oldest 4 turns will be left out."
    )
    panel.set_generation(GenerationParams(max_tokens=256))  # less room kept for a reply
    assert panel.forecast().turns_that_fit == 7  # (4096 - 256 - 2400 - 50) // 216.7 + 1


def test_prompt_tokens_come_from_the_engine_through_the_runner(qtbot, measure):
    engine = FakeEngine()
    runner = EngineRunner(lambda: engine)
    runner.load("model.gguf", LoadOptions()).result(5)
    panel = InspectorPanel(runner=runner, measure=measure)
    qtbot.addWidget(panel)
    panel.turn_finished(finished(), PROMPT)
    button = panel.findChild(QPushButton, "insp_show_tokens")
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    view = panel.tokens_view()
    qtbot.waitUntil(lambda: view.pieces() != (), timeout=5000)
    assert view.pieces() == ("Be", "brief.", "Why", "is", "the", "sky", "blue?")
    assert text(panel, "insp_tokens_status") == "7 tokens in the last prompt."
    assert "brief." in view.toPlainText() and not view.isHidden()
    # a new reply refreshes the open view; the measurement runs on the engine's worker too
    panel.turn_finished(finished(), [Message("user", "one two")])
    qtbot.waitUntil(lambda: view.pieces() == ("one", "two"), timeout=5000)
    with qtbot.waitSignal(panel.bandwidth_measured, timeout=5000):
        panel.measure_bandwidth()
    assert measure.threads[-1].startswith("hearth-engine")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert view.isHidden() and button.text() == "Show the prompt's tokens"
    runner.shutdown()

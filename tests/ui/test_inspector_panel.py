"""InspectorPanel fed with real event objects: figures, tooltips, bandwidth, history, tokens."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from app.chat.values import GenerationParams, LoadOptions, Message
from app.engine.fake import FakeEngine
from app.engine.runner import EngineRunner, empty_finish
from app.inspect.figures import PHASE_DECODE, PHASE_LOAD, PHASE_OVERHEAD, PHASE_PROMPT
from app.ui.panels.inspector_panel import InspectorPanel
from app.ui.panels.inspector_text import ROWS
from tests.ui.inspector_helpers import PROMPT, STATS, FakeMeasure, finished
from tests.ui.labels import label_text as text
from tests.values_factory import model_info

SMOLLM = model_info(n_head_kv=3, head_dim=64, kv_bytes_per_token=23_040)


def test_every_figure_has_a_name_and_a_one_sentence_tooltip(inspector):
    assert inspector.objectName() == "inspector_panel"
    assert len(ROWS) == 21
    for name, (caption, tip) in ROWS.items():
        label = inspector.findChild(QLabel, name)
        assert label is not None, name
        assert label.accessibleName() == caption
        assert label.toolTip() == tip
        assert tip.endswith(".") and tip.count(".") == 1, tip
        assert len(tip) <= 130, tip
    for widget in (inspector.timeline_bar(), inspector.tokens_view(), *inspector.history_charts()):
        assert widget.toolTip().endswith(".") and widget.toolTip().count(".") == 1


def test_empty_panel_shows_unknowns(inspector, measure):
    assert text(inspector, "insp_quant") == "—"
    assert text(inspector, "insp_prompt_tokens") == "—"
    assert text(inspector, "insp_bandwidth") == "not measured yet"
    assert text(inspector, "insp_kv_next") == "Not known until a reply is finished."
    assert inspector.timeline_bar().timeline() is None
    assert not inspector.findChild(QPushButton, "insp_show_tokens").isEnabled()
    assert measure.threads == []


def test_model_figures_and_first_measurement_off_the_gui_thread(inspector, measure, qtbot):
    with qtbot.waitSignal(inspector.bandwidth_measured, timeout=5000) as blocker:
        inspector.set_model(SMOLLM)
    assert blocker.args == [20.0]
    assert measure.threads and measure.threads[0] != threading.current_thread().name
    assert text(inspector, "insp_quant") == "Q4_1"
    assert text(inspector, "insp_bpw") == "5.83 bits (2.7× smaller than 16-bit)"
    assert text(inspector, "insp_weights") == "98 MB"
    assert text(inspector, "insp_kv_size") == "0 B (23 KB per token × 0)"
    assert text(inspector, "insp_kv_fill") == "0 / 4,096 tokens (0%)"
    assert text(inspector, "insp_bandwidth") == "20.0 GB/s"
    # 20 GB/s over 98 MB per token = 204 tokens/s
    assert text(inspector, "insp_ceiling") == "204 tok/s (98 MB read per token)"
    assert text(inspector, "insp_efficiency") == "—"
    inspector.set_model(SMOLLM)  # known now: no second measurement
    assert len(measure.threads) == 1


def test_cached_bandwidth_is_used_and_measure_again_measures(inspector, measure, qtbot):
    inspector.set_bandwidth(12.5)
    inspector.set_model(SMOLLM)
    assert measure.threads == [] and not inspector.measuring
    assert text(inspector, "insp_bandwidth") == "12.5 GB/s"
    button = inspector.findChild(QPushButton, "insp_measure")
    with qtbot.waitSignal(inspector.bandwidth_measured, timeout=5000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert text(inspector, "insp_bandwidth") == "measuring…"
        assert not button.isEnabled()
    assert inspector.bandwidth_gbps == 20.0 and button.isEnabled()


def test_failed_measurement_is_said_and_not_retried_by_itself(qtbot):
    measure = FakeMeasure(error=MemoryError("out of memory"))
    inspector = InspectorPanel(measure=measure)
    qtbot.addWidget(inspector)
    inspector.set_model(SMOLLM)
    qtbot.waitUntil(lambda: not inspector.measuring, timeout=5000)
    assert text(inspector, "insp_bandwidth") == "could not measure (out of memory)"
    assert inspector.bandwidth_gbps is None
    inspector.set_model(SMOLLM)
    assert len(measure.threads) == 1


def test_a_reply_fills_timeline_prompt_kv_and_speed(inspector):
    inspector.set_bandwidth(20.0)
    inspector.set_model(SMOLLM)
    inspector.turn_finished(finished(), PROMPT)
    timeline = inspector.timeline_bar().timeline()
    assert [p.name for p in timeline.phases] == [PHASE_PROMPT, PHASE_DECODE, PHASE_OVERHEAD]
    assert text(inspector, "insp_load") == "none"
    assert text(inspector, "insp_prompt") == "100 ms · 200 read, 400 reused"
    assert text(inspector, "insp_decode") == "2.00 s · 100 tokens"
    assert text(inspector, "insp_overhead") == "150 ms"
    assert text(inspector, "insp_prompt_tokens") == "600"
    assert text(inspector, "insp_prompt_reused") == "400 (67%)"
    assert text(inspector, "insp_prompt_evaluated") == "200"
    assert text(inspector, "insp_kv_size") == "16 MB (23 KB per token × 700)"
    assert text(inspector, "insp_kv_fill") == "700 / 4,096 tokens (17%)"
    # 98 MB of weights + 650 tokens x 23,040 B of KV = 112,976,000 B per token
    assert text(inspector, "insp_ceiling") == "177 tok/s (113 MB read per token)"
    assert text(inspector, "insp_efficiency") == (
        "50.0 tok/s: decoding at 28% of what this machine's memory allows for this model"
    )
    assert inspector.last_stats is STATS
    inspector.set_model(replace(SMOLLM, path="/models/other.gguf", file_size=200_000_000))
    assert text(inspector, "insp_kv_fill") == "0 / 4,096 tokens (0%)"  # a new model starts empty
    assert text(inspector, "insp_efficiency") == "—"  # the reply ran on the old model
    assert text(inspector, "insp_ceiling") == "100 tok/s (200 MB read per token)"
    assert text(inspector, "insp_prompt_tokens") == "600"  # the reply itself is still shown


def test_a_reply_that_paid_for_the_load_shows_it_first(inspector):
    inspector.set_model(SMOLLM)
    inspector.turn_finished(finished(replace(STATS, load_s=1.5)), PROMPT)
    timeline = inspector.timeline_bar().timeline()
    assert timeline.phases[0].name == PHASE_LOAD
    assert timeline.total_s == pytest.approx(3.75)
    assert text(inspector, "insp_load") == "1.50 s"
    inspector.turn_finished(finished(replace(STATS, restored_from_disk=True)), PROMPT)
    assert text(inspector, "insp_prompt_reused") == "400 (67%, kept state restored after a switch)"


def test_failed_reply_keeps_the_last_measured_one(inspector):
    inspector.turn_finished(finished(), PROMPT)
    inspector.turn_finished(empty_finish("error", "", "boom", 4096), [Message("user", "x")])
    assert inspector.last_stats is STATS
    assert len(inspector.history) == 1


def test_history_charts_and_forecast_over_turns(inspector):
    inspector.set_model(SMOLLM)
    inspector.set_generation(GenerationParams(max_tokens=1024))
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
        inspector.turn_finished(finished(stats), PROMPT)
    ttft_chart, decode_chart = inspector.history_charts()
    assert ttft_chart.values() == (0.5, 0.06, 0.07)
    assert decode_chart.values() == (50.0, 50.0, 40.0)
    assert text(inspector, "insp_history_ttft") == "500 ms → 70 ms over 3 turns"
    assert text(inspector, "insp_history_decode") == "50.0 tok/s → 40.0 tok/s over 3 turns"
    # growth 50 prompt + 166.7 reply tokens a turn; budget 3072 - 2400 - 50 = 622 -> 3 turns fit
    forecast = inspector.forecast()
    assert forecast.turns_that_fit == 3
    assert forecast.turns_dropped == 4  # the 4th prompt is 3100 tokens: ceil((3100 - 2304) / 216.7)
    assert text(inspector, "insp_kv_next") == (
        "Room for about 3 more turns; then the oldest 4 turns will be left out."
    )
    inspector.set_generation(GenerationParams(max_tokens=256))  # less room kept for a reply
    assert inspector.forecast().turns_that_fit == 7  # (4096 - 256 - 2400 - 50) // 216.7 + 1


def test_prompt_tokens_come_from_the_engine_through_the_runner(qtbot, measure):
    engine = FakeEngine()
    runner = EngineRunner(lambda: engine)
    runner.load("model.gguf", LoadOptions()).result(5)
    inspector = InspectorPanel(runner=runner, measure=measure)
    qtbot.addWidget(inspector)
    inspector.turn_finished(finished(), PROMPT)
    button = inspector.findChild(QPushButton, "insp_show_tokens")
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    view = inspector.tokens_view()
    qtbot.waitUntil(lambda: view.pieces() != (), timeout=5000)
    assert view.pieces() == ("Be", "brief.", "Why", "is", "the", "sky", "blue?")
    assert text(inspector, "insp_tokens_status") == "7 tokens in the last prompt."
    assert "brief." in view.toPlainText() and not view.isHidden()
    # a new reply refreshes the open view; the measurement runs on the engine's worker too
    inspector.turn_finished(finished(), [Message("user", "one two")])
    qtbot.waitUntil(lambda: view.pieces() == ("one", "two"), timeout=5000)
    with qtbot.waitSignal(inspector.bandwidth_measured, timeout=5000):
        inspector.measure_bandwidth()
    assert measure.threads[-1].startswith("hearth-engine")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert view.isHidden() and button.text() == "Show the prompt's tokens"
    runner.shutdown()

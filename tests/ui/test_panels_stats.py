"""StatsPanel fed with real event objects: shown values, throttling, context meter, memory."""

from __future__ import annotations

import time

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QProgressBar

from app.chat.events import PromptEvaluated, TokensReceived, TurnFinished
from app.ui.common.theme import WARNING_COLOR
from app.ui.panels.sparkline import (
    RateSampler,
    ReplyMeter,
    ReplyNumbers,
    Sparkline,
    sparkline_points,
)
from app.ui.panels.stats_panel import STAT_ROWS, StatsPanel
from tests.ui.labels import label_text as text
from tests.values_factory import model_info, turn_stats

REQUIRED = [
    "stat_state",
    "stat_ttft",
    "stat_prompt_tokens",
    "stat_cached_tokens",
    "stat_prefill_rate",
    "stat_decode_rate",
    "stat_context",
    "stat_memory",
    "stat_load_time",
]


@pytest.fixture
def panel(qtbot):
    widget = StatsPanel()
    qtbot.addWidget(widget)
    widget.set_model(model_info())
    return widget


def test_every_stat_has_object_name_accessible_name_and_tooltip(panel):
    assert panel.objectName() == "stats_panel"
    for name in [*REQUIRED, "stat_model", "stat_backend", "stat_generated"]:
        label = panel.findChild(QLabel, name)
        assert label is not None, name
        assert label.accessibleName() == STAT_ROWS[name][0]
        tip = label.toolTip()
        assert tip.endswith(".") and tip.count(".") == 1, tip  # one plain sentence
    assert panel.findChild(QProgressBar, "stat_context_meter").accessibleName()
    assert panel.minimumWidth() >= 200


def test_model_details_backend_and_load_time(panel):
    assert text(panel, "stat_model") == "SmolLM2 135M Instruct"
    assert text(panel, "stat_model_details") == "135M · Q4_1 · 98 MB · 8K ctx"
    assert text(panel, "stat_backend") == "CPU"
    assert text(panel, "stat_load_time") == "420 ms"
    assert text(panel, "stat_state") == "idle"
    assert text(panel, "stat_context") == "0 / 4,096 (0%)"
    panel.set_model(model_info(backend="CUDA", gpu_layers=30, load_seconds=1.5))
    assert text(panel, "stat_backend") == "CUDA (30 of 30 layers)"
    assert text(panel, "stat_load_time") == "1.50 s"
    panel.set_model(None)
    assert text(panel, "stat_state") == "no model"
    assert text(panel, "stat_model") == "—"


def test_loading_and_failed_load_keep_the_previous_model(panel):
    panel.set_loading("/somewhere/broken.gguf")
    assert text(panel, "stat_state") == "loading"
    assert text(panel, "stat_model") == "Loading broken.gguf…"
    panel.set_load_failed("the file is not a GGUF model")
    assert text(panel, "stat_state") == "idle"
    assert text(panel, "stat_model") == "SmolLM2 135M Instruct"
    message = panel.findChild(QLabel, "stat_message")
    assert "the file is not a GGUF model" in message.text()
    assert not message.isHidden()


def test_values_follow_a_turn(panel, qtbot):
    panel.turn_started()
    assert text(panel, "stat_state") == "reading prompt"
    assert text(panel, "stat_prompt_tokens") == "—"
    panel.prompt_evaluated(PromptEvaluated(600, 400, 200, 0.1, 0, 4096))
    assert text(panel, "stat_state") == "generating"
    assert text(panel, "stat_prompt_tokens") == "200"
    assert text(panel, "stat_cached_tokens") == "400"
    assert text(panel, "stat_prefill_rate") == "2,000 tok/s"
    for index in range(1, 41):  # 40 tokens over 1.0 s of decoding
        panel.tokens_received(TokensReceived(" word", 1, index * 0.025))
    qtbot.waitUntil(lambda: text(panel, "stat_generated") == "40")
    assert text(panel, "stat_decode_rate") == "40.0 tok/s"
    assert text(panel, "stat_context") == "640 / 4,096 (16%)"
    assert text(panel, "stat_ttft") != "—"
    panel.turn_finished(TurnFinished("stop", "word " * 100, turn_stats()))
    assert text(panel, "stat_state") == "idle"
    assert text(panel, "stat_ttft") == "125 ms"
    assert text(panel, "stat_prompt_tokens") == "200"
    assert text(panel, "stat_cached_tokens") == "400"
    assert text(panel, "stat_decode_rate") == "50.0 tok/s"
    assert text(panel, "stat_generated") == "100"
    assert text(panel, "stat_context") == "700 / 4,096 (17%)"
    assert panel.last_stats == turn_stats()
    # 4 windows of 0.25 s at 40 tok/s each: the sparkline has the shape of the reply
    assert panel.sparkline().values() == pytest.approx([40.0, 40.0, 40.0, 40.0])


def test_token_events_are_recorded_not_rendered(panel, qtbot):
    panel.show()
    qtbot.waitExposed(panel)
    panel.turn_started()
    panel.prompt_evaluated(PromptEvaluated(50, 0, 50, 0.05, 0, 4096))
    before = panel.render_count
    paints_before = panel.sparkline().paint_count
    panel.tokens_received(TokensReceived("x", 1, 0.01))
    assert panel.render_count == before  # recording a token never renders by itself
    started = time.perf_counter()
    for index in range(2, 1001):
        panel.tokens_received(TokensReceived("x", 1, index * 0.01))
        if index % 50 == 0:
            qtbot.wait(1)  # let the event loop run between bursts, as in the real app
    qtbot.waitUntil(lambda: text(panel, "stat_generated") == "1,000")
    elapsed = time.perf_counter() - started
    renders = panel.render_count - before
    # The repaint timer fires at most every 250 ms, however fast tokens arrive.
    assert 1 <= renders <= 2 + elapsed / 0.25, (renders, elapsed)
    assert renders < 50  # against 1,000 token events
    # a render repaints the sparkline once, plus once when its card re-lays out (first figures)
    paints = panel.sparkline().paint_count - paints_before
    assert paints <= 4 + elapsed / 0.25 and paints < 50, (paints, elapsed)
    assert text(panel, "stat_decode_rate") == "100 tok/s"


def test_context_meter_turns_warning_colour_near_full(panel):
    meter = panel.findChild(QProgressBar, "stat_context_meter")
    normal = meter.palette().color(QPalette.ColorRole.Highlight)
    panel.turn_started()
    panel.prompt_evaluated(PromptEvaluated(2000, 0, 2000, 1.0, 0, 4096))
    assert not panel.context_warning()
    assert meter.palette().color(QPalette.ColorRole.Highlight) == normal
    panel.turn_finished(TurnFinished("stop", "", turn_stats(context_used=3687, context_size=4096)))
    assert (meter.value(), meter.maximum()) == (3687, 4096)
    assert text(panel, "stat_context") == "3,687 / 4,096 (90%)"
    assert panel.context_warning()
    assert meter.palette().color(QPalette.ColorRole.Highlight) == QColor(WARNING_COLOR)
    panel.turn_started()
    panel.prompt_evaluated(PromptEvaluated(100, 90, 10, 0.01, 3, 4096))
    assert not panel.context_warning()
    assert meter.palette().color(QPalette.ColorRole.Highlight) == normal
    assert "3 old turns left out" in panel.findChild(QLabel, "stat_message").text()


def test_error_reply_is_explained(panel):
    panel.turn_started()
    panel.prompt_evaluated(PromptEvaluated(10, 0, 10, 0.01, 0, 4096))
    panel.turn_finished(TurnFinished("error", "", turn_stats(stop_reason="error"), error="boom"))
    assert text(panel, "stat_state") == "idle"
    assert "boom" in panel.findChild(QLabel, "stat_message").text()


def test_memory_refreshes_only_while_visible(panel, qtbot):
    assert text(panel, "stat_memory") == "—"
    panel.show()
    qtbot.waitExposed(panel)
    shown = text(panel, "stat_memory")
    assert shown.endswith(" MB") or shown.endswith(" GB")
    assert float(shown.split()[0]) > 0
    assert panel._memory_timer.isActive()
    panel.hide()
    assert not panel._memory_timer.isActive()


def test_rate_sampler_windows_and_merging():
    sampler = RateSampler(window_s=0.5, max_points=4)
    for index in range(1, 11):  # 10 tokens/s for 1 s ...
        sampler.add(1, index * 0.1)
    for index in range(1, 11):  # ... then 20 tokens/s for 0.5 s
        sampler.add(1, 1.0 + index * 0.05)
    assert sampler.rates == pytest.approx([10.0, 10.0, 20.0])
    assert sampler.tokens == 20
    for index in range(1, 21):  # 40 tokens/s for 1 s: too many points, pairs merge
        sampler.add(2, 1.5 + index * 0.05)
    assert sampler.window_s == 1.0
    assert sampler.rates == pytest.approx([10.0, 30.0, 40.0])
    sampler.add(3, 2.6)
    sampler.flush()
    assert sampler.rates[-1] == pytest.approx(30.0)
    sampler.reset()
    assert sampler.rates == () and sampler.tokens == 0 and sampler.window_s == 0.5


def test_sparkline_points_scale_to_the_widget():
    points = sparkline_points([0.0, 5.0, 10.0], width=104, height=44, margin=2)
    assert points == [(2.0, 42.0), (52.0, 22.0), (102.0, 2.0)]
    assert sparkline_points([], 100, 40) == []
    assert sparkline_points([3.0], 100, 40) == [(2.0, 2.0)]


def test_sparkline_paints(qtbot):
    line = Sparkline()
    qtbot.addWidget(line)
    line.resize(160, 40)
    line.set_values([1.0, 3.0, 2.0])
    image = line.grab().toImage()
    highlight = line.palette().color(QPalette.ColorRole.Highlight)
    coloured = sum(
        1
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).rgb() == highlight.rgb()
    )
    assert coloured > 20
    assert line.paint_count >= 1


def test_reply_meter_live_then_final_numbers():
    meter = ReplyMeter()
    assert meter.numbers(idle_context_size=2048) == ReplyNumbers(
        None, None, None, None, None, None, 0, 2048
    )
    meter.start(now=10.0)
    meter.prompt = PromptEvaluated(300, 100, 200, 0.5, 0, 4096)
    meter.tokens(TokensReceived("a", 2, 0.1), now=10.75)
    meter.tokens(TokensReceived("b", 3, 0.25), now=10.9)
    live = meter.numbers(idle_context_size=2048)
    assert live == ReplyNumbers(0.75, 200, 100, 400.0, 20.0, 5, 305, 4096)
    meter.finish(turn_stats())
    final = meter.numbers(idle_context_size=2048)
    assert (final.ttft_s, final.decode_tps, final.context_used) == (0.125, 50.0, 700)


def test_the_thinking_card_shows_only_for_a_model_or_a_reply_that_thinks(panel, qtbot):
    panel.show()
    card = panel.findChild(QFrame, "stat_card_thinking")
    assert card is not None and not card.isVisible()  # a model that does not think
    panel.set_model(model_info(thinking_format="qwen3"))
    assert card.isVisible()
    panel.set_model(model_info())
    assert not card.isVisible()
    panel.turn_started()  # a remote model's reply that thinks although its format is unknown
    panel.tokens_received(TokensReceived("hmm", 3, 0.01, channel="thinking"))
    qtbot.waitUntil(card.isVisible)

"""The Inspector's pure parts: its sentences, the timeline's spans, the token HTML."""

from __future__ import annotations

from PySide6.QtGui import QImage

from app.inspect.figures import Phase, SpeedCeiling, Timeline
from app.inspect.forecast import OverflowForecast
from app.ui.panels.inspector_text import (
    PHASE_COLORS,
    bandwidth_text,
    ceiling_text,
    efficiency_text,
    forecast_text,
    series_text,
)
from app.ui.panels.inspector_timeline import TimelineBar, segment_spans
from app.ui.panels.inspector_tokens import piece_html, pieces_html


def test_forecast_sentences():
    assert forecast_text(OverflowForecast(0, 1)) == (
        "Full: your next message leaves out the oldest 1 turn."
    )
    assert forecast_text(OverflowForecast(1, 3)) == (
        "Room for about 1 more turn; then the oldest 3 turns will be left out."
    )


def test_speed_sentences():
    ceiling = SpeedCeiling(10.0, 1e9, 7.1)
    assert ceiling_text(ceiling) == "10.0 tok/s (1 GB read per token)"
    assert efficiency_text(ceiling) == (
        "7.10 tok/s: decoding at 71% of what this machine's memory allows for this model"
    )
    assert efficiency_text(SpeedCeiling(10.0, 1e9, 0.0)) == "—"
    assert ceiling_text(None) == "—"
    assert bandwidth_text(18.38, False) == "18.4 GB/s"
    assert bandwidth_text(None, True) == "measuring…"
    assert bandwidth_text(None, False, "boom") == "could not measure (boom)"


def test_series_sentences():
    assert series_text((), "s") == "—"
    assert series_text((0.25,), "s") == "250 ms (1 turn)"
    assert series_text((0.25, 1.5, 0.3), "s") == "250 ms → 300 ms over 3 turns"
    assert series_text((55.0, 61.25), "tps") == "55.0 tok/s → 61.2 tok/s over 2 turns"


def test_segment_spans_fill_the_width_and_keep_small_phases_visible():
    spans = segment_spans((0.25, 0.75), 200)
    assert spans == [(0.0, 50.0), (50.0, 150.0)]
    tiny = segment_spans((0.001, 0.999, 0.0), 100)
    assert tiny == [(0.0, 2.0), (2.0, 98.0), (100.0, 0.0)]
    assert sum(w for _, w in tiny) == 100
    assert segment_spans((0.0, 0.0), 100) == [(0.0, 0.0), (0.0, 0.0)]


def test_timeline_bar_paints_each_phase_in_its_colour(qtbot):
    bar = TimelineBar()
    qtbot.addWidget(bar)
    bar.resize(200, 16)
    bar.set_timeline(Timeline((Phase("prompt", 1.0), Phase("decode", 3.0))))
    image = QImage(bar.size(), QImage.Format.Format_ARGB32)
    bar.render(image)
    assert image.pixelColor(25, 8).name() == PHASE_COLORS["prompt"]
    assert image.pixelColor(150, 8).name() == PHASE_COLORS["decode"]


def test_token_html_escapes_and_shows_whitespace():
    assert piece_html("<|im_start|>") == "&lt;|im_start|&gt;"
    assert piece_html(" the\n") == "·the↵<br>"
    html = pieces_html(["a", "b", "c"])
    assert html.count("<span") == 3
    assert html.count("rgba(47, 129, 247") == 2  # alternating shades

"""The stats panel's small cards: each a rounded frame with a title and caption/value rows.

`STAT_CARDS` says which figures (objectNames of STAT_ROWS in stats_panel.py) go on which
card, in order; `stat_card()` builds one card and returns its form for the rows.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget

from app.ui.common.theme_qss import set_role

STAT_CARDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Model", ("stat_model", "stat_model_details", "stat_backend", "stat_load_time")),
    (
        "Speed",
        ("stat_state", "stat_decode_rate", "stat_prefill_rate", "stat_ttft", "stat_generated"),
    ),
    ("Cache", ("stat_prompt_tokens", "stat_cached_tokens")),
    ("Thinking", ("stat_thinking", "stat_answer_ttft")),
    ("Context", ("stat_context",)),
    ("Memory", ("stat_memory",)),
)
HEADLINE = {"stat_decode_rate", "stat_context", "stat_memory"}  # the figure a card is about


def stat_card(parent: QWidget, title: str) -> tuple[QFrame, QFormLayout]:
    """A card titled `title`; add rows to the returned form."""
    card = QFrame(parent)
    card.setObjectName(f"stat_card_{title.lower()}")
    card.setAccessibleName(f"{title} figures")
    set_role(card, "card")
    column = QVBoxLayout(card)
    column.setContentsMargins(12, 10, 12, 10)
    column.setSpacing(4)
    heading = QLabel(title.upper(), card)
    set_role(heading, "card_title")
    column.addWidget(heading)
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setHorizontalSpacing(10)
    form.setVerticalSpacing(3)
    column.addLayout(form)
    return card, form


def caption(parent: QWidget, text: str, tip: str) -> QLabel:
    label = QLabel(text, parent)
    label.setToolTip(tip)
    set_role(label, "muted")
    return label


def headline(label: QLabel) -> None:
    """The card's main figure, larger."""
    set_role(label, "card_value")

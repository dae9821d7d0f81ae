"""Titles from the first message, Markdown and JSON exports, export file names."""

from __future__ import annotations

import json

import pytest

from app.store import ConversationRecord, StoredMessage, derive_title, suggested_filename
from app.store.export import EXPORT_FORMAT, EXPORT_VERSION, export_json, export_markdown

RECORD = ConversationRecord(
    id="ab" * 16,
    title="Lisbon trip",
    created_at=1_700_000_000.0,
    updated_at=1_700_000_360.5,
    model_path="/home/someone/models/SmolLM2-135M-Instruct-Q4_1.gguf",
    settings={"system_prompt": "Be brief.", "generation": {"temperature": 0.2}},
)
STATS = {"decode_tps": 42.0, "generated_tokens": 9, "stop_reason": "stop", "ttft_s": float("nan")}
MESSAGES = [
    StoredMessage(
        1, RECORD.id, "user", "Plan **two** days\n\n- museums\n- food", 1_700_000_010.0, True, None
    ),
    StoredMessage(
        2, RECORD.id, "assistant", "```python\nprint('day 1')\n```", 1_700_000_020.0, True, STATS
    ),
    StoredMessage(3, RECORD.id, "notice", "1 turn dropped", 1_700_000_030.0, True, None),
    StoredMessage(4, RECORD.id, "assistant", "Day 2: Sin", 1_700_000_040.0, False, None),
]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("How do I bake bread?", "How do I bake bread?"),
        ("  first   line\twith  gaps \nsecond line", "first line with gaps"),
        ("\n\n   \nafter blank lines", "after blank lines"),
        ("", "New chat"),
        (" \n\t ", "New chat"),
        ("x" * 48, "x" * 48),
    ],
)
def test_derive_title_simple_cases(text: str, title: str) -> None:
    assert derive_title(text) == title


def test_derive_title_cuts_at_a_word_boundary() -> None:
    text = "Please explain how the transformer attention mechanism works in detail"
    title = derive_title(text)
    assert title == "Please explain how the transformer attention…"
    assert len(title) <= 48


def test_derive_title_drops_trailing_punctuation_before_the_ellipsis() -> None:
    title = derive_title("Tell me about the long history of ancient Rome, Athens and Sparta")
    assert title == "Tell me about the long history of ancient Rome…"


def test_derive_title_hard_cuts_one_long_word() -> None:
    title = derive_title("a" * 100)
    assert title == "a" * 47 + "…" and len(title) == 48


def test_markdown_has_title_sections_and_verbatim_content() -> None:
    text = export_markdown(RECORD, MESSAGES)
    assert text.startswith("# Lisbon trip\n\n*Model: `SmolLM2-135M-Instruct-Q4_1.gguf` · Created ")
    sections = text.split("\n\n")
    assert sections.count("**You:**") == 1
    assert sections.count("**Assistant:**") == 2
    for message in MESSAGES:
        assert message.content in text
    you = text.index("**You:**")
    assert text[you:].startswith("**You:**\n\nPlan **two** days\n\n- museums\n- food\n\n")
    assert text.index("print('day 1')") < text.index("**Notice:**") < text.index("Day 2: Sin")
    assert text.endswith("Day 2: Sin\n\n*(reply incomplete)*\n")
    assert "/home/someone" not in text


def test_markdown_without_model_or_messages() -> None:
    bare = ConversationRecord("c" * 32, "Empty\nchat", 0.0, 0.0, None, {})
    text = export_markdown(bare, [])
    assert text.startswith("# Empty chat\n\n*Created ")
    assert "Model" not in text and "**" not in text


def test_json_export_round_trips_the_conversation() -> None:
    text = export_json(RECORD, MESSAGES)
    document = json.loads(text)
    assert text.startswith('{\n  "format": ')  # pretty
    assert document["format"] == EXPORT_FORMAT and document["schema_version"] == EXPORT_VERSION
    assert document["title"] == "Lisbon trip"
    assert document["model"] == "SmolLM2-135M-Instruct-Q4_1.gguf"
    assert document["created_at"] == "2023-11-14T22:13:20+00:00"
    assert document["updated_at"] == "2023-11-14T22:19:20+00:00"
    assert document["settings"] == RECORD.settings
    assert [(m["role"], m["content"], m["complete"]) for m in document["messages"]] == [
        (m.role, m.content, m.complete) for m in MESSAGES
    ]
    assert document["messages"][1]["stats"] == {**STATS, "ttft_s": None}  # NaN is not JSON
    assert document["messages"][0]["stats"] is None
    assert document["messages"][0]["created_at"] == "2023-11-14T22:13:30+00:00"
    assert "/home/someone" not in text


def test_json_export_keeps_unicode_readable() -> None:
    record = ConversationRecord("d" * 32, "Привет ✓", 0.0, 0.0, None, {})
    text = export_json(record, [])
    assert '"title": "Привет ✓"' in text


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Lisbon trip", "Lisbon trip.md"),
        ('a/b\\c:d*e?f"g<h>i|j', "a b c d e f g h i j.md"),
        ("...", "conversation.md"),
        ("x" * 200, "x" * 80 + ".md"),
    ],
)
def test_suggested_filename_is_safe(title: str, name: str) -> None:
    record = ConversationRecord("e" * 32, title, 0.0, 0.0, None, {})
    assert suggested_filename(record, ".md") == name

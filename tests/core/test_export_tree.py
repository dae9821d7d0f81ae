"""Exports keep branches: JSON the whole tree (ids, parents, the current leaf, thinking,
stats), Markdown the path shown with a note where a message has other versions and each
reply's figures apart from its answer."""

from __future__ import annotations

import json

from app.store import ChatStore
from app.store.export import EXPORT_VERSION
from app.store.export_tree import export_conversation

STATS = {"generated_tokens": 42, "decode_tps": 12.46, "ttft_s": 0.314, "thinking_tokens": 9}


def _branched(store: ChatStore) -> tuple[str, list[int]]:
    chat = store.create_conversation("Branches")
    question = store.add_message(chat.id, "user", "Which sea?")
    first = store.add_message(chat.id, "assistant", "The Baltic.", thinking="north", stats=STATS)
    second = store.add_message(chat.id, "assistant", "The Adriatic.", parent_id=question.id)
    third = store.add_message(chat.id, "assistant", "The Aegean.", parent_id=question.id)
    store.set_current_leaf(chat.id, first.id)
    return chat.id, [question.id, first.id, second.id, third.id]


def test_json_export_holds_the_whole_tree(store: ChatStore) -> None:
    chat, (question, first, second, third) = _branched(store)
    document = json.loads(export_conversation(store, chat, "json"))
    assert document["schema_version"] == EXPORT_VERSION == 3
    assert document["current_leaf"] == first and document["source_id"] is None
    assert [(m["id"], m["parent_id"], m["content"]) for m in document["messages"]] == [
        (question, None, "Which sea?"),
        (first, question, "The Baltic."),
        (second, question, "The Adriatic."),
        (third, question, "The Aegean."),
    ]
    assert document["messages"][1]["thinking"] == "north"
    assert document["messages"][1]["stats"] == STATS


def test_markdown_shows_the_path_with_a_note_of_other_versions(store: ChatStore) -> None:
    chat, _ids = _branched(store)
    text = export_conversation(store, chat, "md")
    assert "The Baltic." in text and "The Adriatic." not in text and "The Aegean." not in text
    assert (
        "*(version 1 / 3 of this reply; the 2 other versions are kept in Hearth and in the"
        " JSON export)*" in text
    )
    assert "*42 tokens · 9 thinking tokens · 12.5 tokens/s · 0.31 s to first token*" in text
    thinking, answer, figures = (text.index("> north"), text.index("The Baltic."),
                                 text.index("*42 tokens"))  # fmt: skip
    assert thinking < answer < figures
    assert text.count("version") == 2  # the question has no alternatives: no note

"""ChatStore.search: literal, case- and Unicode-insensitive, newest first, no trash, no notices."""

from __future__ import annotations

from app.store import ChatStore


def _chat(store: ChatStore, title: str, *texts: str) -> str:
    record = store.create_conversation(title)
    for text in texts:
        store.add_message(record.id, "user", text)
    return record.id


def _titles(store: ChatStore, query: str) -> list[str]:
    return [record.title for record in store.search(query)]


def test_matches_title_or_content_ignoring_ascii_case(store: ChatStore) -> None:
    _chat(store, "Python tips", "How do I sort a list?")
    _chat(store, "Cooking", "A recipe for PYTHON-shaped bread")
    _chat(store, "Unrelated", "nothing here")
    assert _titles(store, "python") == ["Cooking", "Python tips"]
    assert _titles(store, "SORT A") == ["Python tips"]
    assert _titles(store, "absent") == []


def test_unicode_case_and_normalisation(store: ChatStore) -> None:
    _chat(store, "German", "Die Straße ist lang, ÄPFEL sind rot")
    _chat(store, "Russian", "Привет, МИР")
    _chat(store, "Accents", "cafe\u0301 au lait")  # decomposed é
    assert _titles(store, "äpfel") == ["German"]
    assert _titles(store, "STRASSE") == ["German"]
    assert _titles(store, "мир") == ["Russian"]
    assert _titles(store, "CAFÉ") == ["Accents"]  # composed query, decomposed text


def test_like_wildcards_and_escape_characters_are_literal(store: ChatStore) -> None:
    _chat(store, "percent", "a 100% sure answer")
    _chat(store, "thousand", "1000 apples")
    _chat(store, "snake", "call my_func now")
    _chat(store, "myxfunc", "call myXfunc now")
    _chat(store, "backslash", r"C:\temp\new")
    assert _titles(store, "100%") == ["percent"]
    assert _titles(store, "%") == ["percent"]
    assert _titles(store, "my_func") == ["snake"]
    assert _titles(store, "_") == ["snake"]
    assert _titles(store, "\\t") == ["backslash"]
    assert _titles(store, "'; DROP TABLE messages; --") == []
    assert len(store.list_conversations()) == 5


def test_results_are_distinct_newest_first_and_skip_trash(store: ChatStore) -> None:
    old = _chat(store, "old", "apple", "apple pie", "apple tart")
    _chat(store, "new", "apple juice")
    trashed = _chat(store, "trashed", "apple")
    store.delete_conversation(trashed)
    assert _titles(store, "apple") == ["new", "old"]
    store.add_message(old, "assistant", "more")
    assert _titles(store, "apple") == ["old", "new"]


def test_notices_are_not_searched(store: ChatStore) -> None:
    chat = store.create_conversation("chat")
    store.add_message(chat.id, "notice", "3 turns dropped")
    assert store.search("dropped") == []


def test_blank_query_lists_everything(store: ChatStore) -> None:
    _chat(store, "a")
    _chat(store, "b")
    assert _titles(store, "   ") == ["b", "a"]
    assert _titles(store, " b ") == ["b"]

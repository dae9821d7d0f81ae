"""Hostile or huge input through the session, the real engine and the real store.

Each case: the text is stored exactly as typed, the user gets a reply or a clear message,
nothing already in the conversation is lost, the database stays sound, and the next
ordinary message still gets a reply.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.session import ChatSession
from app.store import ChatStore
from tests.faults.live_session import live_session, send_and_wait
from tests.faults.recording import RecordProperty

pytestmark = pytest.mark.model

ONE_MB_PASTE = ("The quick brown fox jumps over the lazy dog. 0123456789 " * 19_000)[: 1 << 20]
TEN_THOUSAND_LINES = "\n".join(f"line {n}: some pasted log output" for n in range(10_000))
CONTROL_CHARACTERS = (
    "bell\x07 nul\x00 esc\x1b[2J\x1b[31mred back\x08space del\x7f zwsp\u200b bom\ufeff"
)
SCRIPTS = "مرحبا بالعالم · שלום עולם · 👩‍👩‍👧‍👦 🇯🇵 🧑🏽‍🚀 · 你好，世界 · こんにちは · 안녕하세요"
MARKDOWN_HTML = (
    "<script>alert(1)</script> <img src=x onerror=alert(2)> "
    "![tracker](http://example.com/pixel.png) [link](javascript:alert(3)) <b>bold?</b>"
)

FITS = {
    "control-characters": CONTROL_CHARACTERS,
    "rtl-emoji-cjk": SCRIPTS,
    "markdown-html": MARKDOWN_HTML,
}
TOO_LONG = {"1-MB-paste": ONE_MB_PASTE, "10000-lines": TEN_THOUSAND_LINES}


@pytest.fixture(scope="module")
def live(
    default_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ChatSession, ChatStore]]:
    mp = pytest.MonkeyPatch()
    mp.setenv("HEARTH_HOME", str(tmp_path_factory.mktemp("hostile") / "home"))
    try:
        with live_session(default_model, n_ctx=1024) as (session, _runner, store):
            yield session, store
    finally:
        mp.undo()


def _earlier_turn(session: ChatSession) -> list[tuple[str, str]]:
    session.new_conversation()
    first = send_and_wait(session, "Say hello.")
    assert first.error is None and first.text
    return [(m.role, m.content) for m in session.messages()]


@pytest.mark.parametrize("kind", sorted(FITS))
def test_odd_text_is_stored_exactly_and_answered(
    kind: str, live: tuple[ChatSession, ChatStore]
) -> None:
    session, store = live
    before = _earlier_turn(session)
    result = send_and_wait(session, FITS[kind])
    assert result.error is None, result.error
    assert result.saved.finished.stats.generated_tokens > 0
    stored = [(m.role, m.content) for m in session.messages()]
    assert stored[: len(before)] == before, "nothing earlier is lost"
    assert stored[len(before)] == ("user", FITS[kind]), "stored byte for byte"
    assert stored[-1] == ("assistant", result.text)
    assert store.integrity_check() == "ok"


@pytest.mark.parametrize("kind", sorted(TOO_LONG))
def test_message_bigger_than_the_context_gets_a_clear_message_and_is_kept(
    kind: str, live: tuple[ChatSession, ChatStore], record_property: RecordProperty
) -> None:
    session, store = live
    before = _earlier_turn(session)
    result = send_and_wait(session, TOO_LONG[kind])
    assert result.error is not None
    assert "tokens long" in result.error and "context window" in result.error
    record_property("message", result.error.split(".")[0])
    stored = session.messages()
    assert [(m.role, m.content) for m in stored[: len(before)]] == before, "nothing lost"
    assert (stored[len(before)].role, stored[len(before)].content) == ("user", TOO_LONG[kind])
    assert stored[-1].role == "notice" and result.error in stored[-1].content
    assert store.integrity_check() == "ok"
    after = send_and_wait(session, "Now say goodbye.")
    assert after.error is None and after.text, "the next ordinary message is answered"
    assert after.saved.finished.stats.dropped_turns >= 1, "by leaving the huge message out"


def test_text_that_is_not_valid_unicode_is_refused_before_it_is_stored(
    live: tuple[ChatSession, ChatStore],
) -> None:
    session, store = live
    before = _earlier_turn(session)
    with pytest.raises(ValueError):  # the window shows str(error) in the status bar
        session.send("half an emoji \ud83d")
    assert [(m.role, m.content) for m in session.messages()] == before
    assert not session.busy
    assert send_and_wait(session, "Still there?").error is None
    assert store.integrity_check() == "ok"

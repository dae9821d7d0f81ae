"""The KV state kept per conversation and per branch end, and which one a turn starts from.

The cache holds one branch end at a time (`_Held`). Leaving it (another conversation, or
another branch of this one) parks a snapshot in RAM (`kv_parking.py`; what no longer fits
and everything at close goes to disk, `kv_files.py`). A turn starts from the kept state
whose text shares the longest start with its prompt (`branch_choice.py`): switching to a
branch and continuing it then evaluates only the new tokens.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from app.chat.values import ModelInfo
from app.engine.branch_choice import choose, shared_start
from app.engine.errors import NoModelLoadedError
from app.engine.kv_files import KvSnapshot, KvStateFiles
from app.engine.kv_parking import ParkedStates
from app.engine.llama_internals import (
    cached_count,
    clear_cache,
    restore_sequence,
    snapshot_sequence,
)
from app.engine.pieces import PieceDecoder
from app.engine.template import ChatTemplate
from app.engine.thinking_cache import MessageKey
from app.engine.thinking_format import ThinkingFormat

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Held:
    """The text and tokens the KV cache holds for the current conversation."""

    text: str = ""
    tokens: list[int] = field(default_factory=list)
    key: MessageKey = ()  # the messages and reply it spells, when known (thinking_cache)


@dataclass(slots=True)
class _Loaded:
    llm: Any
    info: ModelInfo
    template: ChatTemplate
    pieces: PieceDecoder
    fingerprint: str
    thinking: ThinkingFormat | None = None


class KeptStates:
    """Mixed into LlamaEngine: parking, saving and restoring KV states."""

    _model: _Loaded | None
    _kv: KvStateFiles
    _parked: ParkedStates
    _conversation: str | None
    _held: _Held
    _floor: int

    def _require(self) -> _Loaded:
        if self._model is None:
            raise NoModelLoadedError()
        return self._model

    def save_state(self) -> None:
        snapshot = self._snapshot()
        if snapshot is not None:
            self._write(snapshot)

    def _snapshot(self) -> KvSnapshot | None:
        model = self._model
        if model is None or self._conversation is None or not self._held.tokens:
            return None
        kv_count = min(cached_count(model.llm), len(self._held.tokens))
        if kv_count == 0:
            return None
        return KvSnapshot(
            self._conversation,
            model.fingerprint,
            self._held.tokens[:kv_count],
            self._text_of(self._held, kv_count),
            snapshot_sequence(model.llm),
            self._floor,
        )

    def _write(self, snapshot: KvSnapshot) -> None:
        try:
            self._kv.save(snapshot)
        except OSError as error:  # a full disk must not break the chat
            log.warning("could not save KV state: %s", error)

    def _park_current(self) -> None:
        """Keep the state in the cache in RAM; what no longer fits goes to disk."""
        snapshot = self._snapshot()
        if snapshot is not None:
            for evicted in self._parked.park(snapshot):
                self._write(evicted)

    def forget(self, conversation_id: str) -> None:
        self._kv.forget(conversation_id)
        self._parked.forget(conversation_id)
        if conversation_id == self._conversation:
            self._conversation = None
            self._held = _Held()

    def _spelled(self, tokens: list[int]) -> str:
        """The text `tokens` spell, control tokens included (as the KV cache holds them)."""
        pieces = self._require().pieces
        return b"".join(pieces.piece(t, special=True) for t in tokens).decode(
            "utf-8", errors="replace"
        )

    def _text_of(self, held: _Held, count: int) -> str:
        """The text spelled by the first `count` held tokens."""
        if count == len(held.tokens):
            return held.text
        assert self._model is not None
        extra = b"".join(self._model.pieces.piece(t, special=True) for t in held.tokens[count:])
        encoded = held.text.encode("utf-8")
        return encoded[: len(encoded) - len(extra)].decode("utf-8", errors="replace")

    def _switch_to(self, conversation_id: str, prompt: str, on_path: bool = False) -> bool:
        """Start `prompt` from the best kept state of `conversation_id`: the one held, or a
        parked or saved one sharing more of its start. True if a kept state was restored.

        `on_path`: the held state is known to be this prompt's branch (thinking_cache).
        """
        model = self._require()
        same = conversation_id == self._conversation
        if same and (on_path or self._floor or prompt.startswith(self._held.text)):
            return False  # continuing the branch held (or a window that drops turns)
        parked = self._parked.of(conversation_id, model.fingerprint)
        on_disk = self._kv.peek_all(conversation_id, model.fingerprint)
        texts = [s.text for s in parked] + [t for _, t in on_disk]
        held_share = shared_start(self._held.text, prompt) if same else 0
        best = choose(texts, prompt, held_share)
        if log.isEnabledFor(logging.DEBUG):  # which kept state, and how much of it is reused
            shares = [shared_start(t, prompt) for t in texts]
            log.debug(
                "switch: held %d, kept %s of %d chars; chose %s",
                held_share,
                shares,
                len(prompt),
                best,
            )
        self._park_current()  # the branch or conversation being left
        if same and best is None:
            return False  # the shared start stays in the cache; the rest is read
        self._conversation, self._held, self._floor = conversation_id, _Held(), 0
        snapshot: KvSnapshot | None = None
        if best is not None and best < len(parked):
            snapshot = parked[best]
            self._parked.remove(snapshot)
        elif best is not None:
            path = on_disk[best - len(parked)][0]
            snapshot = self._kv.load_path(path, conversation_id, model.fingerprint)
        if snapshot and restore_sequence(model.llm, snapshot.state, snapshot.tokens):
            self._held = _Held(snapshot.text, list(snapshot.tokens))
            self._floor = snapshot.dropped_messages
            return True
        clear_cache(model.llm)
        return False

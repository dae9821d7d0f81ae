"""Snapshots switched away from, kept in memory (LRU, byte budget): one per branch end.

A conversation may have several: one per branch whose end was in the cache when the
conversation or the branch was left. Switching back copies the state into llama.cpp from
RAM (a memcpy) instead of reading and checking a file. A snapshot whose text is a prefix of
a newer one of the same conversation is dropped (the newer one continues that branch).
What no longer fits is handed back to be written to disk; closing the engine writes every
parked snapshot.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

from app.engine.kv_files import KvSnapshot

_Key = tuple[str, str]  # conversation id, digest of the text the state spells


def _key(snapshot: KvSnapshot) -> _Key:
    return snapshot.conversation_id, hashlib.sha256(snapshot.text.encode()).hexdigest()


class ParkedStates:
    def __init__(self, limit_bytes: int) -> None:
        self.limit_bytes = limit_bytes
        self._states: OrderedDict[_Key, KvSnapshot] = OrderedDict()

    def park(self, snapshot: KvSnapshot) -> list[KvSnapshot]:
        """Keep `snapshot`; returns the least recently used ones that no longer fit."""
        for key, kept in list(self._states.items()):
            if kept.conversation_id == snapshot.conversation_id and snapshot.text.startswith(
                kept.text
            ):
                del self._states[key]  # the same branch, further on
        self._states[_key(snapshot)] = snapshot
        evicted: list[KvSnapshot] = []
        while self.total_bytes() > self.limit_bytes and self._states:
            evicted.append(self._states.popitem(last=False)[1])
        return evicted

    def of(self, conversation_id: str, fingerprint: str) -> list[KvSnapshot]:
        """The conversation's parked snapshots for this model, most recently parked first."""
        return [
            s
            for s in reversed(self._states.values())
            if s.conversation_id == conversation_id and s.fingerprint == fingerprint
        ]

    def remove(self, snapshot: KvSnapshot) -> None:
        self._states.pop(_key(snapshot), None)

    def take(self, conversation_id: str, fingerprint: str) -> KvSnapshot | None:
        """The conversation's most recently parked snapshot (removed from here)."""
        found = next(iter(self.of(conversation_id, fingerprint)), None)
        if found is not None:
            self.remove(found)
        elif conversation_id in self:  # another model's states are of no use
            self.forget(conversation_id)
        return found

    def forget(self, conversation_id: str) -> None:
        for key in [k for k in self._states if k[0] == conversation_id]:
            del self._states[key]

    def drain(self) -> list[KvSnapshot]:
        states = list(self._states.values())
        self._states.clear()
        return states

    def total_bytes(self) -> int:
        return sum(len(s.state) + 4 * len(s.tokens) for s in self._states.values())

    def __contains__(self, conversation_id: object) -> bool:
        return any(k[0] == conversation_id for k in self._states)

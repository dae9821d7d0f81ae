"""Snapshots of conversations switched away from, kept in memory (LRU, byte budget).

Switching back to a parked conversation copies its KV state into llama.cpp from RAM (a
memcpy) instead of reading and checking a file. What no longer fits is handed back to be
written to disk; closing the engine writes every parked snapshot.
"""

from __future__ import annotations

from collections import OrderedDict

from app.engine.kv_files import KvSnapshot


class ParkedStates:
    def __init__(self, limit_bytes: int) -> None:
        self.limit_bytes = limit_bytes
        self._states: OrderedDict[str, KvSnapshot] = OrderedDict()

    def park(self, snapshot: KvSnapshot) -> list[KvSnapshot]:
        """Keep `snapshot`; returns the least recently used ones that no longer fit."""
        self._states.pop(snapshot.conversation_id, None)
        self._states[snapshot.conversation_id] = snapshot
        evicted: list[KvSnapshot] = []
        while self.total_bytes() > self.limit_bytes and self._states:
            evicted.append(self._states.popitem(last=False)[1])
        return evicted

    def take(self, conversation_id: str, fingerprint: str) -> KvSnapshot | None:
        snapshot = self._states.pop(conversation_id, None)
        return snapshot if snapshot and snapshot.fingerprint == fingerprint else None

    def forget(self, conversation_id: str) -> None:
        self._states.pop(conversation_id, None)

    def drain(self) -> list[KvSnapshot]:
        states = list(self._states.values())
        self._states.clear()
        return states

    def total_bytes(self) -> int:
        return sum(len(s.state) + 4 * len(s.tokens) for s in self._states.values())

    def __contains__(self, conversation_id: object) -> bool:
        return conversation_id in self._states

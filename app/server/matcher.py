"""ConversationMatcher: which stored conversation state a request continues.

Clients send the whole history with every request and often alternate between several
conversations. The engine keeps a KV state per conversation id (the current one in the
context, the others in RAM, then on disk). The matcher remembers, per id, the messages its
state spells (the request's messages plus the reply) and gives each new request the id
whose messages are the longest prefix of its own, so the engine switches to a state that
already holds all of the history and evaluates only the new message.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from app.chat.values import Message


@dataclass(frozen=True, slots=True)
class Match:
    conversation_id: str
    matched_messages: int  # how many leading messages the state already spells
    new: bool


def _common(a: Sequence[Message], b: Sequence[Message]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


class ConversationMatcher:
    def __init__(self, prefix: str = "api", capacity: int = 64) -> None:
        self._prefix = prefix
        self._capacity = capacity
        self._spelled: OrderedDict[str, tuple[Message, ...]] = OrderedDict()
        self._ids = itertools.count(1)
        self._busy: set[str] = set()

    def match(self, messages: Sequence[Message]) -> Match:
        """The id for `messages`, reserved until release(); a new one when none fits.

        A state continues the request when all its messages start the request; a request
        for the same reply again (the state minus its reply) reuses it too. A state merely
        sharing a system prompt or early turns is left alone: taking it over would cost the
        conversation it belongs to its cache.
        """
        best: tuple[int, str] | None = None
        for cid, spelled in self._spelled.items():
            if cid in self._busy:
                continue
            common = _common(spelled, messages)
            continues = common == len(spelled)
            regenerates = common == len(messages) == len(spelled) - 1
            if common == 0 or not (continues or regenerates):
                continue
            if best is None or common > best[0]:
                best = (common, cid)
        if best is None:
            cid = f"{self._prefix}-{next(self._ids)}"
            self._busy.add(cid)
            return Match(cid, 0, True)
        self._busy.add(best[1])
        self._spelled.move_to_end(best[1])
        return Match(best[1], best[0], False)

    def release(self, conversation_id: str, spelled: Sequence[Message] | None) -> list[str]:
        """Record what the state now spells (None: unknown, forget it); returns evicted ids."""
        self._busy.discard(conversation_id)
        if spelled is None:
            self._spelled.pop(conversation_id, None)
            return []
        self._spelled[conversation_id] = tuple(spelled)
        self._spelled.move_to_end(conversation_id)
        evicted = []
        while len(self._spelled) > self._capacity:
            evicted.append(self._spelled.popitem(last=False)[0])
        return evicted

    def __len__(self) -> int:
        return len(self._spelled)

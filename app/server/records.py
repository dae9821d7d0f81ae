"""RequestRecord: one API request as the window's request list and stats panel see it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.chat.events import TurnStats


@dataclass(frozen=True, slots=True)
class RequestRecord:
    request_id: str
    started: float  # time.time()
    method: str
    path: str
    status: int
    stream: bool = False
    conversation: str = ""  # the KV-state conversation the request was matched to
    stats: TurnStats | None = None  # generation figures, like a chat turn's
    error: str | None = None

    @property
    def summary(self) -> str:
        head = f"{self.method} {self.path} -> {self.status}"
        if self.stats is None:
            return head if self.error is None else f"{head}: {self.error}"
        s = self.stats
        return (
            f"{head}: {s.prompt_tokens} prompt ({s.cached_tokens} cached), "
            f"{s.generated_tokens} generated, TTFT {s.ttft_s * 1000:.0f} ms, "
            f"{s.decode_tps:.1f} tok/s"
        )


RequestObserver = Callable[[RequestRecord], None]

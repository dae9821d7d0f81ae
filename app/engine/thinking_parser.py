"""Split a streaming reply into thinking and answer, markers split across tokens included.

Text arrives in arbitrary pieces. The parser emits what it can be sure of at once and holds
back only a tail that could still turn into a marker (`</thi` might become `</think>`), so
thinking shows while it streams. A reply that ends inside thinking has no answer.
"""

from __future__ import annotations

from typing import Literal

from app.chat.events import Channel
from app.engine.thinking_format import ThinkingFormat

State = Literal["start", "thinking", "between", "answer"]
Segment = tuple[Channel, str]


def _partial_suffix(text: str, marker: str) -> int:
    """Length of the longest end of `text` that is the start of `marker`."""
    for size in range(min(len(text), len(marker) - 1), 0, -1):
        if marker.startswith(text[-size:]):
            return size
    return 0


class ThinkingParser:
    def __init__(self, fmt: ThinkingFormat, thinking_open: bool = False) -> None:
        self.fmt = fmt
        self.state: State = "thinking" if thinking_open else "start"
        self._buffer = ""
        self._lead = True  # leading whitespace of the current part is dropped
        self.saw_thinking = thinking_open

    @property
    def thinking(self) -> bool:
        """Still before the answer (thinking, or not yet known)."""
        return self.state in ("start", "thinking", "between")

    def feed(self, text: str) -> list[Segment]:
        self._buffer += text
        out: list[Segment] = []
        while self._buffer:
            before = (self.state, len(self._buffer))
            self._step(out)
            if (self.state, len(self._buffer)) == before:
                break  # waiting for more text
        return [(channel, part) for channel, part in out if part]

    def finish(self) -> list[Segment]:
        """The reply ended: whatever is held back goes where the state says."""
        rest, self._buffer = self._buffer, ""
        if self.state == "thinking":
            return [("thinking", rest)] if self._take_lead(rest) else []
        if self.state == "between":
            return []
        rest = self._take_lead(rest)
        return [("answer", rest)] if rest else []

    def _step(self, out: list[Segment]) -> None:
        if self.state == "start":
            self._step_start()
        elif self.state == "thinking":
            self._step_thinking(out)
        elif self.state == "between":
            self._step_between()
        else:
            self._step_answer(out)

    def _step_start(self) -> None:
        head = self._buffer.lstrip()
        fmt = self.fmt
        for marker, state in ((fmt.open, "thinking"), (fmt.answer_start, "answer")):
            if marker and head.startswith(marker):
                self._buffer = head[len(marker) :]
                self._enter(state)  # type: ignore[arg-type]
                return
        if not head or any(m and m.startswith(head) for m in (fmt.open, fmt.answer_start)):
            return  # could still become a marker
        self._enter("answer")

    def _step_thinking(self, out: list[Segment]) -> None:
        close = self.fmt.close
        index = self._buffer.find(close)
        if index >= 0:
            out.append(("thinking", self._take_lead(self._buffer[:index])))
            self._buffer = self._buffer[index + len(close) :]
            self._enter("between" if self.fmt.answer_start else "answer")
            return
        keep = _partial_suffix(self._buffer, close)
        ready = self._buffer[: len(self._buffer) - keep]
        if ready:
            out.append(("thinking", self._take_lead(ready)))
            self._buffer = self._buffer[len(ready) :]

    def _step_answer(self, out: list[Segment]) -> None:
        """The answer as it comes, less any stray closing marker (a model that closes its
        thinking again after Hearth closed it at the budget): markup never reaches it."""
        close = self.fmt.close if self.saw_thinking else ""
        if not close:
            out.append(("answer", self._take_lead(self._buffer)))
            self._buffer = ""
            return
        text = self._buffer.replace(close, "")
        keep = _partial_suffix(text, close)
        out.append(("answer", self._take_lead(text[: len(text) - keep])))
        self._buffer = text[len(text) - keep :]

    def _step_between(self) -> None:
        marker = self.fmt.answer_start
        index = self._buffer.find(marker)
        if index >= 0:
            self._buffer = self._buffer[index + len(marker) :]
            self._enter("answer")
        else:
            self._buffer = self._buffer[len(self._buffer) - _partial_suffix(self._buffer, marker) :]

    def _enter(self, state: State) -> None:
        self.state = state
        self._lead = True
        if state == "thinking":
            self.saw_thinking = True

    def _take_lead(self, text: str) -> str:
        if self._lead:
            text = text.lstrip()
            self._lead = not text
        return text

"""What a session hands out and keeps per conversation, and how history becomes a prompt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from app.chat.events import PromptEvaluated, PromptProgress, TokensReceived, TurnFinished
from app.chat.values import GenerationParams, Message
from app.engine.runner import TurnStream
from app.settings import Settings
from app.store import StoredMessage


class TurnRunner(Protocol):
    """The part of EngineRunner a session needs."""

    def chat(
        self, conversation_id: str, messages: Sequence[Message], params: GenerationParams
    ) -> TurnStream: ...


@dataclass(frozen=True, slots=True)
class NoticeAdded:
    """A notice (e.g. "old turns were dropped") was stored in the open conversation."""

    message: StoredMessage


@dataclass(frozen=True, slots=True)
class ReplySaved:
    """A turn ended and its reply is stored (`message` is None when nothing was generated)."""

    conversation_id: str
    finished: TurnFinished
    message: StoredMessage | None
    error_notice: StoredMessage | None
    foreground: bool  # False: the turn outlived a switch to another conversation
    saved: bool = True  # False: the disk refused it; the session keeps it and retries


@dataclass(frozen=True, slots=True)
class SaveFailed:
    """A reply (or its end) could not be stored; the session keeps it and tries again."""

    conversation_id: str
    advice: str  # what failed and what to do, in plain words
    streaming: bool  # the reply is still arriving (and still shown)


@dataclass(frozen=True, slots=True)
class SaveRecovered:
    """Every reply that could not be stored earlier is stored now."""

    conversation_id: str


SessionEvent = (
    PromptProgress
    | PromptEvaluated
    | TokensReceived
    | NoticeAdded
    | ReplySaved
    | SaveFailed
    | SaveRecovered
)


@dataclass(frozen=True, slots=True)
class ConversationSettings:
    """What each conversation remembers: its system prompt and generation parameters."""

    system_prompt: str
    generation: GenerationParams

    def as_dict(self) -> dict[str, Any]:
        return {"system_prompt": self.system_prompt, "generation": asdict(self.generation)}

    @staticmethod
    def from_dict(data: dict[str, Any], fallback: ConversationSettings) -> ConversationSettings:
        prompt = data.get("system_prompt", fallback.system_prompt)
        known = set(GenerationParams.__dataclass_fields__)
        stored = {k: v for k, v in dict(data.get("generation") or {}).items() if k in known}
        try:
            generation = GenerationParams(**{**asdict(fallback.generation), **stored})
        except TypeError:
            generation = fallback.generation
        return ConversationSettings(str(prompt), generation)

    @staticmethod
    def of(settings: Settings) -> ConversationSettings:
        return ConversationSettings(settings.system_prompt, settings.generation)


def dropped_turns_notice(count: int) -> str:
    turns = "turn" if count == 1 else "turns"
    return (
        f"The conversation no longer fits in the model's context window: the oldest {count} "
        f"{turns} were left out of this reply (the system prompt was kept)."
    )


def engine_messages(system_prompt: str, history: Sequence[StoredMessage]) -> list[Message]:
    """The system prompt, then user/assistant messages; notices and empty replies left out."""
    messages = [Message("system", system_prompt)] if system_prompt.strip() else []
    for stored in history:
        if stored.role == "user" or (stored.role == "assistant" and stored.content):
            role = stored.role
            messages.append(Message(role, stored.content, stored.thinking))  # type: ignore[arg-type]
    return messages

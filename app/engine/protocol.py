"""The seam between the engine and everything that drives it."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Protocol

from app.chat.events import TurnEvent
from app.chat.values import GenerationParams, LoadOptions, Message, ModelInfo
from app.engine.llama_internals import LoadProgress


class ChatEngine(Protocol):
    """A blocking engine. Only the runner's worker thread may call it."""

    @property
    def info(self) -> ModelInfo | None: ...

    def load(
        self, path: str, options: LoadOptions, progress: LoadProgress | None = None
    ) -> ModelInfo:
        """Load a GGUF file; on failure raise ModelLoadError and keep the previous model.

        `progress(fraction)` is called as the file loads; when it returns False the load
        stops, ModelLoadCancelled is raised and the previous model stays.
        """
        ...

    def unload(self) -> None: ...

    def chat(
        self,
        conversation_id: str,
        messages: Sequence[Message],
        params: GenerationParams,
        cancel: threading.Event,
    ) -> Iterator[TurnEvent]:
        """Reply to `messages` (system prompt first, last one from the user).

        Yields PromptProgress while reading a prompt longer than one batch, PromptEvaluated,
        then TokensReceived per token, then exactly one TurnFinished (a turn stopped while
        reading its prompt ends with TurnFinished("cancelled") and no PromptEvaluated).
        Raises EngineError before the first event for problems known upfront.
        """
        ...

    def save_state(self) -> None:
        """Write the KV state of the conversation currently held to disk."""
        ...

    def forget(self, conversation_id: str) -> None:
        """Drop any saved KV state of a conversation (it was deleted or edited)."""
        ...

    def prompt_pieces(self, messages: Sequence[Message]) -> list[str]:
        """The rendered prompt split into its tokens, for the inspector."""
        ...

    def close(self) -> None:
        """Save state and free the model."""
        ...

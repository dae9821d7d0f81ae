"""Errors the engine raises, each with a message a person can act on."""

from __future__ import annotations


class EngineError(Exception):
    """Base class: str(error) is a complete, user-readable sentence."""


class ModelLoadError(EngineError):
    """The file could not be loaded; `reason` says why (from checks or llama.cpp's log)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"Could not load {path}: {reason}")
        self.path = path
        self.reason = reason


class ModelLoadCancelled(EngineError):
    """The person cancelled the load; the previous model (if any) is still loaded."""

    def __init__(self, path: str) -> None:
        name = path.replace("\\", "/").rsplit("/", 1)[-1]
        super().__init__(f"Loading {name} was cancelled; the previous model stays loaded.")
        self.path = path


class NoModelLoadedError(EngineError):
    def __init__(self) -> None:
        super().__init__("No model is loaded. Pick one in the model picker first.")


class MessageTooLongError(EngineError):
    """One message (with the system prompt) does not fit in the context window."""

    def __init__(self, message_tokens: int, context_size: int) -> None:
        super().__init__(
            f"This message is {message_tokens:,} tokens long, but the context window holds "
            f"{context_size:,} tokens with room for a reply. Shorten it, or raise the context "
            "length in Settings."
        )
        self.message_tokens = message_tokens
        self.context_size = context_size


class ChatTemplateError(EngineError):
    """The model's chat template failed or was refused by the sandbox."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"The model's chat template cannot be used: {reason}")
        self.reason = reason

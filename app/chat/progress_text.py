"""The words for the waits people feel: loading a model, reading a prompt, counting tokens.

Plain functions (no Qt), shared by the window and the terminal chat.
"""

from __future__ import annotations

from app.chat.events import PromptProgress


def size_text(size_bytes: int) -> str:
    """1,234,567,890 -> '1.2 GB'; small files in MB."""
    if size_bytes >= 1_000_000_000:
        return f"{size_bytes / 1_000_000_000:.1f} GB"
    return f"{size_bytes / 1_000_000:.0f} MB" if size_bytes >= 1_000_000 else f"{size_bytes:,} B"


def duration_text(seconds: float) -> str:
    """A short, rounded time left: '4 s', '1 min 05 s'."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60:02d} s"


def load_progress_text(file_name: str, size_bytes: int, fraction: float) -> str:
    """'Loading model.gguf (1.2 GB)… 45%'."""
    percent = int(max(0.0, min(1.0, fraction)) * 100)
    return f"Loading {file_name} ({size_text(size_bytes)})… {percent}%"


def prompt_progress_text(event: PromptProgress) -> str:
    """'Reading the prompt: 45% (1,024 of 2,300 tokens), about 3 s left'."""
    text = (
        f"Reading the prompt: {int(event.fraction * 100)}% "
        f"({event.evaluated:,} of {event.total:,} tokens)"
    )
    left = event.seconds_left
    return text if left is None else f"{text}, about {duration_text(left)} left"


def token_count_text(message_tokens: int, context_used: int, context_size: int) -> str:
    """'312 tokens; 1,240 of 4,096 after this message' (and a warning when it won't fit)."""
    unit = "token" if message_tokens == 1 else "tokens"
    after = context_used + message_tokens
    text = f"{message_tokens:,} {unit}; {after:,} of {context_size:,} after this message"
    if context_size and after > context_size:
        text += " (older turns will be left out)"
    return text

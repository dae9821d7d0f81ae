"""Which reader a file's items need: ChatGPT (``mapping``), Claude (``chat_messages``) or
Hearth (``format: hearth-conversation``), decided per item so a file mixing them reads too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from app.transfer.chatgpt import read_chatgpt
from app.transfer.claude import read_claude
from app.transfer.hearth import FORMAT, read_hearth
from app.transfer.json_stream import iter_items
from app.transfer.model import BadFileError, ImportedConversation
from app.transfer.source import Source

Reader = Callable[[dict[str, Any], int], ImportedConversation]


def _reader(item: object, number: int, name: str) -> Reader:
    if not isinstance(item, dict):
        kind = "a list" if isinstance(item, list) else type(item).__name__
        raise BadFileError(
            f"{name}: item {number} is {kind}, not a conversation (expected a JSON object)"
        )
    if "mapping" in item:
        return read_chatgpt
    if "chat_messages" in item:
        return read_claude
    if item.get("format") == FORMAT:
        return read_hearth
    keys = ", ".join(sorted(str(k) for k in item)[:6]) or "no keys"
    raise BadFileError(
        f"{name}: item {number} is not a ChatGPT, Claude or Hearth conversation"
        f" (it has {keys}; expected 'mapping', 'chat_messages' or a Hearth export)"
    )


def conversations(source: Source) -> Iterator[ImportedConversation]:
    """The file's conversations in order; BadFileError names the file and the item."""
    for number, item in enumerate(iter_items(source.text, source.name, source.read_error), 1):
        read = _reader(item, number, source.name)
        try:
            yield read(item, number)
        except BadFileError as error:
            raise BadFileError(f"{source.name}: {error}") from error

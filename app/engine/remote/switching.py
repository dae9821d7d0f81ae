"""SwitchingEngine: one ChatEngine that is a local llama.cpp model or a remote server.

The runner, window, session, store and CLI hold one engine; this one forwards to the
local engine or the remote one depending on the model "path" last loaded (a URL means a
server, see app.chat.remote). A failed load keeps the previous model, local or remote; a
successful one frees the other (the local model's KV state is saved first), so a server is
contacted only while one of its models is in use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence

from app.chat.events import TurnEvent
from app.chat.remote import is_remote_path
from app.chat.values import GenerationParams, LoadOptions, Message, ModelInfo
from app.engine.errors import NoModelLoadedError
from app.engine.llama_internals import LoadProgress
from app.engine.protocol import ChatEngine


class SwitchingEngine:
    def __init__(self, local: Callable[[], ChatEngine], remote: Callable[[], ChatEngine]) -> None:
        self._factories = {False: local, True: remote}
        self._engines: dict[bool, ChatEngine] = {}
        self._active: ChatEngine | None = None

    def _engine(self, remote: bool) -> ChatEngine:
        if remote not in self._engines:
            self._engines[remote] = self._factories[remote]()
        return self._engines[remote]

    @property
    def info(self) -> ModelInfo | None:
        return self._active.info if self._active is not None else None

    def load(
        self, path: str, options: LoadOptions, progress: LoadProgress | None = None
    ) -> ModelInfo:
        remote = is_remote_path(path)
        engine = self._engine(remote)
        info = engine.load(path, options, progress)  # raises and keeps everything as it was
        other = self._engines.get(not remote)
        if other is not None:
            other.unload()
        self._active = engine
        return info

    def unload(self) -> None:
        if self._active is not None:
            self._active.unload()
            self._active = None

    def _require(self) -> ChatEngine:
        if self._active is None:
            raise NoModelLoadedError()
        return self._active

    def chat(
        self,
        conversation_id: str,
        messages: Sequence[Message],
        params: GenerationParams,
        cancel: threading.Event,
    ) -> Iterator[TurnEvent]:
        return self._require().chat(conversation_id, messages, params, cancel)

    def complete(
        self,
        conversation_id: str,
        prompt_text: str,
        params: GenerationParams,
        cancel: threading.Event,
    ) -> Iterator[TurnEvent]:
        return self._require().complete(conversation_id, prompt_text, params, cancel)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return self._require().embed(texts)

    def count_tokens(self, messages: Sequence[Message]) -> int:
        return self._require().count_tokens(messages)

    def save_state(self) -> None:
        if self._active is not None:
            self._active.save_state()

    def forget(self, conversation_id: str) -> None:
        for engine in self._engines.values():
            engine.forget(conversation_id)

    def prompt_pieces(self, messages: Sequence[Message]) -> list[str]:
        return self._require().prompt_pieces(messages)

    def close(self) -> None:
        for engine in self._engines.values():
            engine.close()
        self._active = None

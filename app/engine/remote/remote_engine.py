"""RemoteEngine: the ChatEngine protocol over an OpenAI-compatible server.

`load(path)` takes a remote model path (`http://host:port/v1#model`, see app.chat.remote),
asks the server for its model list (so a wrong address, a missing key or an unknown model
fails at load, with the previous model kept) and returns a ModelInfo whose backend says
where it runs. `chat()` streams the reply; the KV cache lives on the server, so there is
nothing to save or forget here.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence

from app.chat.events import PromptEvaluated, StopReason, TokensReceived, TurnEvent, TurnFinished
from app.chat.remote import Endpoint, split_model_path
from app.chat.values import GenerationParams, LoadOptions, Message, ModelInfo
from app.engine.errors import EngineError, ModelLoadError, NoModelLoadedError
from app.engine.llama_internals import LoadProgress
from app.engine.remote import errors
from app.engine.remote.client import ChatStream, ServerClient, StreamEnd, StreamItem, Timeouts
from app.engine.remote.figures import RemoteClock, remote_stats

KeyLookup = Callable[[str], str]  # base URL -> API key ("" for none)
POLL_S = 0.05  # how often a waiting turn looks at its cancel flag
PROMPT_UNKNOWN = ("prompt_tokens", "cached_tokens", "evaluated_tokens")
REASONS: dict[str, StopReason] = {"stop": "stop", "length": "length", "eos": "stop"}


def runs_on(endpoint: Endpoint) -> str:
    """The stats panel's "Runs on" for a server."""
    where = "a server on this computer" if endpoint.is_loopback else "remote"
    return f"{endpoint.netloc} ({where})"


def no_key(_base_url: str) -> str:
    return ""


class RemoteEngine:
    def __init__(self, api_key: KeyLookup = no_key, timeouts: Timeouts | None = None) -> None:
        self._api_key = api_key
        self._timeouts = timeouts or Timeouts()
        self._client: ServerClient | None = None
        self._model = ""
        self._info: ModelInfo | None = None

    @property
    def info(self) -> ModelInfo | None:
        return self._info

    def load(
        self, path: str, options: LoadOptions, progress: LoadProgress | None = None
    ) -> ModelInfo:
        """Connect and check the model is listed (`progress` is not used: nothing to read)."""
        started = time.perf_counter()
        try:
            endpoint, model = split_model_path(path)
        except ValueError as error:
            raise ModelLoadError(path, str(error)) from None
        client = ServerClient(endpoint, self._api_key(endpoint.base_url), self._timeouts)
        try:
            listed = client.list_models()
        except errors.RemoteError as error:
            client.close()
            raise ModelLoadError(path, str(error)) from None
        ids = [m.id for m in listed]
        model = model or (ids[0] if ids else "")
        found = next((m for m in listed if m.id == model), None)
        if found is None:
            client.close()
            offered = f" (it offers: {', '.join(ids[:8])})" if ids else " (it lists no models)"
            raise ModelLoadError(path, str(errors.unknown_model(endpoint, model, offered)))
        self.unload()
        self._client, self._model = client, model
        self._info = ModelInfo(
            path=endpoint.model_path(model),
            name=model,
            architecture="remote",
            parameter_count=found.parameter_count,
            quantization="",
            file_size=found.file_size,
            trained_context=found.trained_context,
            has_chat_template=True,
            load_seconds=time.perf_counter() - started,
            context_size=found.context_size,
            backend=runs_on(endpoint),
            endpoint=endpoint.base_url,
        )
        return self._info

    def unload(self) -> None:
        if self._client is not None:
            self._client.close()
        self._client, self._info = None, None

    def chat(
        self,
        conversation_id: str,
        messages: Sequence[Message],
        params: GenerationParams,
        cancel: threading.Event,
    ) -> Iterator[TurnEvent]:
        """Stream a reply; errors before the first byte end the turn too, with a message."""
        client, clock = self._require(), RemoteClock()
        return self._turn(client.open_chat(self._model, messages, params), cancel, clock)

    def complete(
        self,
        conversation_id: str,
        prompt_text: str,
        params: GenerationParams,
        cancel: threading.Event,
    ) -> Iterator[TurnEvent]:
        client, clock = self._require(), RemoteClock()
        return self._turn(client.open_completion(self._model, prompt_text, params), cancel, clock)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        vectors = self._require().embeddings(self._model, texts)
        return [[x / norm for x in v] if (norm := math.hypot(*v)) else v for v in vectors]

    def count_tokens(self, messages: Sequence[Message]) -> int:
        raise EngineError("A server's tokenizer cannot be reached through the OpenAI API.")

    def _require(self) -> ServerClient:
        if self._client is None or self._info is None:
            raise NoModelLoadedError()
        return self._client

    def _turn(
        self, stream: ChatStream, cancel: threading.Event, clock: RemoteClock
    ) -> Iterator[TurnEvent]:
        context = self._info.context_size if self._info else 0
        parts: list[str] = []
        reason: StopReason = "stop"
        error: str | None = None
        for item in _items(stream, cancel):
            if item is None:
                reason = "cancelled"
                break
            if isinstance(item, StreamEnd):
                if item.error is not None:
                    reason, error = "error", str(item.error)
                break
            if item.usage:
                clock.usage = item.usage
            if item.timings:
                clock.timings = item.timings
            if item.finish_reason is not None:
                reason = REASONS.get(item.finish_reason, "stop")
            if item.text:
                if clock.text_arrived():
                    yield _prompt_evaluated(clock, context)
                parts.append(item.text)
                yield TokensReceived(item.text, 1, clock.decode_so_far())
        stats = remote_stats(clock, reason, context)
        yield TurnFinished(reason, "".join(parts), stats, error)

    def save_state(self) -> None:
        return None  # the KV cache lives on the server

    def forget(self, conversation_id: str) -> None:
        return None

    def prompt_pieces(self, messages: Sequence[Message]) -> list[str]:
        """The server's tokenizer is not reachable through the OpenAI API."""
        return []

    def close(self) -> None:
        self.unload()


def _prompt_evaluated(clock: RemoteClock, context: int) -> PromptEvaluated:
    seconds = (clock.first or clock.started) - clock.started
    unknown = PROMPT_UNKNOWN + (("context_size",) if context <= 0 else ())
    return PromptEvaluated(0, 0, 0, seconds, 0, context, unknown=unknown)


def _items(stream: ChatStream, cancel: threading.Event) -> Iterator[StreamItem | None]:
    """The stream's items as they come; None (after aborting it) once Stop is pressed."""
    while True:
        if cancel.is_set():
            stream.abort()
            yield None
            return
        try:
            item = stream.items.get(timeout=POLL_S)
        except queue.Empty:
            continue
        yield item
        if isinstance(item, StreamEnd):
            return

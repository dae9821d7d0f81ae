"""LlamaEngine: chat with a GGUF model through llama.cpp, reusing the KV cache across turns.

The KV cache of the current conversation spells a known text (`_Held`). A new turn's prompt
is rendered from the whole conversation; when it starts with that text, its tokens are the
held tokens plus the tokens of the new text only, so llama.cpp evaluates just the new part
no matter how the tokenizer would have split the earlier replies. Switching conversation
saves the held cache to disk and restores the other one's.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from app import paths
from app.chat.context_policy import reply_reserve
from app.chat.events import (
    PromptEvaluated,
    StopReason,
    TurnEvent,
    TurnFinished,
)
from app.chat.values import GenerationParams, LoadOptions, Message, ModelInfo
from app.engine.branch_choice import shared_start
from app.engine.context_shift import find_cut
from app.engine.context_window import plan_window
from app.engine.embedder import Embedder
from app.engine.errors import (
    ChatTemplateError,
    MessageTooLongError,
    ModelLoadError,
)
from app.engine.kept_states import KeptStates, _Held, _Loaded
from app.engine.kv_files import KvStateFiles
from app.engine.kv_parking import ParkedStates
from app.engine.llama_internals import (
    LoadProgress,
    cached_count,
    cached_tokens_equal,
    cut_cache,
    keep_prefix,
    version,
)
from app.engine.model_loader import describe, file_fingerprint, open_llama
from app.engine.model_template import template_for
from app.engine.pieces import PieceDecoder
from app.engine.prefill import read_prompt
from app.engine.reply_events import ReplyEvents
from app.engine.thinking_cache import MessageKey, apply_policy, message_key
from app.engine.thinking_format import ThinkingFormat, detect_format, render_prompt
from app.engine.token_feed import TokenFeed, insert_text, sampler
from app.engine.turn_stats import TurnClock
from app.engine.utf8_stream import Utf8Stream

log = logging.getLogger(__name__)
_RANDOM_SEED = 0xFFFFFFFF  # LLAMA_DEFAULT_SEED: llama.cpp draws a random seed


class LlamaEngine(KeptStates):
    def __init__(
        self,
        kv_limit_bytes: int = 2 << 30,
        kv_dir: Path | None = None,
        kv_memory_bytes: int = 512 << 20,
    ) -> None:
        self._model: _Loaded | None = None
        self._kv = KvStateFiles(kv_dir or paths.kv_state_dir(), kv_limit_bytes)
        self._parked = ParkedStates(kv_memory_bytes)  # switched-away conversations, in RAM
        self._embedder = Embedder()
        self._conversation: str | None = None
        self._held = _Held()
        self._floor = 0  # history messages dropped so far in this conversation
        self._unpaid_load_s = 0.0

    @property
    def info(self) -> ModelInfo | None:
        return self._model.info if self._model else None

    # -- loading --------------------------------------------------------------------
    def load(
        self, path: str, options: LoadOptions, progress: LoadProgress | None = None
    ) -> ModelInfo:
        """Open `path`; `progress(fraction)` may return False to cancel (ModelLoadCancelled)."""
        options = options.normalized()
        llm, seconds = open_llama(path, options, progress)  # the current model stays
        try:
            pieces = PieceDecoder(llm)
            template = template_for(llm, pieces)
            template.render([Message("system", "x"), Message("user", "y")])
            info = describe(llm, path, options, seconds)
            fingerprint = f"{file_fingerprint(path)}|ctx={info.context_size}|{version()}"
        except ChatTemplateError as error:
            llm.close()
            raise ModelLoadError(
                path, f"its chat template cannot be used: {error.reason}"
            ) from error
        except Exception:
            llm.close()
            raise
        self.unload()
        fmt = detect_format(None if template.is_fallback else template.source, llm.metadata)
        if fmt is not None:
            info = replace(info, thinking_format=fmt.name, thinking_switch=fmt.switch)
        self._model = _Loaded(llm, info, template, pieces, fingerprint, fmt)
        self._unpaid_load_s = seconds
        return info

    def unload(self) -> None:
        if self._model is None:
            return
        self.save_state()
        for parked in self._parked.drain():
            self._write(parked)
        self._embedder.close()
        self._model.llm.close()
        self._model = None
        self._conversation = None
        self._held = _Held()

    def close(self) -> None:
        self.unload()

    # -- chat -----------------------------------------------------------------------
    def chat(
        self,
        conversation_id: str,
        messages: Sequence[Message],
        params: GenerationParams,
        cancel: threading.Event,
    ) -> Iterator[TurnEvent]:
        model = self._require()
        clock = TurnClock(self._unpaid_load_s)
        texts: dict[tuple[Message, ...], str] = {}  # rendered candidate prompts
        # Planning renders and tokenizes candidate prompts; the chosen one is reused below.
        built: dict[tuple[Message, ...], tuple[str, list[int]]] = {}

        def render(candidate: Sequence[Message]) -> str:
            key = tuple(candidate)
            if key not in texts:
                texts[key] = self._render(candidate, params)
            return texts[key]

        def build(candidate: Sequence[Message]) -> tuple[str, list[int]]:
            key = tuple(candidate)
            if key not in built:
                built[key] = (render(candidate), self._tokens_for(render(candidate)))
            return built[key]

        held_key = self._held.key if conversation_id == self._conversation else ()
        on_path = bool(held_key) and held_key == message_key(messages[:-1])
        restored = self._switch_to(conversation_id, render(messages), on_path)
        n_ctx = model.info.context_size
        plan = plan_window(
            messages,
            lambda m: len(build(m)[1]),
            n_ctx,
            reply_reserve(params.max_tokens, n_ctx),
            self._floor,
        )
        prompt_text, prompt = build(plan.messages)
        if plan.dropped_messages > self._floor and self._cut_dropped_turns(prompt_text):
            prompt = self._tokens_for(prompt_text)  # now built on the cut cache
        self._floor = plan.dropped_messages
        if len(prompt) >= n_ctx - 1:
            raise MessageTooLongError(len(prompt), n_ctx)
        policy: tuple[str | None, int] = (None, 0)
        if model.thinking is not None:
            held = (self._held.text, self._held.key)
            prompt_text, prompt, name, old = apply_policy(
                held, plan.messages, (prompt_text, prompt), params, self._tokens_for, n_ctx
            )
            policy = (name, old)
        self._unpaid_load_s = 0.0
        replies = ReplyEvents.for_prompt(model.thinking, prompt_text, params, clock.started)
        return self._generate(
            model, (prompt_text, prompt, message_key(plan.messages)), plan.dropped_turns,
            restored, params, cancel, clock, replies, policy,
        )  # fmt: skip

    def complete(
        self,
        conversation_id: str,
        prompt_text: str,
        params: GenerationParams,
        cancel: threading.Event,
    ) -> Iterator[TurnEvent]:
        """Continue `prompt_text` as is (no chat template); events as in chat()."""
        model = self._require()
        clock = TurnClock(self._unpaid_load_s)
        restored = self._switch_to(conversation_id, prompt_text)
        prompt = self._tokens_for(prompt_text)
        if len(prompt) >= model.info.context_size - 1:
            raise MessageTooLongError(len(prompt), model.info.context_size)
        self._unpaid_load_s = 0.0
        replies = ReplyEvents.for_prompt(None, prompt_text, params, clock.started)
        return self._generate(
            model, (prompt_text, prompt, ()), 0, restored, params, cancel, clock, replies, (None, 0)
        )

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Embeddings of `texts` from a second, embedding-mode instance of the model."""
        model = self._require()
        return self._embedder.embed(model.info.path, model.info.context_size, texts)

    def count_tokens(self, messages: Sequence[Message]) -> int:
        """How many tokens the rendered conversation takes (before any turn is dropped)."""
        return len(self._require().llm.tokenize(self._render(messages).encode(), special=True))

    def _generate(
        self,
        model: _Loaded,
        built: tuple[str, list[int], MessageKey],
        dropped: int,
        restored: bool,
        params: GenerationParams,
        cancel: threading.Event,
        clock: TurnClock,
        replies: ReplyEvents,
        policy: tuple[str | None, int],
    ) -> Iterator[TurnEvent]:
        llm, n_ctx = model.llm, model.info.context_size
        prompt_text, prompt, key = built
        # No seed: a fresh random one each reply (so Regenerate gives a new answer).
        llm.set_seed(params.seed if params.seed is not None else _RANDOM_SEED)
        clock.prefill_started()
        reused = keep_prefix(llm, prompt)  # what generate() would reuse; the rest is read here
        self._held = _Held(prompt_text, list(prompt))  # the cache spells a prefix of it
        # With a seed, the prompt's last token is always decoded alone, as it is when the
        # rest is cached: a batch of one and a batch of many round differently, and the same
        # seed must give the same reply whether or not the prompt was cached.
        seeded = params.seed is not None
        read = yield from read_prompt(llm, prompt[reused:], cancel, clock, last_alone=seeded)
        if not read:
            clock.decode_ended()
            stats = clock.stats(
                len(prompt), reused, 0, cached_count(llm), n_ctx, "cancelled", dropped, restored
            )
            yield TurnFinished("cancelled", "", stats)
            return
        decoder = Utf8Stream()
        special = model.thinking is not None  # gpt-oss's channel markers are special tokens
        reply: list[str] = []
        generated: list[int] = []
        clean = 0  # tokens of `generated` that decode to whole characters
        reason: StopReason = "length"
        # The prompt is in the cache: generate() samples at once.
        tokens = TokenFeed(sampler(llm, params), prompt)
        try:
            for token in tokens:
                if clock.first_token():
                    yield PromptEvaluated(
                        len(prompt),
                        reused,
                        len(prompt) - reused,
                        clock.prefill_s,
                        dropped,
                        n_ctx,
                        restored,
                    )
                if cancel.is_set():
                    reason = "cancelled"
                    break
                if model.pieces.is_end_of_generation(token) and not params.ignore_eos:
                    reason = "stop"
                    break
                generated.append(token)
                text = decoder.feed(model.pieces.piece(token, special=special))
                if decoder.between_characters:
                    clean = len(generated)
                if text:
                    reply.append(text)
                    yield from replies.text(text, 1, clock.decode_so_far())
                if (close := replies.budget_close()) is not None:  # Hearth ends the thinking
                    generated += insert_text(llm, tokens, close)
                    clean = len(generated) if decoder.between_characters else clean
                    reply.append(close)
                    yield from replies.text(close, 0, clock.decode_so_far())
                if len(generated) >= params.max_tokens or len(prompt) + len(generated) >= n_ctx - 1:
                    break
        finally:
            tokens.close()
        clock.decode_ended()
        yield from replies.finish(clock.decode_so_far())
        text, answer = "".join(reply), replies.answer
        done = reason in ("stop", "length") and answer and text.endswith(answer)
        reply_key = (*key, ("assistant", answer)) if done else ()
        # The held text is what the tokens spell: a control token the reply shows as ""
        # (an end-of-turn under ignore_eos) is in the cache, so it is in the text too.
        spelled = self._spelled(generated[:clean])
        self._held = _Held(prompt_text + spelled, prompt + generated[:clean], reply_key)
        stats = clock.stats(
            len(prompt), reused, len(generated), cached_count(llm), n_ctx, reason, dropped, restored
        )
        if model.thinking is not None:
            stats = replace(stats, thinking_policy=policy[0], old_thinking_tokens=policy[1])
        stats = replies.stats(stats, time.perf_counter())
        yield TurnFinished(reason, answer, stats, thinking=replies.thinking)

    def _cut_dropped_turns(self, prompt_text: str) -> bool:
        """Context shift: cut the turns just dropped out of the KV cache, keep the rest.

        Without it, dropping old turns changes the prompt right after the system prompt and
        everything after it is evaluated again (seconds to tens of seconds on a CPU).
        """
        model, held = self._require(), self._held
        if not held.tokens or prompt_text.startswith(held.text):
            return False
        pieces = [model.pieces.piece(t, special=True) for t in held.tokens]
        in_cache = min(cached_count(model.llm), len(held.tokens))
        if b"".join(pieces) != held.text.encode("utf-8") or not cached_tokens_equal(
            model.llm, held.tokens[:in_cache]
        ):
            return False  # the held text and tokens do not map onto each other exactly
        cut = find_cut(pieces, prompt_text.encode("utf-8"))
        if cut is None or not cut_cache(model.llm, *cut):
            return False
        start, end = cut
        kept = b"".join(pieces[:start] + pieces[end:]).decode("utf-8", errors="replace")
        self._held = _Held(kept, held.tokens[:start] + held.tokens[end:])
        log.info("context shift: %d tokens cut from the KV cache", end - start)
        return True

    # -- prompt building --------------------------------------------------------------
    def _render(self, messages: Sequence[Message], params: GenerationParams | None = None) -> str:
        model = self._require()
        return render_prompt(model.template, model.thinking, messages, params or GenerationParams())

    @property
    def thinking_format(self) -> ThinkingFormat | None:
        """The loaded model's thinking format (None: it does not think, as far as we know)."""
        return self._model.thinking if self._model else None

    def _tokens_for(self, text: str) -> list[int]:
        llm = self._require().llm
        held = self._held
        if held.tokens and text.startswith(held.text):
            rest = text[len(held.text) :].encode("utf-8")
            return held.tokens + (llm.tokenize(rest, add_bos=False, special=True) if rest else [])
        kept, used = self._held_prefix(text.encode("utf-8"))
        if kept:  # another branch of the held text: its shared tokens stay as they are
            rest = text.encode("utf-8")[used:]
            return held.tokens[:kept] + list(llm.tokenize(rest, add_bos=False, special=True))
        add_bos = self._require().pieces.adds_bos()
        bos_text = (
            self._require()
            .pieces.piece(llm.token_bos(), special=True)
            .decode("utf-8", errors="replace")
            if add_bos
            else ""
        )
        if add_bos and bos_text and text.startswith(bos_text):
            add_bos = False  # the template already wrote it
        return list(llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True))

    def _held_prefix(self, encoded: bytes) -> tuple[int, int]:
        """How many held tokens spell a start of `encoded` (a branch leaving the held one
        partway), and how many bytes they spell; (0, 0) when they share too little."""
        pieces = self._require().pieces
        if shared_start(self._held.text, encoded.decode("utf-8", errors="replace")) < 64:
            return 0, 0  # not worth it: the template's start is tokenized afresh
        count, used = 0, 0
        for token in self._held.tokens:
            piece = pieces.piece(token, special=True)
            if encoded[used : used + len(piece)] != piece:
                break
            count, used = count + 1, used + len(piece)
        return (count, used) if count < len(self._held.tokens) else (0, 0)

    @property
    def cached_text(self) -> str:
        """The text the KV cache of the current conversation spells (for tests, inspector)."""
        return self._held.text

    def prompt_pieces(self, messages: Sequence[Message]) -> list[str]:
        model = self._require()
        tokens = model.llm.tokenize(
            self._render(messages).encode("utf-8"), add_bos=False, special=True
        )
        return [
            model.pieces.piece(t, special=True).decode("utf-8", errors="replace") for t in tokens
        ]

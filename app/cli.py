"""`hearth --cli`: a terminal chat on the same engine and runner as the window."""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from collections.abc import Callable
from typing import TextIO

from app.chat.events import PromptEvaluated, PromptProgress, TokensReceived, TurnFinished
from app.chat.progress_text import prompt_progress_text
from app.chat.values import GenerationParams, LoadOptions, Message, ModelInfo
from app.cli_docs import CliDocuments, open_docs
from app.cli_thinking import ThinkingPrinter
from app.default_model import default_model_path
from app.engine.errors import EngineError
from app.engine.protocol import ChatEngine
from app.engine.runner import EngineRunner
from app.settings import Settings, load_settings


def options_from(
    args: argparse.Namespace, settings: Settings
) -> tuple[LoadOptions, GenerationParams]:
    load, gen = settings.load, settings.generation
    load = LoadOptions(
        n_ctx=args.ctx or load.n_ctx,
        n_threads=args.threads or load.n_threads,
        n_gpu_layers=load.n_gpu_layers if args.gpu_layers is None else args.gpu_layers,
        n_batch=load.n_batch,
    )
    gen = GenerationParams(
        temperature=gen.temperature if args.temperature is None else args.temperature,
        top_p=gen.top_p,
        top_k=gen.top_k,
        repeat_penalty=gen.repeat_penalty,
        max_tokens=args.max_tokens or gen.max_tokens,
        seed=args.seed if args.seed is not None else gen.seed,
        thinking=getattr(args, "thinking", None) or gen.thinking,
        thinking_budget=gen.thinking_budget
        if getattr(args, "thinking_budget", None) is None
        else max(0, args.thinking_budget),
        reasoning_effort=gen.reasoning_effort,
        thinking_policy=gen.thinking_policy,
    )
    return load, gen


def resolve_model(args: argparse.Namespace, settings: Settings) -> str | None:
    if args.model:
        return str(args.model)
    default = default_model_path()
    return str(default) if default else settings.model_path


def run_cli(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    settings = load_settings()
    load, params = options_from(args, settings)
    try:
        path, factory = _engine_for(args, settings)
    except ValueError as error:
        print(f"error: {error}", file=stdout)
        return 2
    if path is None:
        print(
            "No model found. Install the default model (make run) or pass --model PATH.",
            file=stdout,
        )
        return 2
    try:
        docs = open_docs(getattr(args, "docs", None), load.n_ctx, path, settings.documents_embedder)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=stdout)
        return 2
    runner = EngineRunner(factory)
    try:
        try:
            info = runner.load(path, load).result()
        except EngineError as error:
            print(f"error: {error}", file=stdout)
            return 2
        if not args.json:
            print(f"{_loaded_line(info)} Type a message; Ctrl+D quits.", file=stdout, flush=True)
        return _chat_loop(runner, args, settings, params, stdin, stdout, docs)
    finally:
        runner.shutdown()
        if docs is not None:
            docs.close()


def _engine_for(
    args: argparse.Namespace, settings: Settings
) -> tuple[str | None, Callable[[], ChatEngine]]:
    """The model to load and the engine for it: a local GGUF file, or `--endpoint`'s server."""
    if getattr(args, "endpoint", None):
        from app.chat.remote import Endpoint, normalize_base_url
        from app.engine.remote.client import Timeouts
        from app.engine.remote.remote_engine import RemoteEngine

        endpoint = Endpoint(normalize_base_url(args.endpoint))
        key = args.api_key or os.environ.get("HEARTH_API_KEY", "")
        timeouts = Timeouts(read_s=args.endpoint_timeout) if args.endpoint_timeout else None
        return endpoint.model_path(args.endpoint_model or ""), lambda: RemoteEngine(
            lambda _url: key, timeouts
        )
    from app.engine.llama_engine import LlamaEngine

    return resolve_model(args, settings), LlamaEngine


def _loaded_line(info: ModelInfo) -> str:
    if info.is_remote:
        return f"{info.name} on {info.backend}, ready in {info.load_seconds:.2f} s."
    return (
        f"{info.name} ({info.quantization}, {info.parameter_count / 1e6:.0f}M params) "
        f"loaded in {info.load_seconds:.2f} s."
    )


def _chat_loop(
    runner: EngineRunner,
    args: argparse.Namespace,
    settings: Settings,
    params: GenerationParams,
    stdin: TextIO,
    stdout: TextIO,
    docs: CliDocuments | None = None,
) -> int:
    conversation = uuid.uuid4().hex
    system = args.system if args.system is not None else settings.system_prompt
    history: list[Message] = [Message("system", system)] if system else []
    status = 0
    for line in stdin:
        text = line.rstrip("\n")
        if not text.strip():
            continue
        history.append(Message("user", text))
        sent = docs.messages(history) if docs else history
        finished = _stream_reply(runner, conversation, sent, params, stdout)
        if finished.error:
            print(f"error: {finished.error}", file=stdout, flush=True)
            history.pop()
            status = 1
        elif finished.text:  # a reply that never finished thinking has no answer to keep
            history.append(Message("assistant", finished.text, finished.thinking))
        if docs is not None and not args.json:
            docs.print_sources(stdout)
        if args.json:
            stats = finished.stats.as_json()
            extra = docs.json_fields(stats) if docs else {}
            print(json.dumps({**stats, **extra}), file=stdout, flush=True)
    return status


def _stream_reply(
    runner: EngineRunner,
    conversation: str,
    history: list[Message],
    params: GenerationParams,
    stdout: TextIO,
) -> TurnFinished:
    stream = runner.chat(conversation, history, params)
    printer = ThinkingPrinter(stdout)
    shown = False
    try:
        for event in stream:
            if isinstance(event, TokensReceived):
                printer.write(event.channel, event.text)
            elif isinstance(event, TurnFinished):
                printer.end(event)
                if shown:  # stopped while reading the prompt
                    print("\r\033[K", end="", file=sys.stderr, flush=True)
                stdout.write("\n")
                if event.stats.dropped_turns and not event.error:
                    stdout.write(
                        f"[context full: {event.stats.dropped_turns} oldest turn(s) left out]\n"
                    )
                return event
            elif isinstance(event, PromptProgress):  # stderr: --json keeps stdout clean
                print(f"\r[{prompt_progress_text(event)}]", end="", file=sys.stderr, flush=True)
                shown = True
            elif isinstance(event, PromptEvaluated) and shown:
                print("\r\033[K", end="", file=sys.stderr, flush=True)
                shown = False
    except KeyboardInterrupt:
        stream.cancel()
        for event in stream:
            if isinstance(event, TurnFinished):
                return event
    raise AssertionError("unreachable: a stream always ends with TurnFinished")

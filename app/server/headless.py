"""`hearth --serve`: the API server without a window, on a plain asyncio loop."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from typing import TextIO

from app.chat.values import LoadOptions
from app.default_model import default_model_path
from app.engine.errors import EngineError
from app.engine.runner import EngineRunner
from app.server.config import ConfigError, ServerConfig
from app.server.service import ApiServer
from app.settings import load_settings


def config_from(args: argparse.Namespace) -> ServerConfig:
    return ServerConfig(
        host=args.host,
        port=args.port,
        api_key=args.api_key or None,
        cors_origins=tuple(args.cors_origin or ()),
        allowed_hosts=tuple(h.lower() for h in args.allow_host or ()),
    ).checked()


def run_serve(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    try:
        config = config_from(args)
    except ConfigError as error:
        print(f"error: {error}", file=out)
        return 2
    settings = load_settings()
    default = default_model_path()
    path = args.model or (str(default) if default else settings.model_path)
    if not path:
        print("error: no model found; pass --model PATH.", file=out)
        return 2
    load = settings.load
    options = LoadOptions(
        n_ctx=args.ctx or load.n_ctx,
        n_threads=args.threads or load.n_threads,
        n_gpu_layers=load.n_gpu_layers if args.gpu_layers is None else args.gpu_layers,
        n_batch=load.n_batch,
    )
    from app.engine.llama_engine import LlamaEngine

    runner = EngineRunner(lambda: LlamaEngine(kv_limit_bytes=settings.kv_cache_limit_mb << 20))
    try:
        return asyncio.run(_serve(runner, config, str(path), options, out))
    except KeyboardInterrupt:
        return 0
    finally:
        runner.shutdown(timeout=5.0)


async def _serve(
    runner: EngineRunner, config: ServerConfig, path: str, options: LoadOptions, out: TextIO
) -> int:
    try:
        info = await asyncio.wrap_future(runner.load(path, options))
    except EngineError as error:
        print(f"error: {error}", file=out, flush=True)
        return 2
    server = ApiServer(runner, config)
    try:
        url = await server.start()
    except OSError as error:
        print(f"error: cannot listen on {config.host}:{config.port}: {error}", file=out)
        return 2
    print(f"Serving {info.name} at {url}", file=out, flush=True)
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, done.set)
    try:
        await done.wait()
    finally:
        await server.stop()
    return 0

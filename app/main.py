"""Composition root: `hearth` (the window), `--cli` (terminal chat), `--serve` (the API
server without a window), `--import FILE`, `--self-test`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="hearth", description="Private, offline local LLM chat.")
    parser.add_argument(
        "--cli", action="store_true", help="chat in the terminal instead of a window"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="with --cli: print each turn's stats as one JSON line after the reply; "
        "with --import: print the result as one JSON line",
    )
    parser.add_argument(
        "--import",
        dest="import_file",
        metavar="FILE",
        help="import a ChatGPT or Claude data export (conversations.json or the zip) or a "
        "Hearth JSON export, then exit",
    )
    parser.add_argument(
        "--model", metavar="PATH", help="GGUF file to load (default: the bundled model)"
    )
    parser.add_argument("--ctx", type=int, default=None, help="context length in tokens")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads")
    parser.add_argument("--gpu-layers", type=int, default=None, help="layers to offload to the GPU")
    parser.add_argument("--max-tokens", type=int, default=None, help="longest reply in tokens")
    parser.add_argument("--temperature", type=float, default=None)
    parser.add_argument(
        "--seed", type=int, default=None, help="sampling seed (reproducible replies)"
    )
    parser.add_argument("--system", default=None, help="system prompt")
    parser.add_argument(
        "--endpoint",
        metavar="URL",
        help="with --cli: chat through an OpenAI-compatible server (e.g. http://host:8080/v1)",
    )
    parser.add_argument(
        "--endpoint-model", metavar="NAME", help="with --endpoint: the server's model id"
    )
    parser.add_argument(
        "--endpoint-timeout",
        type=float,
        metavar="S",
        help="with --endpoint: seconds without a byte before giving up (default 300)",
    )
    parser.add_argument(
        "--serve",
        action="store_true",
        help="run the local OpenAI-compatible API server without a window",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="with --serve: address to listen on (default local)"
    )
    parser.add_argument("--port", type=int, default=8080, help="with --serve: port (0: any free)")
    parser.add_argument(
        "--api-key",
        default=None,
        metavar="KEY",
        help="with --serve: the key clients must send (needed off localhost); "
        "with --endpoint: the key sent to the server (or set HEARTH_API_KEY)",
    )
    parser.add_argument(
        "--cors-origin",
        action="append",
        metavar="ORIGIN",
        help="with --serve: a web origin allowed to call the API (repeatable)",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        metavar="NAME",
        help="with --serve: another Host header name to accept (repeatable)",
    )
    parser.add_argument(
        "--thinking",
        choices=("on", "off", "auto"),
        default=None,
        help="reasoning models: think before answering (auto: the model's default)",
    )
    parser.add_argument(
        "--thinking-budget",
        type=int,
        default=None,
        metavar="N",
        help="reasoning models: close the thinking after N tokens so the model answers",
    )
    parser.add_argument(
        "--docs", metavar="PATH", help="with --cli: answer from this file or folder (retrieval)"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="load the default model offscreen, answer one prompt, print stats, exit",
    )
    return parser.parse_args(argv)


def _keep_hub_offline() -> None:
    """Nothing leaves the machine: only the download dialog may switch the Hub client online."""
    from app.hub.hf_env import configure_environment

    os.environ.setdefault("DO_NOT_TRACK", "1")
    configure_environment()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    _keep_hub_offline()
    if args.self_test:
        from app.self_test import run_self_test

        return int(run_self_test(args))
    if args.import_file:
        from app.cli_import import run_import

        return run_import(args, sys.stdout, sys.stderr)
    if args.serve:
        from app.server.headless import run_serve

        return run_serve(args)
    if args.cli:
        from app.cli import run_cli

        return run_cli(args, sys.stdin, sys.stdout)
    from app.ui.shell.app import run_gui

    return int(run_gui(args, exit_if_engine_stuck=True))


if __name__ == "__main__":
    raise SystemExit(main())

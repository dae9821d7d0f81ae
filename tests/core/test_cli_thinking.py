"""`hearth --cli` with a reasoning model: thinking shown apart (prefixed), never raw tags;
`--json` carries the thinking figures (null without thinking)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from app.chat.events import TurnFinished
from app.cli import run_cli
from app.cli_thinking import PREFIX, ThinkingPrinter
from app.main import parse_args
from tests.values_factory import turn_stats


def test_printer_prefixes_thinking_and_says_when_it_never_finished() -> None:
    out = io.StringIO()
    printer = ThinkingPrinter(out, colour=False)
    printer.write("thinking", "First line\nsecond")
    printer.write("thinking", " part\n")
    printer.write("answer", "The answer.")
    stats = turn_stats(thinking_tokens=7, thinking_s=1.25)
    printer.end(TurnFinished("stop", "The answer.", stats, thinking="x"))
    assert out.getvalue() == (
        f"Thinking…\n{PREFIX}First line\n{PREFIX}second part\nThe answer."
        "\n[thought for 1.2 s, 7 tokens]"
    )
    cut = io.StringIO()
    printer = ThinkingPrinter(cut, colour=True)
    printer.write("thinking", "still going")
    printer.end(TurnFinished("length", "", turn_stats(), thinking="still going"))
    assert cut.getvalue().endswith("still going\n\x1b[0m[thinking did not finish: no answer]")
    assert cut.getvalue().startswith("\x1b[2mThinking…\n" + PREFIX)


def _cli(argv: list[str], text: str) -> tuple[int, str]:
    out = io.StringIO()
    status = run_cli(parse_args(["--cli", *argv]), io.StringIO(text), out)
    return status, out.getvalue()


@pytest.mark.model
def test_cli_thinking_budget_and_json(thinking_models: Any, default_model: Path) -> None:
    common = ["--json", "--seed", "3", "--temperature", "0", "--max-tokens", "40", "--ctx", "1024"]
    model = str(thinking_models("r1"))
    status, output = _cli(["--model", model, "--thinking-budget", "8", *common], "Hello\n")
    assert status == 0
    assert "<think>" not in output and "</think>" not in output
    lines = output.splitlines()
    stats = json.loads(lines[-1])
    assert "Thinking…" in lines and any(line.startswith(PREFIX) for line in lines)
    assert 8 <= stats["thinking_tokens"] <= 14  # the budget closed it
    assert stats["thinking_s"] > 0 and "answer_ttft_s" in stats
    status, output = _cli(["--model", str(default_model), *common], "Hello\n")
    stats = json.loads(output.splitlines()[-1])
    assert status == 0 and "Thinking…" not in output
    assert stats["thinking_tokens"] is None and stats["answer_ttft_s"] is None
    assert stats["thinking_s"] is None

"""The one real-model documents test: the answer needs a fact only the document holds."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from app.cli import run_cli
from app.main import parse_args

FILLER = "The keeper wrote about the weather, the ships that passed and the oil for the lamp. "
QUESTION = "What is the secret code word of the lighthouse keeper?"


def _ask(argv: list[str]) -> tuple[str, dict[str, object]]:
    out = io.StringIO()
    common = ["--cli", "--json", "--temperature", "0", "--seed", "1", "--max-tokens", "16"]
    status = run_cli(parse_args([*common, "--ctx", "2048", *argv]), io.StringIO(QUESTION), out)
    assert status == 0
    *reply, stats = out.getvalue().strip().splitlines()
    return "\n".join(reply), json.loads(stats)


@pytest.mark.model
def test_the_answer_comes_from_the_retrieved_passage(default_model: Path, tmp_path: Path) -> None:
    log = tmp_path / "logbook.md"
    days = [f"## Day {n}\n\n" + FILLER * 3 for n in range(1, 61)]
    days.insert(
        37, "## Day of the code\n\nThe secret code word of the lighthouse keeper is PELICAN."
    )
    log.write_text("# Logbook\n\n" + "\n\n".join(days))  # ~4,000 tokens > 1,024: passages
    answer, stats = _ask(["--model", str(default_model), "--docs", str(log)])
    sources = stats["sources"]
    assert isinstance(sources, list) and len(sources) == 5
    assert sources[0]["location"] == "Logbook > Day of the code"
    assert sources[0]["file"] == str(log.resolve()) and isinstance(stats["retrieval_s"], float)
    assert 150 < int(stats["prompt_tokens"]) < 700  # five passages read, not the whole file
    assert "PELICAN" in answer.upper()
    without, plain = _ask(["--model", str(default_model)])
    assert "PELICAN" not in without.upper() and plain["sources"] == {}  # TurnStats' own key
    assert "retrieval_s" not in plain and stats["figure_sources"] == {}
    assert int(plain["prompt_tokens"]) < 60

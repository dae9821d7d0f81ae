"""What goes into the prompt: a small file whole, a large one (and collections) as the
passages retrieved for the question. `plan` says which, with the token cost, before
sending; `build` makes the `DocumentTurn` the session sends."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from app.documents.errors import UnreadableFile
from app.documents.extract import extract
from app.documents.values import DocumentTurn, Passage, Section

PREAMBLE = "Context from your documents:"
TokenCounter = Callable[[str], int]
PASSAGES_K = 5


def estimate_tokens(text: str) -> int:
    """About four characters a token: the plan's figure when no model's tokenizer is at hand
    (the window and the CLI count with the loaded model's, see token_cost.ModelTokens)."""
    return (len(text) + 3) // 4


@dataclass(frozen=True, slots=True)
class AttachmentPlan:
    path: str
    mode: Literal["whole", "passages", "unreadable"]
    tokens: int  # what the file adds to the prompt (whole) or its full size (passages)
    reason: str = ""
    text: str = ""
    exact: bool = False  # counted with the model's tokenizer (else the estimate)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.path, "mode": self.mode, "tokens": self.tokens}
        return {**out, "reason": self.reason} if self.reason else out


def whole_text(sections: Sequence[Section]) -> str:
    return "\n\n".join(s.text for s in sections)


def plan(
    paths: Sequence[Path],
    budget_tokens: int,
    count: TokenCounter = estimate_tokens,
    exact: bool = False,
) -> list[AttachmentPlan]:
    """Files whole, in order, while they fit `budget_tokens`; the rest as passages.
    `exact`: `count` is the model's tokenizer, not the estimate."""
    out: list[AttachmentPlan] = []
    left = budget_tokens
    for path in paths:
        try:
            text = whole_text(extract(path))
        except UnreadableFile as error:
            out.append(AttachmentPlan(str(path), "unreadable", 0, error.reason))
            continue
        tokens = count(text)
        if tokens <= left:
            out.append(AttachmentPlan(str(path), "whole", tokens, text=text, exact=exact))
            left -= tokens
        else:
            out.append(AttachmentPlan(str(path), "passages", tokens, exact=exact))
    return out


def describe(plans: Sequence[AttachmentPlan], passage_tokens: int = 5 * 225) -> str:
    """The composer's line: "notes.md: whole (320 tokens) · big.pdf: retrieved passages (~1,125
    of 9,400 tokens)"; "~" marks an estimate (no model's tokenizer at hand)."""
    parts = []
    for p in plans:
        name = Path(p.path).name
        about = "" if p.exact else "~"
        if p.mode == "whole":
            parts.append(f"{name}: whole ({about}{p.tokens:,} tokens)")
        elif p.mode == "passages":
            parts.append(
                f"{name}: retrieved passages (~{passage_tokens:,} of {about}{p.tokens:,} tokens)"
            )
        else:
            parts.append(f"{name}: cannot be read ({p.reason})")
    return " · ".join(parts)


def build(
    question: str,
    plans: Sequence[AttachmentPlan],
    passages: Sequence[Passage],
    retrieval_s: float,
) -> DocumentTurn:
    """The prompt: whole files, then the passages, numbered, then the question."""
    blocks: list[str] = []
    sources: list[dict[str, Any]] = []
    for p in plans:
        if p.mode == "whole":
            blocks.append(f"[{len(blocks) + 1}] {Path(p.path).name} (whole file)\n{p.text}")
            sources.append({"file": p.path, "location": "whole file", "score": 1.0,
                            "passage": p.text[:600]})  # fmt: skip
    for passage in passages:
        where = f" — {passage.location}" if passage.location else ""
        blocks.append(f"[{len(blocks) + 1}] {Path(passage.file).name}{where}\n{passage.text}")
        sources.append(passage.as_source())
    prompt = question
    if blocks:
        body = "\n\n".join(blocks)
        prompt = f"{PREAMBLE}\n\n{body}\n\nUsing the context above, answer: {question}"
    return DocumentTurn(prompt, tuple(p.as_json() for p in plans), tuple(sources), retrieval_s)

"""The sampled tokens of one reply, with a way to write tokens into the context between two.

`Llama.generate()` treats tokens sent into it as speculative drafts (it drops them when the
next sample differs), so to *insert* tokens (the closing marker at a thinking budget) the
feed ends the generator and starts a new one on the whole context plus the new tokens.
llama.cpp's prefix match then evaluates only the last sampled token and the inserted ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from app.chat.values import GenerationParams
from app.engine.grammar import compiled


class TokenFeed:
    def __init__(self, start: Callable[[list[int]], Iterator[int]], prompt: Sequence[int]) -> None:
        self._start = start
        self._context = list(prompt)
        self._tokens = start(list(self._context))

    def __iter__(self) -> TokenFeed:
        return self

    def __next__(self) -> int:
        token = next(self._tokens)
        self._context.append(token)
        return token

    def insert(self, tokens: Sequence[int]) -> None:
        """Put `tokens` into the context after the last sampled token; sampling resumes after."""
        self.close()
        self._context.extend(tokens)
        self._tokens = self._start(list(self._context))

    def close(self) -> None:
        close = getattr(self._tokens, "close", None)
        if close is not None:
            close()


def sampler(llm: Any, params: GenerationParams) -> Callable[[list[int]], Iterator[int]]:
    """Start llama.cpp's sampling loop on a context (a TokenFeed restarts it)."""
    grammar = compiled(params.grammar) if params.grammar else None

    def start(context: list[int]) -> Iterator[int]:
        return iter(
            llm.generate(
                context,
                top_k=params.top_k,
                top_p=params.top_p,
                temp=params.temperature,
                repeat_penalty=params.repeat_penalty,
                min_p=0.05,
                grammar=grammar,
            )
        )

    return start


def insert_text(llm: Any, tokens: TokenFeed, text: str) -> list[int]:
    """Write `text` into the context after the last sampled token (a thinking budget)."""
    inserted = list(llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))
    tokens.insert(inserted)
    return inserted

"""`hearth --cli --docs PATH`: the terminal chat answers from a file or a folder.

A file goes into the prompt whole when it fits half the context (counted with the model's
tokenizer), else its passages are retrieved; a folder is a collection (indexed once, then
incrementally on later runs), searched with the embedder chosen in Settings.
With `--json`, each turn's JSON line adds `sources` (rank order) and `retrieval_s`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from app.chat.values import Message
from app.documents import index_db
from app.documents.context import estimate_tokens
from app.documents.errors import UnreadableFile
from app.documents.extract import extract
from app.documents.llama_embedder import usable_embedder
from app.documents.service import DocumentLibrary
from app.documents.token_cost import ModelTokens
from app.documents.values import DocumentTurn, IndexProgress
from app.engine.token_counter import open_vocab

CLI_CONVERSATION = "cli"


class CliDocuments:
    def __init__(
        self,
        path: Path,
        budget_tokens: int,
        library: DocumentLibrary | None = None,
        tokens: ModelTokens | None = None,
    ):
        self._path = path.expanduser().resolve()
        self._budget = budget_tokens
        self._library = library or DocumentLibrary()
        self._tokens = tokens  # the model's tokenizer (None: the estimate)
        self._collection: int | None = None
        self.last: DocumentTurn | None = None

    def prepare(self, err: TextIO = sys.stderr) -> None:
        """Index a folder (progress and every unreadable file on stderr)."""
        if not self._path.exists():
            raise FileNotFoundError(f"--docs: {self._path} does not exist")
        if not self._path.is_dir():
            try:
                extract(self._path)
            except UnreadableFile as error:
                raise ValueError(f"--docs: {self._path} cannot be read: {error.reason}") from error
            return
        conn = self._library.indexer.connection
        found = next(
            (c for c in index_db.collections(conn, CLI_CONVERSATION)
             if c.conversation_id == CLI_CONVERSATION and c.roots == (str(self._path),)),
            None,
        )  # fmt: skip
        if found is None:
            found = self._library.add_collection(self._path.name, [self._path], CLI_CONVERSATION)
        self._collection = found.id

        def show(p: IndexProgress) -> None:
            print(f"\r[indexing {p.done}/{p.total}]", end="", file=err, flush=True)

        report = self._library.sync(found.id, progress=show)
        print("\r\033[K", end="", file=err)
        for bad in report.unreadable:
            print(f"[not read: {bad.path}: {bad.reason}]", file=err)
        print(f"[{self._path.name}: {index_db.counts(conn, found.id)[1]} passages]", file=err)

    def messages(self, history: Sequence[Message]) -> list[Message]:
        """The history with its last user message replaced by the documents prompt."""
        question = history[-1].content
        count, exact = self._tokens.counter() if self._tokens else (estimate_tokens, False)
        if self._collection is None:  # one file: its own "conversation", no other file's passages
            key = f"{CLI_CONVERSATION}:{self._path}"
            turn = self._library.turn(
                question, [self._path], key, self._budget, count, collection_ids=[], exact=exact
            )
        else:
            only = [self._collection]
            turn = self._library.turn(
                question, (), CLI_CONVERSATION, self._budget, count, collection_ids=only
            )
        self.last = turn
        return [*history[:-1], replace(history[-1], content=turn.prompt)]

    def json_fields(self, stats: dict[str, Any]) -> dict[str, Any]:
        """`sources` (the passages, rank order) and `retrieval_s` for the turn's JSON line;
        the figures' own provenance (TurnStats' "sources") moves to `figure_sources`."""
        if self.last is None:
            return {}
        sources = [
            {"file": s["file"], "location": s["location"], "score": s["score"]}
            for s in self.last.sources
        ]
        return {
            "figure_sources": stats.get("sources", {}),
            "sources": sources,
            "retrieval_s": round(self.last.retrieval_s, 4),
        }

    def print_sources(self, out: TextIO) -> None:
        if self.last is None or not self.last.sources:
            return
        for n, s in enumerate(self.last.sources, 1):
            where = f" — {s['location']}" if s["location"] else ""
            print(f"  [{n}] {Path(s['file']).name}{where}", file=out)
        out.flush()

    def close(self) -> None:
        self._library.close()
        self._library.embedder.close()
        if self._tokens is not None:
            self._tokens.close()


def open_docs(
    docs: str | None, n_ctx: int, model_path: str | None = None, embedder: str = ""
) -> CliDocuments | None:
    """`--docs PATH` ready to answer (a folder indexed), or None without it. `model_path`: a
    local GGUF whose tokenizer counts the files; `embedder`: the embedding GGUF chosen in
    Settings ("" for the built-in WordLlama)."""
    if not docs:
        return None
    tokens = ModelTokens(open_vocab)
    if model_path and Path(model_path).is_file():
        tokens.set_model(model_path)
    chosen, note = usable_embedder(embedder)
    if note:
        print(f"[{note}]", file=sys.stderr)
    library = DocumentLibrary(embedder=chosen)
    opened = CliDocuments(Path(docs), max(256, n_ctx // 2), library, tokens)
    try:
        opened.prepare()
    except BaseException:
        opened.close()
        raise
    return opened

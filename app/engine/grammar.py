"""GBNF grammars for JSON output, built with llama-cpp-python's converter (lazily imported).

The compiled `LlamaGrammar` is cached per grammar text: building one parses the GBNF.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any


class GrammarError(ValueError):
    """A JSON schema the converter cannot turn into a grammar; str() says why."""


def json_object_grammar() -> str:
    """Any JSON object."""
    from llama_cpp.llama_grammar import JSON_GBNF

    return str(JSON_GBNF)  # its root is `object`


def json_schema_grammar(schema: dict[str, Any]) -> str:
    """A grammar for replies valid under `schema`; GrammarError when it cannot be built."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    try:
        return str(json_schema_to_gbnf(json.dumps(schema)))
    except Exception as error:  # the converter raises assorted errors for odd schemas
        raise GrammarError(f"the JSON schema cannot be used: {error}") from error


@lru_cache(maxsize=16)
def compiled(grammar: str) -> Any:
    """The LlamaGrammar for a GBNF text (cached; parsing it is not free)."""
    from llama_cpp.llama_grammar import LlamaGrammar

    return LlamaGrammar.from_string(grammar, verbose=False)

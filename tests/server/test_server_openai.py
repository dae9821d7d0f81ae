"""The real `openai` client against `hearth --serve` (a subprocess on the default model)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import openai
import pytest

from tests.server.openai_checks import ALL_CHECKS

pytestmark = [pytest.mark.model, pytest.mark.slow]


@pytest.fixture(scope="module")
def client(headless: str) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=headless, api_key="unused", max_retries=0) as created:
        yield created


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: c.__name__)
def test_openai_client_against_headless_server(
    client: openai.OpenAI, check: Callable[[openai.OpenAI], None]
) -> None:
    check(client)

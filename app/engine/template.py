"""Render a conversation through the model's own chat template, inside Jinja's sandbox.

GGUF files carry a Jinja chat template (`tokenizer.chat_template`). It is code written by
whoever made the file, so it runs in an ImmutableSandboxedEnvironment: attribute access to
internals, file access and imports are refused and reported as ChatTemplateError.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from app.chat.values import Message
from app.engine.errors import ChatTemplateError

# ChatML: the fallback when a file has no template (many fine-tunes use it).
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

# Rendered at most once per process, so a template that injects today's date renders the
# same history identically every turn (the prompt cache depends on it).
_FROZEN_NOW = datetime.now()


def _raise_exception(message: str) -> None:
    raise ChatTemplateError(f"the template raised: {message}")


def _tojson(value: Any, indent: int | None = None, ensure_ascii: bool = False) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=ensure_ascii)


class ChatTemplate:
    """A compiled, sandboxed chat template."""

    def __init__(self, source: str | None, bos_token: str = "", eos_token: str = "") -> None:
        import jinja2
        import jinja2.ext
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        self.source = source or CHATML_TEMPLATE
        self.is_fallback = source is None
        self._bos = bos_token
        self._eos = eos_token
        env = ImmutableSandboxedEnvironment(
            loader=jinja2.BaseLoader(),
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=[jinja2.ext.loopcontrols],
        )
        env.filters["tojson"] = _tojson
        env.globals["raise_exception"] = _raise_exception
        env.globals["strftime_now"] = lambda fmt: _FROZEN_NOW.strftime(fmt)
        try:
            self._template = env.from_string(self.source)
        except jinja2.TemplateError as error:
            raise ChatTemplateError(f"it does not compile ({error})") from error

    def render(
        self,
        messages: Sequence[Message],
        add_generation_prompt: bool = True,
        variables: dict[str, Any] | None = None,
    ) -> str:
        """`variables`: extra template variables (`enable_thinking`, `reasoning_effort`)."""
        from jinja2 import TemplateError
        from jinja2.exceptions import SecurityError

        payload = [_payload(m) for m in messages]
        try:
            return self._template.render(
                **(variables or {}),
                messages=payload,
                add_generation_prompt=add_generation_prompt,
                bos_token=self._bos,
                eos_token=self._eos,
            )
        except SecurityError as error:
            raise ChatTemplateError(f"the sandbox refused it ({error})") from error
        except ChatTemplateError:
            raise
        except (TemplateError, TypeError, ValueError, KeyError, AttributeError) as error:
            raise ChatTemplateError(f"rendering failed ({error})") from error


def _payload(message: Message) -> dict[str, str]:
    item = {"role": message.role, "content": message.content}
    if message.thinking:  # templates that keep thinking read one of these
        item["reasoning_content"] = message.thinking
        item["thinking"] = message.thinking
    return item

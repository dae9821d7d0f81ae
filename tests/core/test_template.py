"""Chat templates render in Jinja's sandbox; hostile ones are refused."""

from __future__ import annotations

import pytest

from app.chat.values import Message
from app.engine.errors import ChatTemplateError
from app.engine.template import ChatTemplate

MESSAGES = [Message("system", "S"), Message("user", "U")]


def test_fallback_chatml() -> None:
    template = ChatTemplate(None)
    assert template.is_fallback
    assert template.render(MESSAGES) == (
        "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n"
    )


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ messages.append(1) }}",
    ],
)
def test_escapes_are_refused(source: str) -> None:
    with pytest.raises(ChatTemplateError):
        ChatTemplate(source).render(MESSAGES)


def test_raise_exception_becomes_a_clear_error() -> None:
    source = "{{ raise_exception('System role not supported') }}"
    with pytest.raises(ChatTemplateError, match="System role not supported"):
        ChatTemplate(source).render(MESSAGES)


def test_private_attributes_render_as_nothing() -> None:
    assert (
        ChatTemplate("{% for m in messages %}{{ m.__class__ }}{% endfor %}").render(
            MESSAGES, add_generation_prompt=False
        )
        == ""
    )

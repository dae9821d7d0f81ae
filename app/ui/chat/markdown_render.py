"""Markdown to the HTML subset QTextDocument understands; never loads or runs anything.

markdown-it-py with raw HTML disabled (it is shown as text), GitHub tables and
strikethrough; code blocks highlighted by Pygments with inline styles and a Copy link;
images become their alt text (nothing is fetched); only http(s) links stay links.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

CodeSink = Callable[[str], str]
"""Registers a code block's text and returns the key its Copy link carries."""

COPY_CODE_SCHEME = "hearth:copy-code/"
COPY_ICON = "hearth-icon:copy"  # an image the transcript adds to its document's resources
SAFE_SCHEMES = ("http://", "https://")


@dataclass(frozen=True, slots=True)
class RenderPalette:
    text: str = "#1f2328"
    muted: str = "#656d76"
    link: str = "#0969da"
    code_background: str = "#f6f8fa"
    border: str = "#d0d7de"
    code_style: str = "default"  # a Pygments style name


def is_safe_link(url: str) -> bool:
    return url.strip().lower().startswith(SAFE_SCHEMES)


def plain_to_html(text: str) -> str:
    """A user's text as typed: escaped, line breaks and spaces kept."""
    return f'<p style="white-space: pre-wrap;">{html.escape(text)}</p>'


class MarkdownRenderer:
    """Renders Markdown text; one instance per palette (light or dark)."""

    def __init__(self, palette: RenderPalette | None = None) -> None:
        self.palette = palette or RenderPalette()
        self._formatter = HtmlFormatter(noclasses=True, nowrap=True, style=self.palette.code_style)
        self._lexers: dict[str, Lexer] = {}
        md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
        # Bound methods go straight into the table: add_render_rule would rebind them.
        rules: dict[str, Any] = cast(RendererHTML, md.renderer).rules
        for name, rule in {
            "image": self._image,
            "link_open": self._link_open,
            "link_close": self._link_close,
            "fence": self._fence,
            "code_block": self._fence,
            "code_inline": self._code_inline,
            "table_open": self._table_open,
        }.items():
            rules[name] = rule
        self._md = md

    def render(self, text: str, code_sink: CodeSink | None = None) -> str:
        """HTML for `text`; code blocks get a Copy link when `code_sink` is given."""
        env: dict[str, Any] = {"code_sink": code_sink, "links": []}
        return str(self._md.render(text, env))

    def highlight(self, code: str, language: str) -> str:
        """Pygments spans with inline colours (no <pre> around them)."""
        import pygments

        rendered: str = pygments.highlight(code, self._lexer(language), self._formatter)
        return rendered.rstrip("\n")

    def _lexer(self, language: str) -> Lexer:
        key = language.lower()
        if key not in self._lexers:
            try:
                self._lexers[key] = get_lexer_by_name(key) if key else TextLexer()
            except ClassNotFound:
                self._lexers[key] = TextLexer()
        return self._lexers[key]

    # -- render rules: markdown-it calls them as (tokens, idx, options, env) -------------
    def _image(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        alt = (
            cast(RendererHTML, self._md.renderer).renderInlineAsText(
                token.children or [], options, env
            )
            or "image"
        )
        return f'<span style="color:{self.palette.muted};">[image: {html.escape(alt)}]</span>'

    def _link_open(self, tokens: Sequence[Token], idx: int, _o: Any, env: Any) -> str:
        href = str(tokens[idx].attrGet("href") or "")
        safe = is_safe_link(href)
        env["links"].append(safe)
        return f'<a href="{html.escape(href, quote=True)}">' if safe else ""

    @staticmethod
    def _link_close(_t: Sequence[Token], _i: int, _o: Any, env: Any) -> str:
        return "</a>" if env["links"] and env["links"].pop() else ""

    def _code_inline(self, tokens: Sequence[Token], idx: int, _o: Any, _e: Any) -> str:
        code = html.escape(tokens[idx].content)
        return f'<code style="background-color:{self.palette.code_background};">{code}</code>'

    def _table_open(self, *_: Any) -> str:
        return (
            f'<table border="1" cellspacing="0" cellpadding="5" '
            f'style="border-color:{self.palette.border}; border-collapse:collapse; '
            'margin-top:6px; margin-bottom:6px;">'
        )

    def _fence(self, tokens: Sequence[Token], idx: int, _o: Any, env: Any) -> str:
        token = tokens[idx]
        language = token.info.strip().split(" ")[0] if token.info.strip() else ""
        return self.code_block(token.content, language, env.get("code_sink"))

    def code_block(self, code: str, language: str, code_sink: CodeSink | None) -> str:
        """A framed, highlighted block with its language and (when given a sink) a Copy link."""
        palette = self.palette
        label = html.escape(language or "text")
        copy = ""
        if code_sink is not None:
            key = code_sink(code.rstrip(chr(10)))
            copy = (
                f'<a href="{COPY_CODE_SCHEME}{key}" style="color:{palette.muted}; '
                f'text-decoration:none;"><img src="{COPY_ICON}" width="14" height="14"> Copy</a>'
            )
        return (
            '<table width="100%" border="0" cellspacing="0" cellpadding="6" '
            f'bgcolor="{palette.code_background}" style="margin-top:6px; margin-bottom:6px;">'
            f'<tr><td><span style="color:{palette.muted};">{label}</span></td>'
            f'<td align="right">{copy}</td></tr>'
            f'<tr><td colspan="2"><pre>{self.highlight(code, language)}</pre></td></tr></table>\n'
        )

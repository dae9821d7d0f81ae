"""The HTML of one message in the transcript: header, body and footer with its actions.

Actions are links in the `hearth:` scheme (`hearth:edit/12`), handled by TranscriptView;
the footer is one paragraph of inline HTML so it can be replaced in place.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from app.store import StoredMessage
from app.ui.chat.branch_nav import footer_branch_html
from app.ui.chat.markdown_render import CodeSink, MarkdownRenderer, plain_to_html
from app.ui.chat.sources_html import sources_inline_html
from app.ui.common.format import format_rate, format_seconds
from app.ui.common.theme import TranscriptColors

ACTION_SCHEME = "hearth"
ROLE_LABELS = {"user": "You", "assistant": "Assistant", "notice": "Notice", "system": "System"}
ACTIONS = {
    "user": ("copy", "edit", "delete"),
    "assistant": ("copy", "regenerate", "delete"),
    "notice": ("delete",),
    "system": ("copy",),
}
ACTION_LABELS = {"copy": "Copy", "edit": "Edit", "regenerate": "Regenerate", "delete": "Delete"}


def background_for(role: str, colors: TranscriptColors) -> str:
    if role == "user":
        return colors.user_background
    if role == "notice":
        return colors.notice_background
    return colors.assistant_background


def header_inline_html(
    role: str, colors: TranscriptColors, note: str = "", label: str | None = None
) -> str:
    """The header's content (no block element), so it can replace the old one in place.
    `label` names the speaker (a reply's model) instead of the role's word."""
    name = html.escape(label or ROLE_LABELS.get(role, role.title()))
    color = colors.notice_text if role == "notice" else colors.text
    if role == "user":
        color = colors.muted  # the bubble says who; the word stays quiet
    extra = f' <span style="color:{colors.muted};">{html.escape(note)}</span>' if note else ""
    return f'<span style="color:{color}; font-weight:600;">{name}</span>{extra}'


def header_html(
    role: str, colors: TranscriptColors, note: str = "", label: str | None = None
) -> str:
    inline = header_inline_html(role, colors, note, label)
    return f'<p style="margin-bottom:4px;">{inline}</p>'


def body_html(
    message: StoredMessage, renderer: MarkdownRenderer, code_sink: CodeSink | None
) -> str:
    if message.role == "assistant":
        return renderer.render(message.content, code_sink)
    if message.role == "notice":
        color = renderer.palette.text
        return f'<p style="color:{color};">{html.escape(message.content)}</p>'
    return plain_to_html(message.content)


def stats_text(message: StoredMessage) -> str:
    """E.g. "87 tokens · 41.2 tok/s · stopped" for a reply; "" when there is nothing to say.
    A reasoning model's reply adds its thinking and the answer's own time to first token."""
    stats = message.stats or {}
    parts: list[str] = []
    if stats.get("generated_tokens"):
        parts.append(f"{int(stats['generated_tokens']):,} tokens")
    if stats.get("decode_tps"):
        parts.append(format_rate(float(stats["decode_tps"])))
    if stats.get("thinking_tokens"):
        parts.append(
            f"thinking {int(stats['thinking_tokens']):,} tokens in "
            f"{format_seconds(stats.get('thinking_s'))} "
            f"({format_rate(stats.get('thinking_tps'))})"
        )
        answer = stats.get("answer_ttft_s")
        ttft = format_seconds(stats.get("ttft_s"))
        parts.append(
            f"answer after {format_seconds(answer)} (first token {ttft})"
            if answer is not None
            else "no answer"
        )
    if message.role == "assistant" and not message.complete:
        parts.append("error" if stats.get("error") else "stopped")
    return " · ".join(parts)


def footer_inline_html(
    message: StoredMessage, colors: TranscriptColors, actions: Sequence[str]
) -> str:
    """The footer's content (no block element), so it can replace the old one in place:
    the reply's figures as one quiet line, then its actions as quiet links (the same ones
    the floating action bar offers, for keyboard Tab and screen readers)."""
    links = [
        f'<a href="{ACTION_SCHEME}:{name}/{message.id}" '
        f'style="color:{colors.muted}; text-decoration:none;">{ACTION_LABELS[name]}</a>'
        for name in actions
    ]
    parts = []
    stats = stats_text(message)
    if stats:
        parts.append(f'<span style="color:{colors.muted};">{html.escape(stats)}</span>')
    if links:
        parts.append(" &nbsp; ".join(links))
    branch = footer_branch_html(message, colors)
    if not parts:
        branch = branch.removesuffix(" &nbsp;·&nbsp; ")
    footer = branch + " &nbsp;&nbsp;·&nbsp;&nbsp; ".join(parts)
    return sources_inline_html(message, colors) + f'<span style="font-size:small;">{footer}</span>'


def actions_for(message: StoredMessage, last_reply: bool) -> tuple[str, ...]:
    actions = ACTIONS.get(message.role, ())
    if message.role == "assistant" and not last_reply:
        actions = tuple(a for a in actions if a != "regenerate")
    return actions


def message_html(
    message: StoredMessage,
    renderer: MarkdownRenderer,
    colors: TranscriptColors,
    code_sink: CodeSink | None,
    last_reply: bool,
    label: str | None = None,
) -> str:
    footer = footer_inline_html(message, colors, actions_for(message, last_reply))
    return (
        header_html(message.role, colors, label=label)
        + body_html(message, renderer, code_sink)
        + f'<p style="margin-top:6px;">{footer}</p>'
    )

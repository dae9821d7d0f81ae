"""The footer's branch links: "‹ 2 / 3 ›" on a message with alternatives, and "Fork".

Links use the transcript's action scheme (`hearth:branchprev/12`, `hearth:branchnext/12`,
`hearth:fork/12`); TranscriptView hands unknown actions to `action_requested`, which the
ChatController handles. The positions come from the store (`ChatSession.branch_positions`)
and are kept here by the ChatController (`SHOWN.update(...)`) whenever it shows a path, so
`message_html` can ask for a message's links without knowing about branches.
"""

from __future__ import annotations

import html

from app.store import StoredMessage
from app.store.tree import BranchPosition
from app.ui.common.theme import TranscriptColors

SCHEME = "hearth"
PREVIOUS, NEXT, FORK = "branchprev", "branchnext", "fork"
BRANCH_ACTIONS = (PREVIOUS, NEXT, FORK)
FORKABLE = ("user", "assistant")


class ShownPositions:
    """Where each message of the path on screen sits among its alternatives."""

    def __init__(self) -> None:
        self._positions: dict[int, BranchPosition] = {}

    def update(self, positions: dict[int, BranchPosition]) -> None:
        self._positions = dict(positions)

    def clear(self) -> None:
        self._positions = {}

    def get(self, message_id: int) -> BranchPosition | None:
        return self._positions.get(message_id)


SHOWN = ShownPositions()


def _link(action: str, message_id: int, text: str, color: str, name: str) -> str:
    return (
        f'<a href="{SCHEME}:{action}/{message_id}" title="{name}" style="color:{color};'
        f' text-decoration:none;">{text}</a>'
    )


def branch_nav_html(
    message_id: int, position: BranchPosition | None, colors: TranscriptColors
) -> str:
    """ "‹ 2 / 3 ›" (each arrow a link when there is an alternative that way), or ""."""
    if position is None or position.count < 2:
        return ""
    muted = f'<span style="color:{colors.muted};">'
    back = (
        _link(PREVIOUS, message_id, "‹", colors.link, "Previous alternative")
        if position.index > 0
        else f"{muted}‹</span>"
    )
    forward = (
        _link(NEXT, message_id, "›", colors.link, "Next alternative")
        if position.index + 1 < position.count
        else f"{muted}›</span>"
    )
    label = html.escape(position.label)
    return f"<b>{back}</b>&nbsp;{muted}{label}</span>&nbsp;<b>{forward}</b>"


def footer_branch_html(message: StoredMessage, colors: TranscriptColors) -> str:
    """What the footer adds before a message's actions: its alternatives and "Fork"."""
    if message.id <= 0 or message.role not in FORKABLE:
        return ""
    nav = branch_nav_html(message.id, SHOWN.get(message.id), colors)
    fork = _link(FORK, message.id, "Fork", colors.link, "Fork to a new chat")
    return (nav + " &nbsp;·&nbsp; " if nav else "") + fork + " &nbsp;·&nbsp; "

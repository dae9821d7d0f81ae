"""Where a new turn hangs in a conversation's tree of messages (see app/store/tree.py).

Regenerate adds a reply beside the earlier ones (same parent); edit-and-resend adds the
edited question beside the original (same parent, ROOT for a first question). Nothing is
deleted: the earlier reply or question stays as another branch.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.store import StoredMessage
from app.store.tree_schema import ROOT


def reply_anchor(path: Sequence[StoredMessage]) -> int | None:
    """The index of the message a new reply to the last question hangs under: the last
    question, or a notice stored between it and its reply. None: nothing to reply to."""
    last_user = max((i for i, m in enumerate(path) if m.role == "user"), default=None)
    if last_user is None:
        return None
    anchor = last_user
    while anchor + 1 < len(path) and path[anchor + 1].role not in ("assistant", "user"):
        anchor += 1
    return anchor


def question_parent(message: StoredMessage) -> int:
    """The parent an edited copy of ``message`` gets: the original's (ROOT at the top)."""
    return ROOT if message.parent_id is None else message.parent_id


def step_sibling(siblings: Sequence[int], message_id: int, step: int) -> int | None:
    """The alternative ``step`` places from ``message_id`` (-1: previous, +1: next); None
    past either end or when the message is not among them."""
    if message_id not in siblings:
        return None
    index = siblings.index(message_id) + step
    return siblings[index] if 0 <= index < len(siblings) else None

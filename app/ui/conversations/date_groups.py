"""Which date group a conversation falls in: Today, Yesterday, Previous 7 days, Older."""

from __future__ import annotations

import datetime as dt

GROUPS = ("Today", "Yesterday", "Previous 7 days", "Older")


def date_group(when: float, now: float) -> str:
    """The group of a conversation last changed at `when` (unix seconds), seen at `now`,
    by local calendar days (a chat from 23:50 is "Yesterday" ten minutes later)."""
    today = dt.datetime.fromtimestamp(now).date()
    day = dt.datetime.fromtimestamp(when).date()
    days = (today - day).days
    if days <= 0:
        return GROUPS[0]
    if days == 1:
        return GROUPS[1]
    if days <= 7:
        return GROUPS[2]
    return GROUPS[3]

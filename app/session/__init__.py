"""One conversation in progress: send, stop, regenerate, edit, and what gets saved. No Qt."""

from app.session.chat_session import ChatSession
from app.session.turns import PARTIAL_SAVE_INTERVAL_S, TurnRecorder
from app.session.values import (
    ConversationSettings,
    NoticeAdded,
    ReplySaved,
    SaveFailed,
    SaveRecovered,
    SessionEvent,
    TurnRunner,
    dropped_turns_notice,
    engine_messages,
)

__all__ = [
    "PARTIAL_SAVE_INTERVAL_S",
    "ChatSession",
    "ConversationSettings",
    "NoticeAdded",
    "ReplySaved",
    "SaveFailed",
    "SaveRecovered",
    "SessionEvent",
    "TurnRecorder",
    "TurnRunner",
    "dropped_turns_notice",
    "engine_messages",
]

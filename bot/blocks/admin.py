"""Messages of the HR admin area."""

from __future__ import annotations

from bot.blocks.message import Message


def admins_only_message() -> Message:
    return Message(
        text="Only program admins can do that. If you think you should be one, ask your HR team."
    )

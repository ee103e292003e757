"""Events API listeners."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.events.app_home_opened import app_home_opened_callback
from handlers.events.member_joined_channel import member_joined_channel_callback


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(app_home_opened_callback)
    app.event("member_joined_channel")(member_joined_channel_callback)

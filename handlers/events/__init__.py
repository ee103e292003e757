"""Events API listeners."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.events import directory, enrollment, home, installs


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(home.app_home_opened)
    app.event("member_joined_channel")(enrollment.member_joined_channel)
    app.event("user_change")(directory.user_change)
    app.event("team_join")(directory.team_join)
    app.event("app_uninstalled")(installs.app_uninstalled)
    app.event("tokens_revoked")(installs.tokens_revoked)

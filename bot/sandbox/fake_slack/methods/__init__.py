"""The Web API methods the bot calls (directly, through Bolt or through slack_sdk), by name.

Only those: a method nothing in Rotnem calls answers ``unknown_method``, so a new call in the bot
shows up as a test failure here first rather than as behaviour the fake merely imagines.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from bot.sandbox.fake_slack.methods import (
    apps,
    chat,
    conversations,
    files,
    oauth,
    team,
    users,
    views,
)
from bot.sandbox.fake_slack.state import Handler

METHODS: Final[Mapping[str, Handler]] = {
    **apps.METHODS,
    **users.METHODS,
    **team.METHODS,
    **conversations.METHODS,
    **chat.METHODS,
    **views.METHODS,
    **files.METHODS,
    **oauth.METHODS,
}

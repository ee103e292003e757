"""The workspace's profile: team.profile.get lists its custom profile fields."""

from __future__ import annotations

import copy
from typing import Any, Final

from bot.sandbox.fake_slack.state import Handler, State
from bot.sandbox.fake_slack.wire import JSON, SlackError

VISIBILITIES: Final = ("all", "visible", "hidden")


def team_profile_get(state: State, args: dict[str, Any]) -> JSON:
    visibility = args.get("visibility") or "all"
    if visibility not in VISIBILITIES:
        raise SlackError("invalid_arguments")
    fields = [
        copy.deepcopy(f)
        for f in state.profile_fields
        if visibility == "all" or f["is_hidden"] == (visibility == "hidden")
    ]
    return {"ok": True, "profile": {"fields": fields, "sections": []}}


METHODS: Final[dict[str, Handler]] = {"team.profile.get": team_profile_get}

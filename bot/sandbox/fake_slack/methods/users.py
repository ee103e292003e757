"""Who is who: auth.test (Bolt asks it who the bot is at startup), users.info, and
users.profile.get (the profile with its custom fields' values)."""

from __future__ import annotations

import copy
from typing import Any, Final

from bot.sandbox.fake_slack.state import Handler, State, without_locale
from bot.sandbox.fake_slack.wire import JSON, SlackError, required


def auth_test(state: State, args: dict[str, Any]) -> JSON:
    # Shape of bolt-python's BOT_AUTH_TEST_RESPONSE (auth.test for a bot token); a token from an
    # OAuth install answers for its own workspace or org.
    grant = state.caller
    if grant is None:
        return {
            "ok": True,
            "url": f"https://{state.team_domain}.slack.com/",
            "team": state.team_name,
            "user": state.bot_name,
            "team_id": state.team_id,
            "user_id": state.bot_user_id,
            "bot_id": state.bot_id,
        }
    answer: JSON = {
        "ok": True,
        "url": f"https://{(grant.team_id or grant.enterprise_id or '').lower()}.slack.com/",
        "team": grant.team_name,
        "user": state.bot_name,
        "team_id": grant.team_id or "",
        "user_id": grant.bot_user_id,
        "bot_id": grant.bot_id,
    }
    if grant.enterprise_id:
        answer |= {
            "enterprise_id": grant.enterprise_id,
            "is_enterprise_install": grant.is_enterprise_install,
        }
    return answer


def users_info(state: State, args: dict[str, Any]) -> JSON:
    user = state.users.get(required(args, "user", "user_not_found"))
    if user is None:
        raise SlackError("user_not_found")
    if str(args.get("include_locale", "")).lower() in ("true", "1"):
        return {"ok": True, "user": copy.deepcopy(user)}
    return {"ok": True, "user": without_locale(user)}


def users_profile_get(state: State, args: dict[str, Any]) -> JSON:
    # Shape of Slack's example: `fields` maps a field ID to {value, alt}; Slack sends an empty
    # list, not an empty map, for a profile with no custom field filled in.
    user = state.users.get(required(args, "user", "user_not_found"))
    if user is None:
        raise SlackError("user_not_found")
    profile = copy.deepcopy(user["profile"])
    values = state.profile_values.get(user["id"])
    profile["fields"] = copy.deepcopy(values) if values else []
    return {"ok": True, "profile": profile}


METHODS: Final[dict[str, Handler]] = {
    "auth.test": auth_test,
    "users.info": users_info,
    "users.profile.get": users_profile_get,
}

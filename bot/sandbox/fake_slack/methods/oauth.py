"""OAuth v2: ``oauth.v2.access`` exchanges an install's code for a bot token, and with token
rotation a refresh token for a fresh bot token (``grant_type=refresh_token``).

Answer shapes follow Slack's documented examples (docs.slack.dev/reference/methods/oauth.v2.access
and /authentication/using-token-rotation): with rotation on, the bot token is ``xoxe.xoxb-…``,
expires in ``expires_in`` seconds, and comes with a ``refresh_token`` (``xoxe-1-…``). Older tokens
stay valid until they expire, as Slack's do. The app authenticates with its client ID and secret
(HTTP Basic, as slack_sdk sends them, or form arguments), never with a token.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any, Final

from bot.sandbox.fake_slack.state import Grant, Handler, State
from bot.sandbox.fake_slack.wire import JSON, SlackError, required

BOT_SCOPES: Final = (
    "commands,chat:write,users:read,im:write,mpim:write,channels:read,groups:read,files:write,"
    "users.profile:read"
)


def _issue(state: State, grant: Grant, *, rotation: bool) -> JSON:
    seq = state.next_seq()
    owner = grant.team_id or grant.enterprise_id or "org"
    answer: JSON = {"token_type": "bot"}
    if rotation:
        token = f"xoxe.xoxb-1-{owner}-{seq}"
        refresh = f"xoxe-1-{owner}-{seq}"
        grant = dataclasses.replace(grant, expires_at=time.time() + state.token_lifetime)
        state.refresh_tokens[refresh] = grant
        answer |= {"expires_in": state.token_lifetime, "refresh_token": refresh}
    else:
        token = f"xoxb-{owner}-{seq}"
    state.tokens.add(token)
    state.grants[token] = grant
    return {"ok": True, "access_token": token, **answer}


def _team_fields(grant: Grant) -> JSON:
    team = {"id": grant.team_id, "name": grant.team_name} if grant.team_id else None
    enterprise = (
        {"id": grant.enterprise_id, "name": grant.enterprise_name} if grant.enterprise_id else None
    )
    return {
        "team": team,
        "enterprise": enterprise,
        "is_enterprise_install": grant.is_enterprise_install,
    }


def oauth_v2_access(state: State, args: dict[str, Any]) -> JSON:
    if state.client_id is None or args.get("client_id") != state.client_id:
        raise SlackError("invalid_client_id")
    if args.get("client_secret") != state.client_secret:
        raise SlackError("bad_client_secret")
    if args.get("grant_type") == "refresh_token":
        grant = state.refresh_tokens.get(required(args, "refresh_token", "invalid_refresh_token"))
        if grant is None:
            raise SlackError("invalid_refresh_token")
        issued = _issue(state, grant, rotation=True)
        return {
            **issued,
            "scope": BOT_SCOPES,
            "bot_user_id": grant.bot_user_id,
            "app_id": state.app_id,
            **_team_fields(grant),
        }
    code = state.codes.get(required(args, "code", "invalid_code"))
    if code is None or code.used:
        raise SlackError("invalid_code")
    code.used = True
    issued = _issue(state, code.grant, rotation=code.rotation)
    return {
        **issued,
        "scope": BOT_SCOPES,
        "bot_user_id": code.grant.bot_user_id,
        "app_id": state.app_id,
        **_team_fields(code.grant),
        "authed_user": {"id": code.installer},
    }


METHODS: Final[dict[str, Handler]] = {"oauth.v2.access": oauth_v2_access}

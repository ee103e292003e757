"""conversations.open (DMs and group DMs), conversations.history (the dispatcher reads it) and
conversations.info (whether the bot is in a channel HR picks)."""

from __future__ import annotations

import base64
import time
from typing import Any, Final

from bot.sandbox.fake_slack.state import Conversation, Handler, State, public_copy, stable_id
from bot.sandbox.fake_slack.wire import JSON, SlackError, integer, optional, required, truthy


def conversations_open(state: State, args: dict[str, Any]) -> JSON:
    full = truthy(args.get("return_im"))
    channel = optional(args, "channel")
    if channel is not None:
        conv = state.conversations.get(channel)
        if conv is None or conv.kind == "channel":
            raise SlackError("channel_not_found")
        return _open_answer(state, conv, already_open=True, full=full)
    users_arg = optional(args, "users")
    if users_arg is None:
        raise SlackError("users_list_not_supplied")
    users = sorted({u.strip() for u in users_arg.split(",") if u.strip()})
    users = [u for u in users if u != state.bot_user_id] or users
    if len(users) > 8:
        raise SlackError("too_many_users")
    for user_id in users:
        user = state.users.get(user_id)
        if user is None:
            raise SlackError("user_not_found")
        if user["deleted"]:
            raise SlackError("user_disabled")
    if len(users) == 1:
        channel_id = stable_id("D", state.team_id, users[0])
    else:
        channel_id = stable_id("G", state.team_id, *users)
    existing = state.conversations.get(channel_id)
    if existing is not None:
        return _open_answer(state, existing, already_open=True, full=full)
    if truthy(args.get("prevent_creation")):
        raise SlackError("channel_not_found")
    if len(users) == 1:
        state.open_im(users[0])
    else:
        names = "--".join(str(state.users[u]["name"]) for u in users)
        state.conversations[channel_id] = Conversation(
            channel_id, "mpim", [*users, state.bot_user_id], f"mpdm-{names}-1", int(time.time())
        )
    return _open_answer(state, state.conversations[channel_id], already_open=False, full=full)


def conversations_history(state: State, args: dict[str, Any]) -> JSON:
    channel = required(args, "channel", "channel_not_found")
    if channel not in state.conversations and (
        state.strict_channels or not state.channel_messages(channel)
    ):
        raise SlackError("channel_not_found")
    limit = integer(args, "limit", 100)
    limit = limit if 0 < limit <= 999 else 100
    try:
        oldest = float(optional(args, "oldest") or 0)
        latest = float(optional(args, "latest") or "inf")
    except ValueError as exc:
        raise SlackError("invalid_ts_oldest") from exc
    inclusive = truthy(args.get("inclusive"))
    top_level = [
        m
        for m in state.channel_messages(channel)
        if "thread_ts" not in m or m["thread_ts"] == m["ts"] or m.get("reply_broadcast")
    ]
    picked = [
        m
        for m in top_level
        if (oldest <= float(m["ts"]) <= latest if inclusive else oldest < float(m["ts"]) < latest)
    ]
    picked.reverse()
    cursor = optional(args, "cursor")
    if cursor:
        before = _decode_cursor(cursor)
        picked = [m for m in picked if float(m["ts"]) < float(before)]
    page, rest = picked[:limit], picked[limit:]
    with_metadata = truthy(args.get("include_all_metadata"))
    out: JSON = {
        "ok": True,
        "messages": [public_copy(m, with_metadata=with_metadata) for m in page],
        "has_more": bool(rest),
        "pin_count": 0,
    }
    if rest:
        out["response_metadata"] = {"next_cursor": _encode_cursor(page[-1]["ts"])}
    return out


def conversations_info(state: State, args: dict[str, Any]) -> JSON:
    conv = state.conversations.get(required(args, "channel"))
    # A private channel the bot is not in is one it cannot see.
    if conv is None or (conv.is_private and state.bot_user_id not in conv.members):
        raise SlackError("channel_not_found")
    return {"ok": True, "channel": _channel_object(state, conv)}


METHODS: Final[dict[str, Handler]] = {
    "conversations.open": conversations_open,
    "conversations.history": conversations_history,
    "conversations.info": conversations_info,
}


def _open_answer(state: State, conv: Conversation, *, already_open: bool, full: bool) -> JSON:
    out: JSON = {"ok": True}
    if already_open:
        out.update({"no_op": True, "already_open": True})
    out["channel"] = _channel_object(state, conv) if full else {"id": conv.id}
    return out


def _channel_object(state: State, conv: Conversation) -> JSON:
    """The full conversation object, as conversations.open answers with ``return_im``."""
    if conv.kind == "im":
        user_id = conv.members[0]
        return {
            "id": conv.id,
            "created": conv.created,
            "is_archived": False,
            "is_im": True,
            "is_org_shared": False,
            "context_team_id": state.team_id,
            "updated": conv.created * 1000,
            "user": user_id,
            "is_user_deleted": bool(state.users.get(user_id, {}).get("deleted", False)),
            "priority": 0,
        }
    is_mpim = conv.kind == "mpim"
    return {
        "id": conv.id,
        "name": conv.name,
        "is_channel": not is_mpim and not conv.is_private,
        "is_group": is_mpim or conv.is_private,
        "is_im": False,
        "is_mpim": is_mpim,
        "is_private": is_mpim or conv.is_private,
        "created": conv.created,
        "is_archived": False,
        "is_general": False,
        "unlinked": 0,
        "name_normalized": conv.name,
        "is_shared": False,
        "is_org_shared": False,
        "is_pending_ext_shared": False,
        "pending_shared": [],
        "context_team_id": state.team_id,
        "updated": conv.created * 1000,
        "parent_conversation": None,
        "creator": state.bot_user_id if is_mpim else "",
        "is_ext_shared": False,
        "shared_team_ids": [state.team_id],
        "pending_connected_team_ids": [],
        "is_member": state.bot_user_id in conv.members,
        "topic": {"value": conv.topic, "creator": "", "last_set": 0},
        "purpose": {"value": conv.purpose, "creator": "", "last_set": 0},
        "previous_names": [],
    }


# History cursors carry the ts the next page starts below.
def _encode_cursor(ts: str) -> str:
    return base64.b64encode(f"next_ts:{ts}".encode()).decode()


def _decode_cursor(cursor: str) -> str:
    try:
        decoded = base64.b64decode(cursor.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise SlackError("invalid_cursor") from exc
    prefix, sep, value = decoded.partition(":")
    if prefix != "next_ts" or not sep:
        raise SlackError("invalid_cursor")
    return value

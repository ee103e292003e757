"""Posts to a response_url (Bolt's ``respond``), acting on the fake's messages as Slack would."""

from __future__ import annotations

import json
from typing import Any, Final

from bot.sandbox.fake_slack.state import RESPONSE_URL_MAX_USES, ResponseUrl, State
from bot.sandbox.fake_slack.wire import JSON, Reply, optional, truthy

RESPONSE_PATH: Final = "/response/"


def receive_response(state: State, url_id: str, body: bytes) -> tuple[Reply, JSON]:
    """The answer to a response_url post, and what to record as the call's arguments."""
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        payload = None
    with state.lock:
        reply = _answer(state, url_id, payload)
    recorded = payload if isinstance(payload, dict) else {"raw": body.decode("utf-8", "replace")}
    return reply, recorded


def _answer(state: State, url_id: str, payload: Any) -> Reply:
    # Slack's answer for an unknown, expired or used-up response_url is not documented.
    # Convention here: HTTP 404 with a short plain-text reason, and no entry in responses().
    target = state.response_urls.get(url_id)
    if target is None:
        return Reply.text(404, "no_such_response_url")
    if target.uses >= RESPONSE_URL_MAX_USES:
        return Reply.text(404, "used_up_response_url")
    ttl = state.response_url_ttl
    if ttl is not None and state.clock() - target.issued_at > ttl:
        return Reply.text(404, "expired_response_url")
    if not isinstance(payload, dict):
        return Reply.text(400, "invalid_payload")
    target.uses += 1
    state.responses.append((f"{state.base}{RESPONSE_PATH}{url_id}", payload))
    _apply(state, target, payload)
    return Reply.json(200, {"ok": True})


def _apply(state: State, target: ResponseUrl, payload: JSON) -> None:
    """Mirror what Slack does with the post to the fake's stored messages."""
    if target.channel is None:
        return
    original = state.find_message(target.channel, target.message_ts) if target.message_ts else None
    if truthy(payload.get("delete_original")):
        if original is not None:
            state.remove(target.channel, original)
        return
    content: JSON = {k: payload[k] for k in ("text", "blocks", "attachments") if k in payload}
    if truthy(payload.get("replace_original")) and original is not None:
        state.edit(original, content)
        return
    if payload.get("response_type") == "in_channel":
        state.post(target.channel, content, optional(payload, "thread_ts"))
    elif target.user is not None:
        record: JSON = {"channel": target.channel, "user": target.user, **content}
        record["message_ts"] = state.next_ts()
        state.ephemerals.append(record)

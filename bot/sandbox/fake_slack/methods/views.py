"""views.open (a modal, against a fresh trigger_id), views.push (a modal on top of the user's
open one, at most three in a stack), views.update (a modal or Home tab replaced in place, by
`view_id` or `external_id`, refused on a stale `hash`) and views.publish (a user's Home tab)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Final

from bot.sandbox.fake_slack.blockkit import validate_view
from bot.sandbox.fake_slack.state import Handler, State
from bot.sandbox.fake_slack.wire import JSON, SlackError, dumps, json_arg, optional

MAX_VIEW_BYTES: Final = 250 * 1024


def views_open(state: State, args: dict[str, Any]) -> JSON:
    spec = _view_arg(args, "modal")
    user = _exchange_trigger(state, args)
    view_id = state.next_id("V")
    _claim_external_id(state, spec, view_id)
    view = _build_view(state, view_id, spec)
    state.views[view_id] = view
    state.view_users[view_id] = user
    state.modal_order.append(view_id)
    return {"ok": True, "view": copy.deepcopy(view)}


# Slack: "Currently the limit is 3" views in a modal's stack (views.push `push_limit_reached`).
MAX_STACK: Final = 3


def views_push(state: State, args: dict[str, Any]) -> JSON:
    spec = _view_arg(args, "modal")
    user = _exchange_trigger(state, args)
    below = next(
        (vid for vid in reversed(state.modal_order) if state.view_users.get(vid) == user), None
    )
    if below is None:
        raise SlackError("not_found")
    depth, under = 1, state.views[below].get("previous_view_id")
    while under is not None:
        depth, under = depth + 1, state.views[under].get("previous_view_id")
    if depth >= MAX_STACK:
        raise SlackError("push_limit_reached")
    view_id = state.next_id("V")
    _claim_external_id(state, spec, view_id)
    view = _build_view(state, view_id, spec)
    view["previous_view_id"] = below
    view["root_view_id"] = state.views[below]["root_view_id"]
    state.views[view_id] = view
    state.view_users[view_id] = user
    state.modal_order.append(view_id)
    return {"ok": True, "view": copy.deepcopy(view)}


def views_update(state: State, args: dict[str, Any]) -> JSON:
    external_id = optional(args, "external_id")
    view_id = optional(args, "view_id") or state.external_ids.get(external_id or "")
    if view_id is None:
        raise SlackError("invalid_arguments", "one of `view_id` or `external_id` is required")
    existing = state.views.get(view_id)
    if existing is None:
        raise SlackError("not_found")
    spec = _view_arg(args, existing["type"])
    expected_hash = optional(args, "hash")
    if expected_hash is not None and expected_hash != existing["hash"]:
        raise SlackError("hash_conflict")
    _claim_external_id(state, spec, view_id)
    view = _build_view(state, view_id, spec)
    view["previous_view_id"] = existing.get("previous_view_id")
    view["root_view_id"] = existing.get("root_view_id", view_id)
    state.views[view_id] = view
    return {"ok": True, "view": copy.deepcopy(view)}


def views_publish(state: State, args: dict[str, Any]) -> JSON:
    user_id = optional(args, "user_id")
    if user_id is None:
        raise SlackError("invalid_arguments", "invalid `user_id`")
    spec = _view_arg(args, "home")
    existing_id = state.homes.get(user_id)
    expected_hash = optional(args, "hash")
    if (
        existing_id is not None
        and expected_hash is not None
        and expected_hash != state.views[existing_id]["hash"]
    ):
        raise SlackError("hash_conflict")
    view_id = existing_id or state.next_id("V")
    _claim_external_id(state, spec, view_id)
    view = _build_view(state, view_id, spec)
    state.views[view_id] = view
    state.view_users[view_id] = user_id
    state.homes[user_id] = view_id
    return {"ok": True, "view": copy.deepcopy(view)}


METHODS: Final[dict[str, Handler]] = {
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
}


def _exchange_trigger(state: State, args: Mapping[str, Any]) -> str | None:
    """Use up the call's trigger_id; the user it was issued for."""
    trigger_id = optional(args, "trigger_id") or optional(args, "interactivity_pointer")
    if trigger_id is None:
        raise SlackError("invalid_arguments", "invalid `trigger_id`")
    trigger = state.triggers.get(trigger_id)
    if trigger is None:
        raise SlackError("invalid_trigger_id")
    if trigger.used:
        raise SlackError("exchanged_trigger_id")
    if state.trigger_ttl is not None and state.clock() - trigger.issued_at > state.trigger_ttl:
        raise SlackError("expired_trigger_id")
    trigger.used = True
    return trigger.user


def _view_arg(args: Mapping[str, Any], expected_type: str) -> JSON:
    view = json_arg(args, "view")
    if view is None:
        raise SlackError("invalid_arguments", "[ERROR] missing required field: view")
    if len(dumps(view)) > MAX_VIEW_BYTES:
        raise SlackError("view_too_large")
    problems = validate_view(view, expected_type=expected_type)
    if problems:
        raise SlackError("invalid_arguments", *[f"[ERROR] {p}" for p in problems])
    assert isinstance(view, dict)
    return view


def _claim_external_id(state: State, spec: JSON, view_id: str) -> None:
    external_id = spec.get("external_id")
    if external_id:
        owner = state.external_ids.get(external_id)
        if owner is not None and owner != view_id:
            raise SlackError("duplicate_external_id")
        state.external_ids[external_id] = view_id


def _build_view(state: State, view_id: str, spec: JSON) -> JSON:
    """The view object Slack answers with and stores: installed in the workspace (or org) whose
    token opened it."""
    caller = state.caller
    installed_in = (caller.team_id or caller.enterprise_id) if caller else state.team_id
    out: JSON = {
        "id": view_id,
        "team_id": state.team_id,
        "type": spec["type"],
        "blocks": state.fill_block_ids(list(spec.get("blocks", []))),
        "private_metadata": spec.get("private_metadata", ""),
        "callback_id": spec.get("callback_id", ""),
        "state": {"values": {}},
        "hash": state.new_hash(),
        "clear_on_close": bool(spec.get("clear_on_close", False)),
        "notify_on_close": bool(spec.get("notify_on_close", False)),
        "close": spec.get("close"),
        "submit": spec.get("submit"),
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": state.app_id,
        "external_id": spec.get("external_id", ""),
        "app_installed_team_id": installed_in,
        "bot_id": caller.bot_id if caller else state.bot_id,
    }
    if "title" in spec:
        out["title"] = spec["title"]
    return out

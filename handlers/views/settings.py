"""The program-settings modal's submission: every value checked, refused on its field when
invalid, stored, logged (who, when, old → new), and the admin told what changed."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.admin import admins_only_message
from bot.blocks.settings import settings_saved_message
from bot.ids import ActionId, BlockId
from bot.services.program import RANGES, defaults_from, update_program_settings
from handlers.context import deps_of

logger = logging.getLogger(__name__)

NUMBERS = {
    BlockId.SETTINGS_CYCLE_WEEKS: ("cycle_weeks", "Cycle length"),
    BlockId.SETTINGS_CHECKIN_DELAY: ("checkin_delay_days", "Check-in delay"),
    BlockId.SETTINGS_STALL_WEEKS: ("stall_weeks", "Stall alert"),
}
SELECTS = {
    BlockId.SETTINGS_NUDGE_DAY: ("nudge_weekday", "Weekly prompt day"),
    BlockId.SETTINGS_NUDGE_HOUR: ("nudge_hour", "Weekly prompt hour"),
}


def _state(values: dict[str, Any], block: str) -> dict[str, Any]:
    return dict((values.get(block) or {}).get(ActionId.SETTINGS_ANSWER) or {})


def parse_settings(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The modal's answers as `update_program_settings` keywords, and errors by block."""
    parsed: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for block, (name, label) in NUMBERS.items():
        raw = str(_state(values, block).get("value") or "").strip()
        low, high = RANGES[name]
        if not raw.isdigit() or not low <= int(raw) <= high:
            errors[block] = f"{label}: enter a whole number from {low} to {high}."
        else:
            parsed[name] = int(raw)
    for block, (name, label) in SELECTS.items():
        raw = str((_state(values, block).get("selected_option") or {}).get("value") or "")
        low, high = RANGES[name]
        if not raw.isdigit() or not low <= int(raw) <= high:
            errors[block] = f"{label}: pick one of the options."
        else:
            parsed[name] = int(raw)
    tz = str((_state(values, BlockId.SETTINGS_TZ).get("selected_option") or {}).get("value") or "")
    if tz not in ("prefer_close", "ignore"):
        errors[BlockId.SETTINGS_TZ] = "Time zones in matching: pick one of the options."
    else:
        parsed["tz_preference"] = tz
    auto = str(
        (_state(values, BlockId.SETTINGS_AUTO).get("selected_option") or {}).get("value") or ""
    )
    if auto not in ("yes", "no"):
        errors[BlockId.SETTINGS_AUTO] = "Propose the next round automatically: yes or no."
    else:
        parsed["auto_propose_next_round"] = auto == "yes"
    channel = _state(values, BlockId.SETTINGS_CHANNEL).get("selected_conversation")
    if channel is not None and not (isinstance(channel, str) and channel[:1] in ("C", "G")):
        errors[BlockId.SETTINGS_CHANNEL] = "Announcement channel: pick a channel, not a person."
    else:
        parsed["announce_channel"] = channel or ""
    return parsed, errors


async def settings_submission_callback(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    deps = deps_of(context)
    user_id = body["user"]["id"]
    if not deps.is_admin(user_id):
        await ack(
            response_action="errors",
            errors={BlockId.SETTINGS_CYCLE_WEEKS: admins_only_message().text[:150]},
        )
        return
    parsed, errors = parse_settings((view.get("state") or {}).get("values") or {})
    if errors:
        await ack(response_action="errors", errors=errors)
        return
    team_id = context.team_id or body.get("team", {}).get("id", "")
    async with deps.sessionmaker.begin() as session:
        changes = await update_program_settings(
            session,
            team_id,
            now=deps.clock.now(),
            actor_id=user_id,
            defaults=defaults_from(deps.settings),
            **parsed,
        )
        summary = [(c.field, c.old_value, c.new_value) for c in changes]
    await ack()
    try:
        await client.chat_postMessage(channel=user_id, **settings_saved_message(summary).to_dict())
    except SlackApiError as exc:
        logger.warning("Could not confirm the settings change: %s", exc.response.get("error"))

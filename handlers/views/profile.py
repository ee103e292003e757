"""The profile modal's submission: check every answer in the modal, then save in one go.

Answers that do not fit go back with `response_action: "errors"` next to their field and
nothing is written. Otherwise the modal closes at once and the profile is saved in one
transaction; the Home tab and the place the modal was opened from then show the result.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.blocks.enrollment import saved_message
from bot.ids import ActionId, BlockId
from bot.services import enrollment
from bot.services.enrollment import ProfileAnswers, ProfileField
from bot.services.errors import InvalidProfile
from handlers.context import deps_of
from handlers.participation import ModalContext, publish_home_quietly

logger = logging.getLogger(__name__)

FIELD_BLOCKS: dict[str, BlockId] = {
    ProfileField.ROLE: BlockId.PROFILE_ROLE,
    ProfileField.TEACH: BlockId.PROFILE_TEACH,
    ProfileField.TEACH_OTHER: BlockId.PROFILE_TEACH_OTHER,
    ProfileField.LEARN: BlockId.PROFILE_LEARN,
    ProfileField.LEARN_OTHER: BlockId.PROFILE_LEARN_OTHER,
    ProfileField.SHARE: BlockId.PROFILE_SHARE,
    ProfileField.DEPARTMENT: BlockId.PROFILE_DEPARTMENT,
    ProfileField.MANAGER: BlockId.PROFILE_MANAGER,
    ProfileField.CAPACITY: BlockId.PROFILE_CAPACITY,
    ProfileField.GOALS: BlockId.PROFILE_GOALS,
}


def answers_from_state(values: Mapping[str, Any]) -> ProfileAnswers:
    """`view.state.values` → the answers, whatever is missing or empty (the one place that
    knows how each element reports its value)."""

    def state(block_id: BlockId) -> Mapping[str, Any]:
        block = values.get(block_id) or {}
        answer = block.get(ActionId.PROFILE_ANSWER) or {}
        return answer if isinstance(answer, Mapping) else {}

    def text(block_id: BlockId) -> str | None:
        value = state(block_id).get("value")
        return value if isinstance(value, str) else None

    def selected(block_id: BlockId) -> str | None:
        option = state(block_id).get("selected_option")
        return str(option["value"]) if isinstance(option, Mapping) and "value" in option else None

    def selected_many(block_id: BlockId) -> tuple[str, ...]:
        options = state(block_id).get("selected_options") or []
        return tuple(str(o["value"]) for o in options if isinstance(o, Mapping) and "value" in o)

    manager = state(BlockId.PROFILE_MANAGER).get("selected_user")
    return ProfileAnswers(
        role=selected(BlockId.PROFILE_ROLE),
        teach_tool_ids=selected_many(BlockId.PROFILE_TEACH),
        teach_other=text(BlockId.PROFILE_TEACH_OTHER),
        learn_tool_ids=selected_many(BlockId.PROFILE_LEARN),
        learn_other=text(BlockId.PROFILE_LEARN_OTHER),
        share=text(BlockId.PROFILE_SHARE),
        department=text(BlockId.PROFILE_DEPARTMENT),
        manager_id=manager if isinstance(manager, str) else None,
        capacity=selected(BlockId.PROFILE_CAPACITY),
        goals=text(BlockId.PROFILE_GOALS),
    )


def modal_errors(error: InvalidProfile) -> dict[str, str]:
    """Field errors keyed by the block they belong to (Slack shows them under the field)."""
    return {FIELD_BLOCKS[ProfileField(name)]: message for name, message in error.errors.items()}


async def profile_submission_callback(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    deps = deps_of(context)
    user_id = body["user"]["id"]
    team_id = context.team_id or body["user"].get("team_id", "")
    answers = answers_from_state(view["state"]["values"])
    try:
        async with deps.sessionmaker() as session:
            profile = await enrollment.validate_profile(session, user_id, answers)
    except InvalidProfile as exc:
        await ack(response_action="errors", errors=modal_errors(exc))
        return
    await ack()

    opened = ModalContext.load(view.get("private_metadata") or "", deps.settings.rotnem_timezone)
    identity = enrollment.Identity(
        user_id=user_id, display_name=opened.display_name or user_id, tz=opened.tz
    )
    async with deps.sessionmaker.begin() as session:
        outcome = await enrollment.save_profile(
            session,
            team_id,
            identity,
            profile,
            now=deps.clock.now(),
            via=f"{opened.origin}:profile",
        )
    await publish_home_quietly(client, deps, team_id, user_id)
    if opened.response_url:
        message = saved_message(deps.settings.rotnem_command, outcome.kind, outcome.profile)
        # Where the person asked: the command's channel (ephemeral) or the invite, replaced.
        webhook = AsyncWebhookClient(opened.response_url)
        if opened.origin == "invite":
            response = await webhook.send(replace_original=True, **message.to_dict())
        else:
            response = await webhook.send(response_type="ephemeral", **message.to_dict())
        if response.status_code != 200:
            logger.info("Profile confirmation to %s answered %s", user_id, response.status_code)

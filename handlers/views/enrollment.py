"""The profile modal's submission: check every answer in the modal, then save in one go.

Answers that do not fit go back with `response_action: "errors"` next to their field and
nothing is written. Otherwise the modal closes at once and the profile is saved in one
transaction; the Home tab and the place the modal was opened from then show the result.
"""

from __future__ import annotations

import logging

from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.blocks.enrollment import saved_message
from bot.ids import BlockId
from bot.services.enrollment.identity import Identity
from bot.services.enrollment.profile import (
    ProfileAnswers,
    ProfileField,
    save_profile,
    validate_profile,
)
from bot.services.errors import InvalidProfile
from handlers.kit import Submission, ViewState
from handlers.people import ProfileModalMetadata

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


def answers_from(state: ViewState) -> ProfileAnswers:
    """The modal's answers, whatever is missing or empty."""
    return ProfileAnswers(
        role=state.selected(BlockId.PROFILE_ROLE),
        teach_tool_ids=state.selected_many(BlockId.PROFILE_TEACH),
        teach_other=state.text(BlockId.PROFILE_TEACH_OTHER),
        learn_tool_ids=state.selected_many(BlockId.PROFILE_LEARN),
        learn_other=state.text(BlockId.PROFILE_LEARN_OTHER),
        share=state.text(BlockId.PROFILE_SHARE),
        department=state.text(BlockId.PROFILE_DEPARTMENT),
        manager_id=state.user(BlockId.PROFILE_MANAGER),
        capacity=state.selected(BlockId.PROFILE_CAPACITY),
        goals=state.text(BlockId.PROFILE_GOALS),
    )


def modal_errors(error: InvalidProfile) -> dict[str, str]:
    """Field errors keyed by the block they belong to (Slack shows them under the field)."""
    return {FIELD_BLOCKS[ProfileField(name)]: message for name, message in error.errors.items()}


async def profile(submission: Submission) -> None:
    deps = submission.deps
    try:
        async with deps.sessionmaker() as session:
            checked = await validate_profile(
                session, submission.user_id, answers_from(submission.state)
            )
    except InvalidProfile as exc:
        await submission.errors(modal_errors(exc))
        return
    await submission.close()

    opened = ProfileModalMetadata.load(submission.private_metadata) or ProfileModalMetadata()
    identity = Identity(
        user_id=submission.user_id,
        display_name=opened.display_name or submission.user_id,
        tz=opened.tz or deps.settings.rotnem_timezone,
    )
    async with deps.sessionmaker.begin() as session:
        outcome = await save_profile(
            session,
            submission.team_id,
            identity,
            checked,
            now=deps.clock.now(),
            via=f"{opened.origin}:profile",
        )
    await submission.publish_home()
    if opened.response_url:
        message = saved_message(submission.command, outcome.kind, outcome.profile)
        # Where the person asked: the command's channel (ephemeral) or the invite, replaced.
        webhook = AsyncWebhookClient(opened.response_url)
        if opened.origin == "invite":
            response = await webhook.send(replace_original=True, **message.to_dict())
        else:
            response = await webhook.send(response_type="ephemeral", **message.to_dict())
        if response.status_code != 200:
            logger.info(
                "Profile confirmation to %s answered %s", submission.user_id, response.status_code
            )

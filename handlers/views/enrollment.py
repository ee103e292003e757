"""The profile modal's submission: check every answer in the modal, then save in one go.

Answers that do not fit go back with `response_action: "errors"` next to their field and
nothing is written; so does a person Slack no longer lets take part (asked again now, not only
when the modal opened). Otherwise the profile is saved in one transaction, and only then does
the modal close — or move on to rating the tools not rated yet; the Home tab and the place the
modal was opened from show the result.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.blocks.enrollment import saved_message
from bot.blocks.message import Message
from bot.i18n import current_language, language_of, use_language
from bot.ids import BlockId
from bot.services import learning
from bot.services.directory import manager_to_save
from bot.services.enrollment.identity import Identity, check_eligible
from bot.services.enrollment.profile import (
    ProfileAnswers,
    ProfileField,
    save_profile,
    validate_profile,
)
from bot.services.errors import InvalidProfile, NotEligible
from bot.services.program.programs import check_open
from handlers.kit import Submission, ViewState
from handlers.people import ProfileModalMetadata, fetch_identity
from handlers.views.learning import baseline_step

# users.info on submission gets a second: the save and the answer must fit in Slack's three.
IDENTITY_WITHIN = 1.0

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
    async with deps.sessionmaker() as session:
        try:
            checked = await validate_profile(
                session, submission.team_id, submission.user_id, answers_from(submission.state)
            )
        except InvalidProfile as exc:
            await submission.errors(modal_errors(exc))
            return
    opened = ProfileModalMetadata.load(submission.private_metadata) or ProfileModalMetadata()
    identity = await _identity_now(submission, opened)
    # Someone joining speaks their Slack language from this answer on (it is saved below).
    use_language(language_of(identity.locale) or current_language())
    try:
        check_eligible(identity)
    except NotEligible as exc:
        # Deactivated or made a guest since the modal opened.
        await submission.errors({BlockId.PROFILE_ROLE: exc.message})
        return
    async with submission.saving() as session:
        # Closed since the modal opened: nobody joins it any more.
        await check_open(session, submission.team_id)
        field_id = (await deps.program_config(session, submission.team_id)).manager_field_id
        if field_id:
            manager_id = await manager_to_save(
                session, submission.team_id, submission.user_id, field_id=field_id
            )
            checked = replace(checked, manager_id=manager_id)
        outcome = await save_profile(
            session,
            submission.team_id,
            identity,
            checked,
            now=deps.clock.now(),
            via=f"{opened.origin}:profile",
        )
        # Then "How confident are you today?" for tools not rated yet (see views/learning.py).
        to_rate = await learning.tools_to_rate(session, outcome.profile)
        if to_rate:
            submission.then_show(baseline_step(to_rate))
    deps.languages.forget(submission.team_id, submission.user_id)
    await submission.publish_home()
    if opened.response_url:
        message = saved_message(submission.command, outcome.kind, outcome.profile)
        await _confirm(submission, opened.origin, opened.response_url, message)


async def _identity_now(submission: Submission, opened: ProfileModalMetadata) -> Identity:
    """Who Slack says the person is now (eligibility is checked again on submission); if Slack
    does not answer within a second, who it said when the modal opened."""
    try:
        async with asyncio.timeout(IDENTITY_WITHIN):
            return await fetch_identity(submission.client, submission.deps, submission.user_id)
    except (SlackApiError, SlackClientError, TimeoutError, OSError) as exc:
        logger.warning("users.info on profile submission failed: %s", type(exc).__name__)
    return Identity(
        user_id=submission.user_id,
        display_name=opened.display_name or submission.user_id,
        tz=opened.tz or submission.deps.settings.rotnem_timezone,
        locale=opened.locale,
    )


async def _confirm(
    submission: Submission, origin: str, response_url: str, message: Message
) -> None:
    """Where the person asked: the command's channel (ephemeral) or the invite, replaced."""
    webhook = AsyncWebhookClient(response_url)
    if origin == "invite":
        response = await webhook.send(replace_original=True, **message.to_dict())
    else:
        response = await webhook.send(response_type="ephemeral", **message.to_dict())
    if response.status_code != 200:
        logger.info(
            "Profile confirmation to %s answered %s", submission.user_id, response.status_code
        )

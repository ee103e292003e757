"""Learning's modal submissions: the confidence baseline (the step after the profile) and the
guide's teach-back.

The baseline is a second step rather than ratings inside the profile modal: which tools a person
wants to learn is only known once the modal is submitted (typed-in tools included), and a
modal that grew a rating per pick would need `dispatch_action` and a views.update per
selection, racing the person's typing. So the profile is saved first and the modal is replaced
by "How confident are you today?" for the tools not rated yet — editing the profile later asks
only about new tools, and the database keeps the first rating of each.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field
from slack_sdk.models.views import View

from bot.blocks.checkins import answered_message, met_detail
from bot.blocks.learning import baseline_modal, rating_block, with_teach_back
from bot.i18n import N_, _
from bot.ids import BlockId
from bot.services import learning
from bot.services.learning import MAX_WHAT, Rating, ToolNotChosen, ToolToRate
from bot.services.text import FieldErrors, whole_number
from handlers.actions.learning import TeachBackMetadata
from handlers.kit import Metadata, Submission

LOST_TRACK = N_("This form lost track of its question; please open it again.")


class BaselineMetadata(Metadata):
    """Carried in the baseline step: the (direction, tool) each rating block is about."""

    tools: list[tuple[str, str]] = Field(alias="t", max_length=2 * learning.MAX_RATED)


def baseline_step(tools: Sequence[ToolToRate]) -> View:
    """The "How confident are you today?" step for these tools."""
    metadata = BaselineMetadata(tools=[(tool.direction, tool.tool) for tool in tools])
    return baseline_modal(tools, metadata.dump())


async def baseline(submission: Submission) -> None:
    meta = BaselineMetadata.load(submission.private_metadata)
    if meta is None or not meta.tools:
        await submission.errors({rating_block(0): _(LOST_TRACK)})
        return
    errors = FieldErrors()
    ratings: list[Rating] = []
    blocks: list[str] = []  # each rating's block, for a refusal of its tool
    for index, (direction, tool) in enumerate(meta.tools):
        picked = submission.state.selected(rating_block(index))
        rating = whole_number(picked, 1, 5)
        if rating is not None:
            ratings.append(Rating(direction, tool, rating))
            blocks.append(rating_block(index))
        elif picked is not None or direction == "learn":
            errors[rating_block(index)] = _("Pick how confident you are, from 1 to 5.")
    if errors:
        await submission.errors(errors)
        return
    try:
        async with submission.saving() as session:
            await learning.record_baselines(
                session,
                submission.team_id,
                submission.user_id,
                ratings,
                now=submission.deps.clock.now(),
            )
    except ToolNotChosen as exc:
        # Nothing was written; the message goes under the rating of that tool.
        await submission.errors({blocks[exc.index]: exc.message})


async def teach_back(submission: Submission) -> None:
    meta = TeachBackMetadata.load(submission.private_metadata)
    errors = FieldErrors()
    what = errors.typed(
        BlockId.TEACH_BACK_WHAT, submission.state.text(BlockId.TEACH_BACK_WHAT), limit=MAX_WHAT
    )
    if meta is None:
        errors[BlockId.TEACH_BACK_WHAT] = _(LOST_TRACK)
    if errors or meta is None:
        await submission.errors(errors)
        return
    async with submission.saving() as session:
        offer = await learning.confirm_teach_back(
            session,
            submission.team_id,
            meta.session_id,
            submission.user_id,
            what,
            now=submission.deps.clock.now(),
        )
    # The guide's check-in, as after "We met", with the confirmation instead of the button.
    detail = met_detail(offer.tool, None, offer.rating)
    message = with_teach_back(answered_message(offer.learner, "met", detail), offer)
    await submission.update(meta.channel, meta.ts, message)

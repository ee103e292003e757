"""Learning's buttons: the guide's teach-back (opens a small modal to confirm it) and the
learner's "Still using it?" answers (recorded at once; a later click changes the answer).

Who may click is checked on the server every time: only the pair's guide confirms a
teach-back, only the learner asked answers a follow-up; anyone else is told politely.
"""

from __future__ import annotations

from pydantic import Field

from bot.blocks.learning import follow_up_answered_message, teach_back_modal
from bot.i18n import N_, _
from bot.services import learning
from bot.services.text import MAX_ID
from handlers.kit import Click, Metadata

UNKNOWN = N_("I don't recognise that button.")


class TeachBackMetadata(Metadata):
    """Carried in the teach-back modal: the session, and the check-in message to update."""

    session_id: int = Field(alias="s", ge=1, le=MAX_ID)
    channel: str | None = Field(None, alias="ch")
    ts: str | None = None


async def teach_back(click: Click) -> None:
    session_id = click.number
    if session_id is None:
        await click.say(_(UNKNOWN))
        return
    async with click.deps.sessionmaker() as session:
        offer = await learning.teach_back_offer(session, click.team_id, session_id, click.user_id)
    if offer is None:
        await click.say(_("Your report of that session names no tool to confirm."))
        return
    if offer.confirmed:
        await click.say(
            _("Already confirmed ✅ — {tool} counts as learned.").format(tool=offer.tool)
        )
        return
    metadata = TeachBackMetadata(session_id=session_id, channel=click.channel, ts=click.ts)
    await click.open_modal(click.trigger_id, teach_back_modal(metadata.dump(), offer))


async def _still_using(click: Click, answer: str) -> None:
    follow_up_id = click.number
    if follow_up_id is None:
        await click.say(_(UNKNOWN))
        return
    async with click.saving() as session:
        answered = await learning.answer_follow_up(
            session, click.team_id, follow_up_id, click.user_id, answer, now=click.deps.clock.now()
        )
    await click.update_clicked(follow_up_answered_message(answered))


async def still_using_yes(click: Click) -> None:
    await _still_using(click, "yes")


async def still_using_sometimes(click: Click) -> None:
    await _still_using(click, "sometimes")


async def still_using_no(click: Click) -> None:
    await _still_using(click, "no")

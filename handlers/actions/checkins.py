"""The check-in DM's buttons: "We met" and "We can't make this work" open a modal; "Not yet"
and "Skip this week" answer at once. After an answer the clicked message is updated in place
(chat.update: the direct answer to the person's own click) so nobody answers twice; a click on
a stale message is answered politely and changes nothing."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bot.blocks.checkins import (
    answered_message,
    cant_modal,
    met_modal,
    parse_button_value,
    remind_detail,
)
from bot.blocks.wording import in_wording
from bot.i18n import N_, _
from bot.services import checkins
from bot.services.text import MAX_ID
from handlers.kit import Click, Metadata

UNKNOWN = N_("I don't recognise that check-in.")


class CheckinModalMetadata(Metadata):
    """Carried in the check-in modals: which check-in, and the message to update after."""

    checkin_id: int = Field(alias="c", ge=1, le=MAX_ID)
    channel: str | None = Field(None, alias="ch")
    ts: str | None = None


async def _open_modal(click: Click, kind: str) -> None:
    parsed = parse_button_value(click.value)
    if parsed is None:
        await click.say(_(UNKNOWN))
        return
    checkin_id, attempt = parsed
    async with click.deps.sessionmaker() as session:
        info = await checkins.open_checkin(
            session, click.team_id, checkin_id, attempt, click.user_id
        )
    metadata = CheckinModalMetadata(checkin_id=checkin_id, channel=click.channel, ts=click.ts)
    view = (
        met_modal(
            metadata.dump(), info.partner, info.tools, learner=info.reporter_role == "learner"
        )
        if kind == "met"
        else cant_modal(metadata.dump(), info.partner)
    )
    await click.open_modal(click.trigger_id, view)


async def met(click: Click) -> None:
    await _open_modal(click, "met")


async def cant(click: Click) -> None:
    await _open_modal(click, "cant")


async def _answer(click: Click, status: Literal["not_yet", "skipped"]) -> None:
    parsed = parse_button_value(click.value)
    if parsed is None:
        await click.say(_(UNKNOWN))
        return
    async with click.saving() as session:
        answer = await checkins.answer_simple(
            session, click.team_id, *parsed, click.user_id, status, now=click.deps.clock.now()
        )
    detail = remind_detail() if answer.remind_at else None
    with in_wording(await click.wording()):
        await click.update_clicked(answered_message(answer.info.partner, answer.answer, detail))


async def not_yet(click: Click) -> None:
    await _answer(click, "not_yet")


async def skip(click: Click) -> None:
    await _answer(click, "skipped")

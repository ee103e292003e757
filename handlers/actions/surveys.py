"""The survey DM's button: opens the survey modal (pre-filled with earlier answers) while the
survey is open; a click after it closed is answered politely and changes nothing."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bot.blocks.surveys import survey_modal
from bot.i18n import _
from bot.services import surveys
from bot.services.text import MAX_ID
from handlers.kit import Click, Metadata


class SurveyModalMetadata(Metadata):
    """Carried in the survey modal: which survey, the tools its confidence blocks ask about (in
    order), and the DM to update after."""

    survey_id: int = Field(alias="s", ge=1, le=MAX_ID)
    stage: Literal["mid", "end"] = Field(alias="st")
    tools: tuple[str, ...] = Field((), alias="t", max_length=surveys.MAX_TOOLS)
    channel: str | None = Field(None, alias="ch")
    ts: str | None = None


async def open_survey(click: Click) -> None:
    survey_id = click.number
    if survey_id is None:
        await click.say(_("I don't recognise that survey."))
        return
    deps = click.deps
    async with deps.sessionmaker() as session:
        form = await surveys.open_survey(
            session,
            click.team_id,
            survey_id,
            click.user_id,
            now=deps.clock.now(),
            zone=deps.settings.zone,
        )
    metadata = SurveyModalMetadata(
        survey_id=survey_id,
        stage="end" if form.stage == "end" else "mid",
        tools=form.tools,
        channel=click.channel or form.channel,
        ts=click.ts or form.ts,
    )
    await click.open_modal(click.trigger_id, survey_modal(form, metadata.dump()))

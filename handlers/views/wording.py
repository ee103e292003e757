"""HR's own wording: saving the edit modal (checked, stored, logged, then the list refreshed),
and what its buttons (`handlers/actions/wording.py`) share with it.

The list modal's ID travels in the edit modal's metadata, so that after a save or a reset the
list underneath shows which languages are now customised.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pydantic import Field

from bot.blocks.errors import admins_only_message, error_message
from bot.blocks.wording import (
    parse_edit_value,
    problem_text,
    sample_values,
    wording_done_modal,
    wording_list_modal,
)
from bot.i18n import _, speaking
from bot.ids import BlockId
from bot.services.wording import Template, problem, save_wording, wording_sample
from handlers.kit import Metadata, Request, Submission


class WordingMetadata(Metadata):
    """The edit modal's template and language, and the list modal it was opened from."""

    template: str = Field(alias="t", max_length=40)
    language: str = Field(alias="l", max_length=8)
    list_view: str = Field(default="", alias="r", max_length=40)


def unknown() -> str:
    return _("That message or language is not one Rotnem knows: open `admin wording` again.")


async def sample_for(request: Request, language: str) -> tuple[dict[str, object], str | None]:
    """Every placeholder's value, from the program's real data, written in `language`; and the
    template the program started from (whose kickoff agreement is our default)."""
    deps = request.deps
    async with deps.sessionmaker() as session:
        config = await deps.program_config(session, request.team_id)
        sample = await wording_sample(
            session, request.team_id, request.user_id, config, deps.clock.now().date()
        )
    with speaking(language):
        return sample_values(sample), config.template


async def program_template(request: Request) -> str | None:
    """The template the program started from: its kickoff agreement is our default."""
    async with request.deps.sessionmaker() as session:
        return (await request.deps.program_config(session, request.team_id)).template


async def show_list(request: Request, list_view: str) -> None:
    """The list modal again, with what is customised now (a failure is logged: the change
    stands)."""
    if not list_view:
        return
    await request.update_view(list_view, wording_list_modal(await request.wording()))


@asynccontextmanager
async def storing(
    request: Request,
    template: Template,
    language: str,
    text: str | None,
    variant: str | None = None,
) -> AsyncIterator[None]:
    """HR's `text` (None: ours again; ours is the program template's `variant`) stored and
    logged in the request's transaction; Slack is told once it commits (what the block adds
    goes with the acknowledgement)."""
    async with request.saving() as session:
        await save_wording(
            session,
            request.team_id,
            template,
            language,
            text,
            now=request.deps.clock.now(),
            actor_id=request.user_id,
            variant=variant,
        )
        yield


# ---- saving ------------------------------------------------------------------------------------


async def save(submission: Submission) -> None:
    """Save: checked (placeholders, required ones, braces, Slack's limit) with field errors,
    stored and logged, then the modal says so; the list underneath is refreshed."""
    if not await submission.is_admin():
        await submission.refuse(admins_only_message())
        return
    metadata = WordingMetadata.load(submission.private_metadata)
    picked = parse_edit_value(f"{metadata.template}:{metadata.language}") if metadata else None
    if metadata is None or picked is None:
        await submission.refuse(error_message(unknown()))
        return
    template, language = picked
    text = submission.state.text(BlockId.WORDING_TEXT) or ""
    values, variant = await sample_for(submission, language)
    wrong = problem(template, text, values)
    if wrong is not None:
        await submission.errors({BlockId.WORDING_TEXT: problem_text(template, wrong)})
        return
    async with storing(submission, template, language, text, variant):
        submission.then_show(wording_done_modal(template, language, reset=False))
    await show_list(submission, metadata.list_view)

"""The programs list's buttons (`/rotnem admin programs`): New program opens the modal that
creates one; Close… closes the program the button was built for and shows the list again. Only
ROTNEM_ADMINS do either, checked on the server for every click whatever the list showed (its
Settings and Wording buttons open the program's modals: `handlers/actions/program.py`)."""

from __future__ import annotations

from bot.blocks.programs import new_program_modal, rotnem_admins_only_message
from bot.services.program.closing import close_program
from handlers.commands.programs import administered, is_rotnem_admin, programs_list
from handlers.kit import Click


async def new_program(click: Click) -> None:
    if not is_rotnem_admin(click):
        await click.refuse(rotnem_admins_only_message())
        return
    await click.acknowledgement.give()
    await click.open_modal(click.trigger_id, new_program_modal())


async def close(click: Click) -> None:
    """Close the button's program (a refusal — the first program, one already closed — is the
    service's sentence); its people hear it from the outbox, the admin sees the list again."""
    if not is_rotnem_admin(click):
        await click.refuse(rotnem_admins_only_message())
        return
    async with click.saving() as session:
        ended = await close_program(
            session, click.team_id, actor_id=click.user_id, now=click.deps.clock.now()
        )
    programs = await administered(click)
    await click.replace(await programs_list(click, programs, closed=(click.team_id, ended)))

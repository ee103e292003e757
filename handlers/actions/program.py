"""The settings modal's "Start from a template…": the template modal, on top of it (HR admins
only, checked on the server for every click)."""

from __future__ import annotations

from bot.blocks.errors import admins_only_message
from bot.blocks.program import template_modal
from handlers.kit import Click


async def choose_template(click: Click) -> None:
    deps = click.deps
    if not deps.is_admin(click.user_id):
        await click.refuse(admins_only_message())
        return
    async with deps.sessionmaker() as session:
        config = await deps.program_config(session, click.team_id)
    await click.acknowledgement.give()
    await click.client.views_push(
        trigger_id=click.trigger_id, view=template_modal(config.template).to_dict()
    )

"""HR's program buttons: the settings modal's "Start from a template…" (the template modal, on
top of it) and the shortcuts to the settings and the wording on the Home tab and in the programs
list, for the program the button was built for (HR admins only, checked on the server for every
click)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_sdk.models.views import View

from bot.blocks.errors import admins_only_message
from bot.blocks.program import template_modal
from handlers.commands.program import settings_view
from handlers.commands.wording import wording_view
from handlers.kit import Click, Request


async def choose_template(click: Click) -> None:
    deps = click.deps
    if not await click.is_admin():
        await click.refuse(admins_only_message())
        return
    async with deps.sessionmaker() as session:
        config = await deps.program_config(session, click.team_id)
    await click.acknowledgement.give()
    await click.push_view(click.trigger_id, template_modal(config.template))


async def _admin_modal(click: Click, build: Callable[[Request], Awaitable[View]]) -> None:
    if not await click.is_admin():
        await click.refuse(admins_only_message())
        return
    view = await build(click)
    await click.acknowledgement.give()
    await click.open_modal(click.trigger_id, view)


async def home_settings(click: Click) -> None:
    """The Home tab's "Program settings" (and a program's Settings in `/rotnem admin
    programs`): the modal `/rotnem admin settings` opens."""
    await _admin_modal(click, settings_view)


async def home_wording(click: Click) -> None:
    """The Home tab's "Wording" (and a program's in `/rotnem admin programs`): the list
    `/rotnem admin wording` opens."""
    await _admin_modal(click, wording_view)

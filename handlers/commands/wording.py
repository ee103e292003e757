"""`/rotnem admin wording`: the messages Rotnem sends on its own, in HR's words (HR admins only;
the router checks that on the server, and every step after it checks again)."""

from __future__ import annotations

from bot.blocks.wording import wording_list_modal
from bot.i18n import N_
from handlers.commands.router import CommandCall, Subcommand


async def admin_wording(call: CommandCall) -> None:
    await call.ack()
    await call.open_modal(call.trigger_id, wording_list_modal(await call.wording()))


WORDING_ADMIN_SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "wording",
        "admin wording",
        N_("the messages Rotnem sends, in your words and languages"),
        admin_wording,
    ),
)

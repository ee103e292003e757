"""`/rotnem admin wording`: the messages Rotnem sends on its own, in HR's words (HR admins only;
the router checks that on the server, and every step after it checks again)."""

from __future__ import annotations

from slack_sdk.models.views import View

from bot.blocks.wording import wording_list_modal
from bot.i18n import N_
from handlers.commands.router import CommandCall, Subcommand
from handlers.kit import Request


async def wording_view(request: Request) -> View:
    """The list of messages with what HR customised (the command's, and the Home tab's)."""
    return wording_list_modal(await request.wording())


async def admin_wording(call: CommandCall) -> None:
    await call.ack()
    await call.open_modal(call.trigger_id, await wording_view(call))


WORDING_ADMIN_SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "wording",
        "admin wording",
        N_("the messages Rotnem sends, in your words and languages"),
        admin_wording,
    ),
)

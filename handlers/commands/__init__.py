"""The slash command and its subcommands; every one is listed here, once."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.deps import Deps
from handlers.commands.enrollment import ENROLLMENT_SUBCOMMANDS
from handlers.commands.keepalive import KEEPALIVE_ADMIN_SUBCOMMANDS
from handlers.commands.pairing import PAIRING_ADMIN_SUBCOMMANDS
from handlers.commands.router import Router, Subcommand
from handlers.commands.tools import TOOLS_SUBCOMMANDS

SUBCOMMANDS: tuple[Subcommand, ...] = (*ENROLLMENT_SUBCOMMANDS,)
ADMIN_SUBCOMMANDS: tuple[Subcommand, ...] = (
    *PAIRING_ADMIN_SUBCOMMANDS,
    *TOOLS_SUBCOMMANDS,
    *KEEPALIVE_ADMIN_SUBCOMMANDS,
)


def register(app: AsyncApp, deps: Deps) -> None:
    router = Router(SUBCOMMANDS, ADMIN_SUBCOMMANDS)
    app.command(deps.settings.rotnem_command)(router.listener())

"""The slash command and its subcommands; every one is listed here, once."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.deps import Deps
from handlers.commands.router import Router, Subcommand

SUBCOMMANDS: tuple[Subcommand, ...] = ()
ADMIN_SUBCOMMANDS: tuple[Subcommand, ...] = ()


def register(app: AsyncApp, deps: Deps) -> None:
    router = Router(SUBCOMMANDS, ADMIN_SUBCOMMANDS)
    app.command(deps.settings.rotnem_command)(router.listener())

"""The slash command and its subcommands; every one is listed here, once."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.deps import Deps
from handlers.commands.enrollment import ENROLLMENT_SUBCOMMANDS
from handlers.commands.program import PROGRAM_ADMIN_SUBCOMMANDS
from handlers.commands.programs import PROGRAMS_ADMIN_SUBCOMMANDS
from handlers.commands.prompts import PROMPTS_ADMIN_SUBCOMMANDS
from handlers.commands.report import REPORT_ADMIN_SUBCOMMANDS
from handlers.commands.rounds import ROUNDS_ADMIN_SUBCOMMANDS
from handlers.commands.router import Router, Subcommand
from handlers.commands.tools import TOOLS_SUBCOMMANDS
from handlers.commands.wording import WORDING_ADMIN_SUBCOMMANDS

SUBCOMMANDS: tuple[Subcommand, ...] = (*ENROLLMENT_SUBCOMMANDS,)
ADMIN_SUBCOMMANDS: tuple[Subcommand, ...] = (
    *ROUNDS_ADMIN_SUBCOMMANDS,
    *TOOLS_SUBCOMMANDS,
    *PROMPTS_ADMIN_SUBCOMMANDS,
    *PROGRAM_ADMIN_SUBCOMMANDS,
    *PROGRAMS_ADMIN_SUBCOMMANDS,
    *WORDING_ADMIN_SUBCOMMANDS,
    *REPORT_ADMIN_SUBCOMMANDS,
)


def register(app: AsyncApp, deps: Deps) -> Router:
    """The command's listener; its router (which also answers "which program?" buttons)."""
    router = Router(SUBCOMMANDS, ADMIN_SUBCOMMANDS)
    app.command(deps.settings.rotnem_command)(router.listener())
    return router

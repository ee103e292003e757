"""`/rotnem admin tools [add "Name" — description | remove "Name"]` (HR admins only), on the
catalogue of the program the command runs in.

The router refuses anyone who is not an admin before this runs; every subcommand here is an
admin action, so there is nothing to show in a UI that could bypass that check.
"""

from __future__ import annotations

import re

from bot.blocks.tools import (
    tool_added_message,
    tool_removed_message,
    tools_list_message,
    tools_usage_message,
)
from bot.i18n import N_, _
from bot.services import tools
from handlers.commands.router import QUOTED, CommandCall, Subcommand, by_word

_SEPARATOR = re.compile(r"^(?:—|–|-{1,2}|:)\s*")


def parse_add(args: str) -> tuple[str, str]:
    """`"Name" — description` → (name, description); ValueError says what is missing."""
    match = QUOTED.match(args.strip())
    if not match:
        raise ValueError(_("Put the tool's name in quotes, then a dash and what it is good for."))
    description = _SEPARATOR.sub("", match.group("rest").strip(), count=1).strip()
    if not description:
        raise ValueError(
            _("Add a one-line description after the name of “{tool}”.").format(tool=match["name"])
        )
    return match.group("name").strip(), description


def parse_name(args: str) -> str:
    """`"Name"` or a bare `Name`."""
    text = args.strip()
    match = QUOTED.match(text)
    name = match.group("name") if match and not match.group("rest") else text
    if not name.strip():
        raise ValueError(_("Say which tool, in quotes."))
    return name.strip()


async def _list(call: CommandCall) -> None:
    async with call.deps.sessionmaker() as session:
        catalogue = await tools.list_tools(session, call.team_id)
    await call.reply(tools_list_message(call.command, catalogue))


async def _add(call: CommandCall) -> None:
    name, description = parse_add(call.typed_args)
    async with call.saving() as session:
        tool = await tools.add_tool(session, call.team_id, name, description, actor_id=call.user_id)
    await call.reply(tool_added_message(tool))


async def _remove(call: CommandCall) -> None:
    name = parse_name(call.typed_args)
    async with call.saving() as session:
        tool = await tools.remove_tool(session, call.team_id, name, now=call.deps.clock.now())
    await call.reply(tool_removed_message(tool))


admin_tools = by_word("tools", {"list": _list, "add": _add, "remove": _remove}, tools_usage_message)


TOOLS_SUBCOMMANDS: tuple[Subcommand, ...] = (
    # Usage and summary are translated when the help is built (bot/blocks/help.py).
    Subcommand(
        "tools",
        'admin tools [add "Name" — description | remove "Name"]',
        N_("list and edit the tool catalogue"),
        admin_tools,
    ),
)

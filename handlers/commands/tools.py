"""`/rotnem admin tools [add "Name" — description | remove "Name"]` (HR admins only).

The router refuses anyone who is not an admin before this runs; every subcommand here is an
admin action, so there is nothing to show in a UI that could bypass that check.
"""

from __future__ import annotations

import re

from bot.blocks.errors import error_message
from bot.blocks.tools import (
    tool_added_message,
    tool_removed_message,
    tools_list_message,
    tools_usage_message,
)
from bot.services import tools
from bot.services.errors import RotnemError
from handlers.commands.router import CommandCall, Subcommand

# Slack clients turn "straight" quotes into “curly” ones as people type.
_QUOTED = re.compile(r"""^["“”'‘’](?P<name>[^"“”]+?)["“”'‘’]\s*(?P<rest>.*)$""", re.S)
_SEPARATOR = re.compile(r"^(?:—|–|-{1,2}|:)\s*")


def parse_add(args: str) -> tuple[str, str]:
    """`"Name" — description` → (name, description); ValueError says what is missing."""
    match = _QUOTED.match(args.strip())
    if not match:
        raise ValueError("Put the tool's name in quotes, then a dash and what it is good for.")
    description = _SEPARATOR.sub("", match.group("rest").strip(), count=1).strip()
    if not description:
        raise ValueError(f"Add a one-line description after the name of “{match['name']}”.")
    return match.group("name").strip(), description


def parse_name(args: str) -> str:
    """`"Name"` or a bare `Name`."""
    text = args.strip()
    match = _QUOTED.match(text)
    name = match.group("name") if match and not match.group("rest") else text
    if not name.strip():
        raise ValueError("Say which tool, in quotes.")
    return name.strip()


async def admin_tools(call: CommandCall) -> None:
    await call.ack()
    word, _, rest = call.args.strip().partition(" ")
    word = word.lower()
    deps = call.deps
    try:
        if word in {"", "list"}:
            async with deps.sessionmaker() as session:
                catalogue = await tools.list_tools(session)
            await call.reply(tools_list_message(call.command, catalogue))
        elif word == "add":
            name, description = parse_add(rest)
            async with deps.sessionmaker.begin() as session:
                tool = await tools.add_tool(session, name, description, actor_id=call.user_id)
            await call.reply(tool_added_message(tool))
        elif word == "remove":
            name = parse_name(rest)
            async with deps.sessionmaker.begin() as session:
                tool = await tools.remove_tool(session, name, now=deps.clock.now())
            await call.reply(tool_removed_message(tool))
        else:
            await call.reply(tools_usage_message(call.command, f"I don't know `tools {word}`."))
    except ValueError as exc:
        await call.reply(tools_usage_message(call.command, str(exc)))
    except RotnemError as exc:
        await call.reply(error_message(exc.message))


TOOLS_SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "tools",
        'admin tools [add "Name" — description | remove "Name"]',
        "list and edit the tool catalogue",
        admin_tools,
    ),
)

"""`/rotnem admin prompts [add … | remove #N]`: the weekly prompt catalogue of the program the
command runs in (HR admins only; the router checks that on the server before this runs)."""

from __future__ import annotations

import logging
import re

from bot.blocks.prompts import (
    prompt_added_message,
    prompt_removed_message,
    prompt_restored_message,
    prompts_catalogue_message,
    prompts_list_message,
    prompts_usage_message,
)
from bot.i18n import N_, _
from bot.services.prompts.catalogue import (
    add_prompt,
    list_prompts,
    remove_prompt,
    removed_prompts,
    restore_prompt,
)
from handlers.commands.router import QUOTED, CommandCall, Subcommand, by_word

logger = logging.getLogger(__name__)

_EXERCISE = re.compile(r"\s+(?:—|–|--)\s+")
# A prompt's number as the list shows it (#12), with or without the sign.
_NUMBER = re.compile(r"#?(\d{1,9})")


def parse_prompt(args: str) -> tuple[str, str | None, str, str | None]:
    """`teach "Tool" text — exercise` | `teach text with {tool} — exercise` | `mirror text`
    → (kind, tool, text, exercise); ValueError says what is wrong."""
    kind, _space, rest = args.strip().partition(" ")
    kind = kind.lower()
    if kind not in ("teach", "mirror"):
        raise ValueError(_("Say `teach` or `mirror` after `add`."))
    rest = rest.strip()
    tool = None
    match = QUOTED.match(rest)
    if kind == "teach" and match:
        tool, rest = match.group("name").strip(), match.group("rest").strip()
    parts = _EXERCISE.split(rest, maxsplit=1)
    text = parts[0].strip()
    exercise = parts[1].strip() if len(parts) > 1 else None
    if not text:
        raise ValueError(_("Write the prompt's text after the kind."))
    return kind, tool, text, exercise or None


async def _list(call: CommandCall) -> None:
    async with call.deps.sessionmaker() as session:
        lines = await list_prompts(session, call.team_id)
    await call.reply(prompts_list_message(call.command, lines))


async def _add(call: CommandCall) -> None:
    kind, tool, text, exercise = parse_prompt(call.typed_args)
    async with call.saving() as session:
        added = await add_prompt(
            session,
            call.team_id,
            kind=kind,
            text=text,
            exercise=exercise,
            tool_name=tool,
            actor_id=call.user_id,
            now=call.deps.clock.now(),
        )
    await call.reply(prompt_added_message(added))


async def _all(call: CommandCall) -> None:
    async with call.deps.sessionmaker() as session:
        lines = await list_prompts(session, call.team_id)
        removed = await removed_prompts(session, call.team_id)
    await call.reply(prompts_catalogue_message(call.command, lines, removed))


def _number(call: CommandCall, how: str) -> int:
    """The prompt number the admin typed (`#12` or `12`); ValueError shows `how`."""
    number = _NUMBER.fullmatch(call.typed_args.strip())
    if number is None:
        raise ValueError(how)
    return int(number.group(1))


async def _remove(call: CommandCall) -> None:
    how = _(
        "Say which prompt to remove by its number, as `admin prompts all` lists it: `remove #12`."
    )
    prompt_id = _number(call, how)
    async with call.saving() as session:
        removed = await remove_prompt(session, call.team_id, prompt_id, now=call.deps.clock.now())
    await call.reply(prompt_removed_message(call.command, removed))


async def _restore(call: CommandCall) -> None:
    how = _("Say which prompt to bring back by its number: `restore #12`.")
    prompt_id = _number(call, how)
    async with call.saving() as session:
        restored = await restore_prompt(session, call.team_id, prompt_id)
    await call.reply(prompt_restored_message(restored))


admin_prompts = by_word(
    "prompts",
    {"list": _list, "all": _all, "add": _add, "remove": _remove, "restore": _restore},
    prompts_usage_message,
)


PROMPTS_ADMIN_SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "prompts",
        'admin prompts [all | add teach "Tool" text — exercise | add mirror text | remove #N | '
        "restore #N]",
        N_("list, add to and trim the weekly prompt catalogue"),
        admin_prompts,
    ),
)

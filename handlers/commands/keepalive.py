"""`/rotnem admin prompts | settings | stats | export` (HR admins only; the router checks that on
the server before any of these runs)."""

from __future__ import annotations

import io
import logging
import re

from bot.blocks.enrollment import error_message
from bot.blocks.message import Message
from bot.blocks.prompts import prompt_added_message, prompts_list_message, prompts_usage_message
from bot.blocks.settings import settings_modal
from bot.blocks.stats import stats_message
from bot.services import prompts, reports
from bot.services.errors import RotnemError
from bot.services.program import defaults_from, program_config
from handlers.commands.router import CommandCall, Subcommand

logger = logging.getLogger(__name__)

_QUOTED = re.compile(r"""^["“”'‘’](?P<name>[^"“”]+?)["“”'‘’]\s*(?P<rest>.*)$""", re.S)
_EXERCISE = re.compile(r"\s+(?:—|–|--)\s+")


def parse_prompt(args: str) -> tuple[str, str | None, str, str | None]:
    """`teach "Tool" text — exercise` | `teach text with {tool} — exercise` | `mirror text`
    → (kind, tool, text, exercise); ValueError says what is wrong."""
    kind, _, rest = args.strip().partition(" ")
    kind = kind.lower()
    if kind not in ("teach", "mirror"):
        raise ValueError("Say `teach` or `mirror` after `add`.")
    rest = rest.strip()
    tool = None
    match = _QUOTED.match(rest)
    if kind == "teach" and match:
        tool, rest = match.group("name").strip(), match.group("rest").strip()
    parts = _EXERCISE.split(rest, maxsplit=1)
    text = parts[0].strip()
    exercise = parts[1].strip() if len(parts) > 1 else None
    if not text:
        raise ValueError("Write the prompt's text after the kind.")
    return kind, tool, text, exercise or None


async def admin_prompts(call: CommandCall) -> None:
    await call.ack()
    deps = call.deps
    word, _, rest = call.args.strip().partition(" ")
    try:
        if word.lower() in ("", "list"):
            async with deps.sessionmaker() as session:
                lines = await prompts.list_prompts(session)
            await call.reply(prompts_list_message(call.command, lines))
        elif word.lower() == "add":
            kind, tool, text, exercise = parse_prompt(rest)
            async with deps.sessionmaker.begin() as session:
                added = await prompts.add_prompt(
                    session,
                    kind=kind,
                    text=text,
                    exercise=exercise,
                    tool_name=tool,
                    actor_id=call.user_id,
                    now=deps.clock.now(),
                )
            await call.reply(prompt_added_message(added))
        else:
            await call.reply(prompts_usage_message(call.command, f"I don't know `prompts {word}`."))
    except ValueError as exc:
        await call.reply(prompts_usage_message(call.command, str(exc)))
    except RotnemError as exc:
        await call.reply(prompts_usage_message(call.command, exc.message))


async def admin_settings(call: CommandCall) -> None:
    await call.ack()
    deps = call.deps
    async with deps.sessionmaker() as session:
        config = await program_config(session, call.team_id, defaults_from(deps.settings))
    view = settings_modal(
        cycle_weeks=config.cycle_weeks,
        nudge_weekday=config.nudge_weekday,
        nudge_hour=config.nudge_hour,
        checkin_delay_days=config.checkin_delay_days,
        stall_weeks=config.stall_weeks,
        tz_preference=config.tz_preference,
        announce_channel=config.announce_channel,
        auto_propose_next_round=config.auto_propose_next_round,
    )
    await call.client.views_open(trigger_id=call.trigger_id, view=view.to_dict())


async def admin_stats(call: CommandCall) -> None:
    await call.ack()
    deps = call.deps
    async with deps.sessionmaker() as session:
        config = await program_config(session, call.team_id, defaults_from(deps.settings))
        stats = await reports.program_stats(
            session, call.team_id, config, now=deps.clock.now(), zone=deps.settings.zone
        )
    await call.reply(stats_message(stats))


async def admin_export(call: CommandCall) -> None:
    """The CSV exports, uploaded to the admin's DM (files:write)."""
    word = call.args.strip().lower()
    kinds = (
        reports.EXPORTS if word in ("", "all") else tuple(k for k in reports.EXPORTS if k == word)
    )
    if not kinds:
        await call.ack(
            response_type="ephemeral",
            **error_message(
                f"Export `sessions`, `pairs` or `participants` (or nothing for all three), "
                f"e.g. `{call.command} admin export sessions`."
            ).to_dict(),
        )
        return
    await call.ack(response_type="ephemeral", text="Preparing the export…")
    deps = call.deps
    stamp = deps.clock.now().strftime("%Y-%m-%d")
    uploads = []
    async with deps.sessionmaker() as session:
        for kind in kinds:
            header, rows = await reports.export_rows(session, call.team_id, kind)
            out = io.StringIO()
            reports.write_csv(out, header, rows)
            uploads.append(
                {
                    "content": out.getvalue(),
                    "filename": f"rotnem-{kind}-{stamp}.csv",
                    "title": f"Rotnem {kind} ({stamp})",
                }
            )
    opened = await call.client.conversations_open(users=call.user_id)
    channel = str((opened.get("channel") or {}).get("id") or call.user_id)
    note = (
        "Here is the export. The sessions file has a PRIVATE column (notes to HR): keep it "
        "within HR."
        if "sessions" in kinds
        else "Here is the export."
    )
    await call.client.files_upload_v2(channel=channel, file_uploads=uploads, initial_comment=note)
    await call.reply(Message(text=f"Sent {len(uploads)} CSV file(s) to our DM."))


KEEPALIVE_ADMIN_SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "prompts",
        'admin prompts [add teach "Tool" text — exercise | add mirror text]',
        "list and extend the weekly prompt catalogue",
        admin_prompts,
    ),
    Subcommand("settings", "admin settings", "edit the program's settings", admin_settings),
    Subcommand(
        "stats",
        "admin stats",
        "participants, pairs, sessions, meet rate, at-risk pairs",
        admin_stats,
    ),
    Subcommand(
        "export",
        "admin export [sessions | pairs | participants]",
        "CSV files for HR, sent to your DM",
        admin_export,
    ),
)

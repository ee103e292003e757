"""`/rotnem admin settings | stats | export`: the program as HR runs it (HR admins only; the
router checks that on the server before any of these runs)."""

from __future__ import annotations

import io
import re
from dataclasses import replace

from slack_sdk.models.views import View
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.errors import error_message
from bot.blocks.message import Message
from bot.blocks.program import settings_modal, stats_message
from bot.blocks.wording import program_label
from bot.i18n import N_, _, ngettext
from bot.install.keys import workspace_of
from bot.services.program import exports
from bot.services.program.programs import programs_of
from bot.services.program.stats import program_stats
from handlers.commands.router import CommandCall, Subcommand
from handlers.directory import profile_fields
from handlers.kit import Request


async def settings_view(request: Request) -> View:
    """The settings modal with the values in force (the command's, and the Home tab's button)."""
    deps = request.deps
    async with deps.sessionmaker() as session:
        config = await deps.program_config(session, request.team_id)
    today = deps.clock.now().astimezone(deps.settings.zone).date()
    if config.paused_until is not None and not config.paused_on(today):
        # A pause that is over is not offered again: its day, now past, would be refused.
        config = replace(config, paused_until=None)
    fields = await profile_fields(request.client, deps, request.team_id)
    first = workspace_of(request.team_id) == request.team_id
    return settings_modal(config, fields, first_program=first)


async def admin_settings(call: CommandCall) -> None:
    await call.ack()
    await call.open_modal(call.trigger_id, await settings_view(call))


async def admin_stats(call: CommandCall) -> None:
    await call.ack()
    deps = call.deps
    async with deps.sessionmaker() as session:
        config = await deps.program_config(session, call.team_id)
        stats = await program_stats(
            session, call.team_id, config, now=deps.clock.now(), zone=deps.settings.zone
        )
    await call.reply(stats_message(stats))


async def _named_program(session: AsyncSession, key: str) -> str | None:
    """The program's name where the workspace runs several (files of two programs must not
    look alike in HR's downloads); None where it runs one."""
    programs = await programs_of(session, workspace_of(key))
    if len(programs) == 1:
        return None
    program = next((p for p in programs if p.key == key), None)
    return program_label(program.name, program.template) if program else None


def _slug(name: str | None) -> str:
    """`name` as a file name's part: letters and digits, dashes between (HR typed it)."""
    words = re.findall(r"[^\W_]+", (name or "").casefold())
    return "".join(f"{word}-" for word in words)[:40]


async def admin_export(call: CommandCall) -> None:
    """The CSV exports, uploaded to the admin's DM (files:write)."""
    word = call.args.strip().lower()
    kinds = (
        exports.EXPORTS if word in ("", "all") else tuple(k for k in exports.EXPORTS if k == word)
    )
    if not kinds:
        await call.ack(
            response_type="ephemeral",
            **error_message(
                _(
                    "Export `sessions`, `pairs`, `participants`, `outcomes` or `changes` (or "
                    "nothing for all five), e.g. `{command} admin export sessions`."
                ).format(command=call.command)
            ).to_dict(),
        )
        return
    await call.ack(response_type="ephemeral", text=_("Preparing the export…"))
    deps = call.deps
    stamp = deps.clock.now().strftime("%Y-%m-%d")
    uploads = []
    async with deps.sessionmaker() as session:
        named = await _named_program(session, call.team_id)
        for kind in kinds:
            header, rows = await exports.export_rows(
                session, call.team_id, kind, now=deps.clock.now()
            )
            # A byte order mark: Excel reads the file as UTF-8 only with one ("Zoë", not "ZoÃ«").
            out = io.StringIO("\ufeff")
            out.seek(0, io.SEEK_END)
            exports.write_csv(out, header, rows, exports.NOTES.get(kind))
            title = _(exports.TITLES[kind]).format(date=stamp)
            uploads.append(
                {
                    "content": out.getvalue(),
                    "filename": f"rotnem-{_slug(named)}{kind}-{stamp}.csv",
                    "title": f"{named} · {title}" if named else title,
                }
            )
    opened = await call.client.conversations_open(users=call.user_id)
    channel = str((opened.get("channel") or {}).get("id") or call.user_id)
    private = [
        _(text)
        for kind, text in (
            ("sessions", N_("The sessions file has PRIVATE columns (notes to HR).")),
            ("outcomes", N_("The outcomes file is HR's own data export of individuals' ratings.")),
        )
        if kind in kinds
    ]
    note = " ".join(
        [_("Here is the export."), *private, *([_("Keep it within HR.")] if private else [])]
    )
    await call.client.files_upload_v2(channel=channel, file_uploads=uploads, initial_comment=note)
    sent = ngettext(
        "Sent {count} CSV file to our DM.", "Sent {count} CSV files to our DM.", len(uploads)
    )
    await call.reply(Message(text=sent.format(count=len(uploads))))


PROGRAM_ADMIN_SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("settings", "admin settings", N_("edit the program's settings"), admin_settings),
    Subcommand(
        "stats",
        "admin stats",
        N_("participants, pairs, sessions, meet rate, at-risk pairs"),
        admin_stats,
    ),
    Subcommand(
        "export",
        "admin export [sessions | pairs | participants | outcomes | changes]",
        N_("CSV files for HR, sent to your DM"),
        admin_export,
    ),
)

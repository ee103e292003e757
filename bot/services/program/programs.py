"""A workspace's programs: listed, checked, created from a template (closing one ends its
pairs: `closing.py`).

A program is a key (bot/install/keys.py): the workspace's own for its first program, which
exists whether or not it has a settings row, and `<workspace>~<n>` for each one HR creates,
whose settings row is made with it. Closing a program ends its running pairs and keeps its
history: nobody joins it any more, and nothing is sent for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import LANGUAGES, _, speaking
from bot.install.keys import in_workspace, program_key, program_number, workspace_of
from bot.services.errors import Conflict, InvalidInput, NotFound, ProgramClosed, ProgramNameTaken
from bot.services.program.settings import (
    MAX_NAME,
    ProgramConfig,
    apply_template,
    update_program_settings,
)
from bot.services.program.templates import ProgramTemplate, default_name
from bot.services.text import CONTROLS, has_controls
from models import Participant, ProgramSettings, State

# More than HR runs at once (a guard against a runaway script, not a product limit).
MAX_PROGRAMS = 50


@dataclass(frozen=True)
class Program:
    """One of a workspace's programs, as lists and pickers show it."""

    key: str
    # The name HR gave it (None: its template's, else ours; see bot.blocks.wording.program_name).
    name: str | None
    template: str | None
    closed: bool
    # When HR closed it (None while it is open).
    closed_at: datetime | None = None

    @property
    def number(self) -> int:
        return program_number(self.key)


async def programs_of(session: AsyncSession, workspace: str) -> list[Program]:
    """The workspace's programs, first one first, closed ones included."""
    rows = {
        row.team_id: row
        for row in await session.execute(
            select(
                ProgramSettings.team_id,
                ProgramSettings.name,
                ProgramSettings.template,
                ProgramSettings.closed_at,
            ).where(in_workspace(ProgramSettings.team_id, workspace))
        )
    }
    keys = sorted({workspace, *rows}, key=program_number)
    return [
        Program(
            key=key,
            name=rows[key].name if key in rows else None,
            template=rows[key].template if key in rows else None,
            closed=key in rows and rows[key].closed_at is not None,
            closed_at=rows[key].closed_at if key in rows else None,
        )
        for key in keys
    ]


async def open_programs(session: AsyncSession, workspace: str) -> list[Program]:
    """The programs people may join and that run (every workspace has at least its first)."""
    return [program for program in await programs_of(session, workspace) if not program.closed]


async def programs_of_person(session: AsyncSession, workspace: str, user_id: str) -> list[Program]:
    """The open programs of the workspace `user_id` takes part in (joined and not left)."""
    keys = set(
        await session.scalars(
            select(Participant.team_id).where(
                in_workspace(Participant.team_id, workspace),
                Participant.user_id == user_id,
                Participant.state != State.LEFT,
            )
        )
    )
    return [p for p in await open_programs(session, workspace) if p.key in keys]


async def program_of(session: AsyncSession, key: str) -> Program:
    """The program `key` names; NotFound when its workspace has no such program."""
    for program in await programs_of(session, workspace_of(key)):
        if program.key == key:
            return program
    raise NotFound(_("That program does not exist any more."))


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


def _names_of(program: Program) -> set[str]:
    """The names a program goes by, folded: HR's, else its default in every language we speak
    (people pick between programs by name, each in their own language)."""
    if program.name:
        return {_folded(program.name)}
    written = default_name(program.template)
    names = set()
    for language in LANGUAGES:
        with speaking(language):
            names.add(_folded(_(written)))
    return names


async def check_name_free(
    session: AsyncSession, workspace: str, name: str, *, keep: str | None = None
) -> None:
    """Refuse a name another program of the workspace (not `keep`) already goes by."""
    wanted = _folded(name)
    for program in await programs_of(session, workspace):
        if program.key != keep and wanted in _names_of(program):
            raise ProgramNameTaken(
                _("Another program is already called “{name}”: pick another name.").format(
                    name=name
                )
            )


async def check_default_name_free(
    session: AsyncSession, workspace: str, key: str, template: str | None
) -> None:
    """Refuse to leave program `key` unnamed with `template` when another program already goes
    by the name it would then go by (its template's, in any language we speak)."""
    default = _names_of(Program(key, None, template, closed=False))
    for program in await programs_of(session, workspace):
        if program.key != key and default & _names_of(program):
            raise ProgramNameTaken(
                _(
                    "Without a name of its own this program would be called “{name}”, as "
                    "another program already is: give it a name."
                ).format(name=_(default_name(template)))
            )


async def create_program(
    session: AsyncSession,
    workspace: str,
    *,
    name: str,
    template: ProgramTemplate,
    actor_id: str,
    now: datetime,
    defaults: ProgramConfig,
) -> Program:
    """A new program of the workspace, named `name`, with `template`'s cycle, cadence, stall
    alert and kickoff agreement (its other settings are the environment's until HR changes
    them); logged like any settings change. Refused, with nothing stored, when the name is
    empty, too long or another program's."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("Give the program a name."))
    if has_controls(name):
        raise InvalidInput(_(CONTROLS))
    if len(name) > MAX_NAME:
        raise InvalidInput(
            _("A program's name is at most {limit} characters.").format(limit=MAX_NAME)
        )
    programs = await programs_of(session, workspace)
    if len(programs) >= MAX_PROGRAMS:
        raise Conflict(
            _("A workspace runs at most {limit} programs: close one first.").format(
                limit=MAX_PROGRAMS
            )
        )
    await check_name_free(session, workspace, name)
    key = program_key(workspace, max(p.number for p in programs) + 1)
    session.add(ProgramSettings(team_id=key, updated_at=now, updated_by=actor_id))
    await session.flush()
    await update_program_settings(
        session, key, now=now, actor_id=actor_id, name=name, defaults=defaults
    )
    await apply_template(session, key, template, now=now, actor_id=actor_id, defaults=defaults)
    return Program(key=key, name=name, template=template.key, closed=False)


async def check_open(session: AsyncSession, key: str) -> None:
    """Refuse a change to a closed program (joining it, pairing in it)."""
    if (await program_of(session, key)).closed:
        raise ProgramClosed(_("That program has closed: it takes no one new."))

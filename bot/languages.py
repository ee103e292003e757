"""Who reads which language: a person's Slack locale when Rotnem speaks it, else the program's.

Asked on every request (the person's language) and for every message the dispatcher renders (its
readers': one person, a group DM's partners, or a channel's, which is the program's), so each
process keeps what it read for `TTL`: a change made in another process (a new Slack language read
at an identity refresh, HR's program language) reaches this one within five minutes, and at once
in the process that made it (`forget`). Freshness is measured on the process's own monotonic
clock, not the program's: under `rotnem demo`'s simulated clock, where hours pass between two
requests, a cache on the program's time was never fresh, and every request and every message sent
read the languages again (the dispatcher the whole workspace's, and HR's from Slack).

A participant's locale is stored with their identity, in each program they take part in (an
identity refresh updates them all), so a person's locale is kept once per workspace and read
from whichever of its programs they are in. Someone who is in none — an HR admin, a newcomer
welcomed by DM, someone typing `/rotnem help` before joining — is asked of Slack by the
caller's `ask` (users.info), once per `TTL`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from sqlalchemy import Select, bindparam, select

from bot.db import SessionMaker
from bot.i18n import LANGUAGES, shared_language
from bot.install.keys import in_workspace, workspace_of
from models import Participant, ProgramSettings

TTL = timedelta(minutes=5)
# Past this many people the cache starts again rather than grow without bound (a few MB).
MAX_PEOPLE = 200_000

_PROGRAM = select(ProgramSettings.language).where(ProgramSettings.team_id == bindparam("team_id"))


def _locales(workspace: str) -> Select[str, str | None]:
    """The locales stored in the workspace's programs, a known one first for each person."""
    return (
        select(Participant.user_id, Participant.locale)
        .where(in_workspace(Participant.team_id, workspace))
        .order_by(Participant.locale.is_(None))
    )


class Languages:
    """Each person's locale and each program's language, as last read (see the module)."""

    def __init__(self) -> None:
        # Each entry with the `time.monotonic()` reading until which it is fresh; people by
        # workspace, languages by program.
        self._locales: dict[tuple[str, str], tuple[float, str | None]] = {}
        self._programs: dict[str, tuple[float, str]] = {}

    async def of_readers(
        self,
        sessionmaker: SessionMaker,
        team_id: str,
        user_ids: Sequence[str],
        *,
        default: str,
        whole_team: bool = False,
        ask: Callable[[str], Awaitable[str | None]] | None = None,
    ) -> str:
        """The language `user_ids` all read (none: a channel's readers), else the program's
        (`default`, the environment's, when HR has set none). With `whole_team`, a person not
        known here brings in everyone's of the workspace in one read — the dispatcher's case: a
        weekly fan-out sends to most people once, so reading them one by one cost a query per
        message."""
        now = time.monotonic()
        workspace = workspace_of(team_id)
        program = self._programs.get(team_id)
        program_language = program[1] if program and program[0] > now else None
        locales: dict[str, str | None] = {}
        missing: list[str] = []
        for user_id in dict.fromkeys(user_ids):
            known = self._locales.get((workspace, user_id))
            if known and known[0] > now:
                locales[user_id] = known[1]
            else:
                missing.append(user_id)
        strangers: list[str] = []
        if program_language is None or missing:
            until = now + TTL.total_seconds()
            async with sessionmaker() as session:
                if program_language is None:
                    chosen = await session.scalar(_PROGRAM, {"team_id": team_id})
                    program_language = chosen if chosen in LANGUAGES else default
                    self._programs[team_id] = (until, program_language)
                if missing:
                    if len(self._locales) > MAX_PEOPLE:
                        self._locales.clear()
                    query = _locales(workspace)
                    if not whole_team:
                        query = query.where(Participant.user_id.in_(missing))
                    read: dict[str, str | None] = {}
                    for user_id, locale in (await session.execute(query)).all():
                        read.setdefault(user_id, locale)
                    self._locales.update(
                        ((workspace, u), (until, locale)) for u, locale in read.items()
                    )
                    for user_id in missing:
                        if user_id in read or ask is None:
                            locales[user_id] = read.get(user_id)
                            self._locales[(workspace, user_id)] = (until, locales[user_id])
                        else:
                            strangers.append(user_id)
        # In no program: what Slack says (asked with the database connection given back).
        for user_id in strangers:
            locale = await ask(user_id) if ask is not None else None
            locales[user_id] = locale
            self._locales[(workspace, user_id)] = (until, locale)
        return shared_language(locales.values(), program_language)

    def forget(self, team_id: str, user_id: str | None = None) -> None:
        """Read a person's locale, in every program of the workspace (or, without `user_id`,
        the program's language) afresh."""
        if user_id is None:
            self._programs.pop(team_id, None)
        else:
            self._locales.pop((workspace_of(team_id), user_id), None)

"""The directory: reporting lines as Slack's profiles give them, and HR told when a running pair
finds itself inside one reporting line.

When the workspace names a manager field (a custom profile field of type "user", set in its
first program's settings), each person's manager is what that field says: read with
users.profile.get at the edge, stored here with the time it was read (`DirectoryEntry`), and
read again only when stale or when Slack says the person changed. A participant's `manager_id`
follows it, so every rule that keeps pairs out of a reporting line (proposals, hand-made pairs)
uses what Slack says; entries of people who are not in the program carry the chain through them.

A reporting line is the company's, not a program's: the directory is kept under the workspace's
key (bot/install/keys.py), a manager read from Slack is every program's profile's, and a manager
someone named in any program's profile keeps them apart from that manager in every program.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar

from sqlalchemy import exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db import insert_ignoring_duplicates
from bot.delivery.outbox import enqueue_to_each
from bot.install.keys import in_workspace, workspace_of
from bot.pairing import manager_chain
from bot.services.notices import Notice
from bot.services.program.settings import hr_recipients
from models import DirectoryEntry, Pair, Participant, ProgramSettings

# users.profile.get is asked again for a person at most this often (and when they change).
MANAGER_TTL = timedelta(days=1)
# team.profile.get (Tier 3; Slack paces the field list harder still) at most this often.
FIELDS_TTL = timedelta(hours=1)


@dataclass(frozen=True)
class ProfileField:
    """A custom profile field of the workspace (team.profile.get)."""

    id: str
    label: str
    type: str

    @property
    def names_a_person(self) -> bool:
        """Only a field of type "user" holds someone's manager."""
        return self.type == "user"


@dataclass
class FieldCache:
    """Each workspace's profile fields as last listed, kept for `FIELDS_TTL` in this process."""

    ttl: timedelta = FIELDS_TTL
    _fields: dict[str, tuple[datetime, tuple[ProfileField, ...]]] = field(default_factory=dict)

    def get(self, team_id: str, now: datetime) -> tuple[ProfileField, ...] | None:
        found = self._fields.get(team_id)
        if found is None or now - found[0] >= self.ttl:
            return None
        return found[1]

    def put(self, team_id: str, fields: Sequence[ProfileField], now: datetime) -> None:
        self._fields[team_id] = (now, tuple(fields))


def person_fields(fields: Iterable[ProfileField]) -> tuple[ProfileField, ...]:
    """The fields that can name a manager."""
    return tuple(f for f in fields if f.names_a_person)


# ---- managers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlackManager:
    """The manager Slack's profile names (None: the field is empty, or Slack did not answer)."""

    manager_id: str | None
    answered: bool = True


@dataclass(frozen=True)
class KnownManager:
    """A person's manager as last read from Slack (None: the field is empty)."""

    manager_id: str | None
    read_at: datetime


async def known_manager(
    session: AsyncSession, team_id: str, user_id: str, *, field_id: str, now: datetime | None
) -> KnownManager | None:
    """The manager read under `field_id` within `MANAGER_TTL` (any time ago without `now`), or
    None: time to ask Slack (`team_id`: any program of the workspace)."""
    query = select(DirectoryEntry).where(
        DirectoryEntry.team_id == workspace_of(team_id), DirectoryEntry.user_id == user_id
    )
    entry = (await session.scalars(query)).one_or_none()
    if entry is None or entry.field_id != field_id:
        return None
    if now is not None and now - entry.read_at >= MANAGER_TTL:
        return None
    return KnownManager(entry.manager_id, entry.read_at)


async def manager_to_save(
    session: AsyncSession, team_id: str, user_id: str, *, field_id: str
) -> str | None:
    """A profile saved while managers come from Slack keeps Slack's (as last read; before any
    read, the one the profile had): the modal has no manager to answer with."""
    known = await known_manager(session, team_id, user_id, field_id=field_id, now=None)
    if known is not None:
        return known.manager_id
    return await session.scalar(
        select(Participant.manager_id).where(
            Participant.team_id == team_id, Participant.user_id == user_id
        )
    )


async def record_manager(
    session: AsyncSession,
    team_id: str,
    user_id: str,
    *,
    field_id: str,
    manager_id: str | None,
    now: datetime,
) -> bool:
    """Store what Slack says of someone's manager (their profile in every program of the
    workspace follows); True when their reporting line changed."""
    if manager_id == user_id:  # bad data in a profile is nobody's reporting line
        manager_id = None
    workspace = workspace_of(team_id)
    values = {"field_id": field_id, "manager_id": manager_id, "read_at": now}
    created = await insert_ignoring_duplicates(
        session, DirectoryEntry, {"team_id": workspace, "user_id": user_id, **values}
    )
    changed = created and manager_id is not None
    if not created:
        query = (
            select(DirectoryEntry)
            .where(DirectoryEntry.team_id == workspace, DirectoryEntry.user_id == user_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        entry = (await session.scalars(query)).one()
        changed = (entry.field_id, entry.manager_id) != (field_id, manager_id)
        for name, value in values.items():
            setattr(entry, name, value)
    result = await session.execute(
        update(Participant)
        .where(
            in_workspace(Participant.team_id, workspace),
            Participant.user_id == user_id,
            Participant.manager_id.is_distinct_from(manager_id),
        )
        .values(manager_id=manager_id, updated_at=now)
    )
    await session.flush()
    return changed or bool(result.rowcount)  # type: ignore[attr-defined]


async def in_reporting_lines(session: AsyncSession, team_id: str, user_id: str) -> bool:
    """Whether someone's manager matters to the workspace's programs: a participant of one, or
    already in the directory (read before, or someone's manager). Everyone else's profile
    changes are not read: user_change fires for every profile edit in the workspace."""
    workspace = workspace_of(team_id)
    participant = select(Participant.id).where(
        in_workspace(Participant.team_id, workspace), Participant.user_id == user_id
    )
    entry = select(DirectoryEntry.id).where(
        DirectoryEntry.team_id == workspace,
        or_(DirectoryEntry.user_id == user_id, DirectoryEntry.manager_id == user_id),
    )
    return bool(await session.scalar(select(exists(participant) | exists(entry))))


async def managers(session: AsyncSession, team_id: str) -> dict[str, tuple[str, ...]]:
    """The org chart as far as it is known, the same for every program of the workspace:
    the managers participants named in any program (left people included, chains pass through
    them; someone who named different ones in two programs has both), and, where the workspace
    reads managers from Slack, every entry read under its field instead (people who are not in
    a program too)."""
    workspace = workspace_of(team_id)
    query = (
        select(Participant.user_id, Participant.manager_id)
        .where(in_workspace(Participant.team_id, workspace), Participant.manager_id.is_not(None))
        .order_by(Participant.user_id, Participant.manager_id)
        .distinct()
    )
    named: dict[str, list[str]] = {}
    for user, manager in (await session.execute(query)).all():
        if manager:
            named.setdefault(user, []).append(manager)
    chart = {user: tuple(bosses) for user, bosses in named.items()}
    field_id = await session.scalar(
        select(ProgramSettings.manager_field_id).where(ProgramSettings.team_id == workspace)
    )
    if field_id:
        entries = select(DirectoryEntry.user_id, DirectoryEntry.manager_id).where(
            DirectoryEntry.team_id == workspace, DirectoryEntry.field_id == field_id
        )
        for user, manager in (await session.execute(entries)).all():
            if manager:
                chart[user] = (manager,)
            else:
                chart.pop(user, None)
    return chart


# ---- a running pair inside one reporting line ------------------------------------------------


class ReportingLineNotice(Notice):
    """To each HR admin, once per pair: the pair is now inside one reporting line (per Slack).
    The pair is not told; HR decides."""

    kind: ClassVar[str] = "reporting_line"

    pair_id: int
    guide: str
    learner: str
    # Who reports to whom (directly or further up the chain).
    report: str
    manager: str
    command: str


async def flag_reporting_lines(
    session: AsyncSession, team_id: str, *, admins: Iterable[str], command: str, now: datetime
) -> int:
    """Alert HR about every running pair, in any program of the workspace, now inside one
    reporting line (once per pair, to that program's HR); how many alerts were new."""
    chart = await managers(session, team_id)
    guide, learner = aliased(Participant), aliased(Participant)
    query = (
        select(Pair.team_id, Pair.id, guide.user_id, learner.user_id)
        .join(guide, guide.id == Pair.guide_id)
        .join(learner, learner.id == Pair.learner_id)
        .where(in_workspace(Pair.team_id, workspace_of(team_id)), Pair.ended_at.is_(None))
        .order_by(Pair.id)
    )
    new = 0
    hr: dict[str, list[str]] = {}
    for program, pair_id, guide_id, learner_id in (await session.execute(query)).all():
        if guide_id in manager_chain(learner_id, chart):
            report, manager = learner_id, guide_id
        elif learner_id in manager_chain(guide_id, chart):
            report, manager = guide_id, learner_id
        else:
            continue
        notice = ReportingLineNotice(
            pair_id=pair_id,
            guide=guide_id,
            learner=learner_id,
            report=report,
            manager=manager,
            command=command,
        )
        if program not in hr:
            hr[program] = await hr_recipients(session, program, admins)
        new += await enqueue_to_each(
            session,
            team_id=program,
            dedupe_key=f"reporting-line:{pair_id}",
            notice=notice,
            users=hr[program],
            now=now,
        )
    return new

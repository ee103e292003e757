"""Reading participation: a person's profile and status, the program's counts, identity.

A participant is stored as active, paused or left. Two things are derived rather than stored, so
nothing depends on a job having run: a pause whose date has passed counts as over, and
"waitlisted" is an active participant a pairing round could not place (`waitlisted_since`, set
by the pairing feature).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.calendar import zone_of
from models import Direction, Participant, ParticipantTool, Role, State, Tool


def is_paused(state: str, paused_until: datetime | None, now: datetime) -> bool:
    """Paused with the pause still running (a pause whose date has passed already counts as
    over, whether or not the job has tidied the row yet)."""
    return state == State.PAUSED and (paused_until is None or paused_until > now)


class Status(StrEnum):
    """What a person's participation looks like today (derived, see the module docstring)."""

    ACTIVE = "active"
    PAUSED = "paused"
    WAITLISTED = "waitlisted"
    LEFT = "left"


@dataclass(frozen=True)
class ToolRef:
    """A tool on someone's profile: from the catalogue (`tool_id`) or typed in."""

    name: str
    tool_id: int | None = None
    # Retired where it was added (`Tool.removed_at`). A shared tool one program hides is not
    # marked: whoever shows it beside that program's catalogue (the profile modal) lists what the
    # catalogue lacks as no longer offered.
    removed: bool = False


@dataclass(frozen=True)
class Profile:
    """One participant as features read them. `manager_id` and `goals` are private."""

    user_id: str
    team_id: str
    display_name: str
    tz: str
    role: Role
    department: str
    capacity: int
    status: Status
    joined_at: datetime
    teaches: tuple[ToolRef, ...] = ()
    learns: tuple[ToolRef, ...] = ()
    share: str | None = None
    manager_id: str | None = None
    goals: str | None = None
    paused_until: datetime | None = None
    waitlisted_since: datetime | None = None
    left_at: datetime | None = None

    @property
    def zone(self) -> ZoneInfo:
        return zone_of(self.tz)

    @property
    def resume_on(self) -> date | None:
        """The local date a pause ends on, while paused."""
        if self.status is not Status.PAUSED or self.paused_until is None:
            return None
        return self.paused_until.astimezone(self.zone).date()

    @property
    def in_program(self) -> bool:
        return self.status is not Status.LEFT


def status_of(participant: Participant, now: datetime) -> Status:
    if participant.state == State.LEFT:
        return Status.LEFT
    if is_paused(participant.state, participant.paused_until, now):
        return Status.PAUSED
    if participant.waitlisted_since is not None:
        return Status.WAITLISTED
    return Status.ACTIVE


async def locked_participant(
    session: AsyncSession, team_id: str, user_id: str
) -> Participant | None:
    query = (
        select(Participant)
        .where(Participant.team_id == team_id, Participant.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(query)).one_or_none()


# Built once (the Home tab reads a profile on every open): the tools' columns, catalogue ones
# first in catalogue order, then typed-in ones in the order given; rows, no entities.
_TOOL_COLUMNS = (
    ParticipantTool.direction,
    ParticipantTool.other_name,
    Tool.id,
    Tool.name,
    Tool.removed_at,
)
_TOOL_ORDER = (Tool.id.is_(None), Tool.id, ParticipantTool.id)
_TOOL_REFS = (
    select(ParticipantTool.participant_id, *_TOOL_COLUMNS)
    .outerjoin(Tool, Tool.id == ParticipantTool.tool_id)
    .where(ParticipantTool.participant_id.in_(bindparam("ids", expanding=True)))
    .order_by(ParticipantTool.participant_id, *_TOOL_ORDER)
)
# One person and their tools in one round trip: their row beside each tool (or once, alone).
_PERSON_WITH_TOOLS = (
    select(Participant, *_TOOL_COLUMNS)
    .outerjoin(ParticipantTool, ParticipantTool.participant_id == Participant.id)
    .outerjoin(Tool, Tool.id == ParticipantTool.tool_id)
    .where(Participant.team_id == bindparam("team_id"), Participant.user_id == bindparam("user_id"))
    .order_by(*_TOOL_ORDER)
)


def _tool_ref(other_name: str | None, tool_id: int | None, name: str, removed: bool) -> ToolRef:
    if tool_id is not None:
        return ToolRef(name=name, tool_id=tool_id, removed=removed)
    return ToolRef(name=other_name or "")


async def _tool_refs(
    session: AsyncSession, participant_ids: Iterable[int]
) -> dict[int, dict[str, list[ToolRef]]]:
    ids = list(participant_ids)
    refs: dict[int, dict[str, list[ToolRef]]] = {
        pid: {Direction.TEACH: [], Direction.LEARN: []} for pid in ids
    }
    if not ids:
        return refs
    rows = await session.execute(_TOOL_REFS, {"ids": ids})
    for participant_id, direction, other_name, tool_id, name, removed_at in rows:
        ref = _tool_ref(other_name, tool_id, name, removed_at is not None)
        refs[participant_id][direction].append(ref)
    return refs


def _profile(participant: Participant, refs: dict[str, list[ToolRef]], now: datetime) -> Profile:
    status = status_of(participant, now)
    return Profile(
        user_id=participant.user_id,
        team_id=participant.team_id,
        display_name=participant.display_name,
        tz=participant.tz or "UTC",
        role=Role(participant.role),
        department=participant.department,
        capacity=participant.capacity,
        status=status,
        joined_at=participant.joined_at,
        teaches=tuple(refs.get(Direction.TEACH, ())),
        learns=tuple(refs.get(Direction.LEARN, ())),
        share=participant.share,
        manager_id=participant.manager_id,
        goals=participant.goals,
        paused_until=participant.paused_until if status is Status.PAUSED else None,
        waitlisted_since=participant.waitlisted_since,
        left_at=participant.left_at,
    )


async def read_profile(session: AsyncSession, participant: Participant, now: datetime) -> Profile:
    refs = await _tool_refs(session, [participant.id])
    return _profile(participant, refs[participant.id], now)


async def read_person(
    session: AsyncSession, team_id: str, user_id: str, *, now: datetime
) -> tuple[Participant, Profile] | None:
    """The person's row and profile (also after they left) from one query, or None if they
    never joined."""
    rows = (
        await session.execute(_PERSON_WITH_TOOLS, {"team_id": team_id, "user_id": user_id})
    ).all()
    if not rows:
        return None
    participant = rows[0][0]
    refs: dict[str, list[ToolRef]] = {Direction.TEACH: [], Direction.LEARN: []}
    for _, direction, other_name, tool_id, name, removed_at in rows:
        if direction is not None:  # the person's row alone: no tools
            refs[direction].append(_tool_ref(other_name, tool_id, name, removed_at is not None))
    return participant, _profile(participant, refs, now)


async def get_profile(
    session: AsyncSession, team_id: str, user_id: str, *, now: datetime
) -> Profile | None:
    """The person's profile (also after they left), or None if they never joined."""
    found = await read_person(session, team_id, user_id, now=now)
    return None if found is None else found[1]


async def is_participant(session: AsyncSession, team_id: str, user_id: str) -> bool:
    """Whether the person has a profile, whatever its state (left included)."""
    query = select(func.count()).where(
        Participant.team_id == team_id, Participant.user_id == user_id
    )
    return bool(await session.scalar(query))

"""Joining the program and managing one's own participation: profile, pause, resume, leave.

A participant is stored as active, paused or left. Two things are derived rather than stored, so
nothing depends on a job having run: a pause whose date has passed counts as over (the
`resume_due_pauses` job only tidies the row and logs it), and "waitlisted" is an active
participant a pairing round could not place (`waitlisted_since`, set by the pairing feature).
Every change of state is appended to the state-change log with who, when and through what.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import insert_ignoring_duplicates
from bot.delivery.outbox import enqueue
from bot.services.errors import (
    InvalidPause,
    InvalidProfile,
    NotAParticipant,
    NotEligible,
    NotPaused,
)
from bot.services.notices import Notice
from models import Direction, Participant, ParticipantTool, Role, State, StateChange, Tool

# What the profile modal accepts.
MAX_DEPARTMENT = 80
MAX_SHARE = 200
MAX_GOALS = 500
MAX_OTHER_TOOL = 40
MAX_OTHER_TOOLS = 10
MAX_CAPACITY = 3
# Longer than this is not a pause: leaving and rejoining later keeps the history just as well.
MAX_PAUSE = timedelta(weeks=26)
# users.info is asked again at most this often when the person interacts.
IDENTITY_TTL = timedelta(days=1)
AUTOMATIC = "automatic"


class Status(StrEnum):
    """What a person's participation looks like today (derived, see the module docstring)."""

    ACTIVE = "active"
    PAUSED = "paused"
    WAITLISTED = "waitlisted"
    LEFT = "left"


class ProfileField(StrEnum):
    """The profile modal's questions; validation errors are keyed by these."""

    ROLE = "role"
    TEACH = "teach"
    TEACH_OTHER = "teach_other"
    LEARN = "learn"
    LEARN_OTHER = "learn_other"
    SHARE = "share"
    DEPARTMENT = "department"
    MANAGER = "manager"
    CAPACITY = "capacity"
    GOALS = "goals"


# ---- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """What Slack says about a person (users.info); `tz` falls back to the program's zone."""

    user_id: str
    display_name: str
    tz: str
    is_bot: bool = False
    deleted: bool = False
    guest: bool = False


def check_eligible(identity: Identity) -> None:
    """Raise `NotEligible` for bots, deactivated accounts and guests."""
    if identity.is_bot:
        raise NotEligible("Rotnem pairs people with people, so bots and apps can't join.")
    if identity.deleted:
        raise NotEligible("This account has been deactivated, so it can't join the program.")
    if identity.guest:
        raise NotEligible(
            "The program is open to full members of this workspace, so guest accounts can't "
            "join. If you think you should be able to, please ask your HR team."
        )


@dataclass(frozen=True)
class ProfileAnswers:
    """The profile modal's answers as sent, before any check."""

    role: str | None = None
    teach_tool_ids: Sequence[str] = ()
    teach_other: str | None = None
    learn_tool_ids: Sequence[str] = ()
    learn_other: str | None = None
    share: str | None = None
    department: str | None = None
    manager_id: str | None = None
    capacity: str | None = None
    goals: str | None = None


@dataclass(frozen=True)
class ProfileInput:
    """A checked profile, ready to save."""

    role: Role
    department: str
    teach_tool_ids: frozenset[int] = frozenset()
    teach_other: tuple[str, ...] = ()
    learn_tool_ids: frozenset[int] = frozenset()
    learn_other: tuple[str, ...] = ()
    share: str | None = None
    manager_id: str | None = None
    capacity: int = 1
    goals: str | None = None


# ---- read models ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolRef:
    """A tool on someone's profile: from the catalogue (`tool_id`) or typed in."""

    name: str
    tool_id: int | None = None
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


@dataclass(frozen=True)
class ProgramSummary:
    """Participants counted by role and status, for HR."""

    counts: dict[tuple[Role, Status], int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(n for (_, status), n in self.counts.items() if status is not Status.LEFT)

    def by_status(self, status: str) -> int:
        return sum(n for (_, s), n in self.counts.items() if s == status)

    def by_role(self, role: str) -> int:
        """Participants in the program (not left) with this role."""
        return sum(
            n for (r, status), n in self.counts.items() if r == role and status != Status.LEFT
        )


@dataclass(frozen=True)
class SaveOutcome:
    """What saving the profile did: "joined", "rejoined" or "updated"."""

    kind: str
    profile: Profile


# ---- helpers ----------------------------------------------------------------------------------


def zone_of(tz: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(tz) if tz else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _pause_over(participant: Participant, now: datetime) -> bool:
    return (
        participant.state == State.PAUSED
        and participant.paused_until is not None
        and participant.paused_until <= now
    )


def _status(participant: Participant, now: datetime) -> Status:
    if participant.state == State.LEFT:
        return Status.LEFT
    if participant.state == State.PAUSED and not _pause_over(participant, now):
        return Status.PAUSED
    if participant.waitlisted_since is not None:
        return Status.WAITLISTED
    return Status.ACTIVE


def _log(
    session: AsyncSession,
    participant: Participant,
    *,
    at: datetime,
    from_state: str | None,
    via: str,
    actor_id: str | None,
) -> None:
    session.add(
        StateChange(
            participant_id=participant.id,
            at=at,
            from_state=from_state,
            to_state=participant.state,
            via=via,
            actor_id=actor_id,
            paused_until=participant.paused_until if participant.state == State.PAUSED else None,
        )
    )


def _settle_pause(session: AsyncSession, participant: Participant, now: datetime) -> None:
    """Turn a pause whose date has passed into active, logged as automatic at that date."""
    if not _pause_over(participant, now):
        return
    ended_at = participant.paused_until
    assert ended_at is not None
    participant.state = State.ACTIVE
    participant.paused_until = None
    participant.updated_at = now
    _log(session, participant, at=ended_at, from_state=State.PAUSED, via=AUTOMATIC, actor_id=None)


async def _locked(session: AsyncSession, team_id: str, user_id: str) -> Participant | None:
    query = (
        select(Participant)
        .where(Participant.team_id == team_id, Participant.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(query)).one_or_none()


async def _member(session: AsyncSession, team_id: str, user_id: str) -> Participant:
    participant = await _locked(session, team_id, user_id)
    if participant is None or participant.state == State.LEFT:
        raise NotAParticipant("You're not in the program at the moment.")
    return participant


async def _tool_refs(
    session: AsyncSession, participant_ids: Iterable[int]
) -> dict[int, dict[str, list[ToolRef]]]:
    ids = list(participant_ids)
    refs: dict[int, dict[str, list[ToolRef]]] = {
        pid: {Direction.TEACH: [], Direction.LEARN: []} for pid in ids
    }
    if not ids:
        return refs
    query = (
        select(ParticipantTool, Tool)
        .outerjoin(Tool, Tool.id == ParticipantTool.tool_id)
        .where(ParticipantTool.participant_id.in_(ids))
        .order_by(ParticipantTool.participant_id, Tool.id.is_(None), Tool.id, ParticipantTool.id)
    )
    for link, tool in await session.execute(query):
        if tool is not None:
            ref = ToolRef(name=tool.name, tool_id=tool.id, removed=tool.removed_at is not None)
        else:
            ref = ToolRef(name=link.other_name or "")
        refs[link.participant_id][link.direction].append(ref)
    return refs


def _profile(participant: Participant, refs: dict[str, list[ToolRef]], now: datetime) -> Profile:
    status = _status(participant, now)
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


async def _read(session: AsyncSession, participant: Participant, now: datetime) -> Profile:
    refs = await _tool_refs(session, [participant.id])
    return _profile(participant, refs[participant.id], now)


# ---- queries ----------------------------------------------------------------------------------


async def get_profile(
    session: AsyncSession, team_id: str, user_id: str, *, now: datetime
) -> Profile | None:
    """The person's profile (also after they left), or None if they never joined."""
    query = select(Participant).where(
        Participant.team_id == team_id, Participant.user_id == user_id
    )
    participant = (await session.scalars(query)).one_or_none()
    return None if participant is None else await _read(session, participant, now)


async def is_participant(session: AsyncSession, team_id: str, user_id: str) -> bool:
    """Whether the person has a profile, whatever its state (left included)."""
    query = select(func.count()).where(
        Participant.team_id == team_id, Participant.user_id == user_id
    )
    return bool(await session.scalar(query))


class InviteNotice(Notice):
    """The DM to someone who joined the program channel: what the program is, and Join."""

    kind: ClassVar[str] = "invite"

    command: str
    channel_id: str


async def invite_to_program(
    session: AsyncSession,
    *,
    team_id: str,
    user_id: str,
    command: str,
    channel_id: str,
    now: datetime,
) -> bool:
    """Queue the program channel's invite DM, once per person and never to a participant.

    Proactive, so through the outbox (key `invite:<user>`): joining the channel twice, an Events
    API retry or two processes cannot send it twice.
    """
    if await is_participant(session, team_id, user_id):
        return False
    return await enqueue(
        session,
        team_id=team_id,
        dedupe_key=f"invite:{user_id}",
        notice=InviteNotice(command=command, channel_id=channel_id),
        open_users=[user_id],
        now=now,
    )


async def active_participants(
    session: AsyncSession, team_id: str, *, now: datetime
) -> list[Profile]:
    """Everyone a pairing round may consider: not left, not paused (an expired pause is over)."""
    query = (
        select(Participant)
        .where(Participant.team_id == team_id, Participant.state != State.LEFT)
        .order_by(Participant.id)
    )
    participants = [
        p
        for p in (await session.scalars(query)).all()
        if _status(p, now) in (Status.ACTIVE, Status.WAITLISTED)
    ]
    refs = await _tool_refs(session, [p.id for p in participants])
    return [_profile(p, refs[p.id], now) for p in participants]


async def program_summary(session: AsyncSession, team_id: str, *, now: datetime) -> ProgramSummary:
    """Participants by role and status."""
    rows = await session.scalars(select(Participant).where(Participant.team_id == team_id))
    counts = Counter((Role(p.role), _status(p, now)) for p in rows)
    return ProgramSummary(counts=dict(counts))


async def identity_is_stale(
    session: AsyncSession, team_id: str, user_id: str, *, now: datetime
) -> bool:
    """True when a participant's name and time zone were last read from Slack over a day ago."""
    query = select(Participant.identity_refreshed_at).where(
        Participant.team_id == team_id, Participant.user_id == user_id
    )
    row = (await session.execute(query)).first()
    if row is None:
        return False
    refreshed_at = row[0]
    return refreshed_at is None or now - refreshed_at >= IDENTITY_TTL


async def refresh_identity(
    session: AsyncSession, team_id: str, identity: Identity, *, now: datetime
) -> None:
    """Store the name and time zone Slack reports for a participant."""
    participant = await _locked(session, team_id, identity.user_id)
    if participant is None:
        return
    participant.display_name = identity.display_name
    participant.tz = identity.tz
    participant.identity_refreshed_at = now


# ---- the profile --------------------------------------------------------------------------------


def parse_other_tools(text: str | None) -> tuple[str, ...]:
    """ "Figma, Obsidian" → ("Figma", "Obsidian"); raises ValueError with a readable reason."""
    names: list[str] = []
    seen: set[str] = set()
    for part in (text or "").split(","):
        name = " ".join(part.split())
        if not name or name.casefold() in seen:
            continue
        if len(name) > MAX_OTHER_TOOL:
            raise ValueError(
                f"“{name[:20]}…” is too long: each tool name can be at most "
                f"{MAX_OTHER_TOOL} characters."
            )
        seen.add(name.casefold())
        names.append(name)
    if len(names) > MAX_OTHER_TOOLS:
        raise ValueError(
            f"That's {len(names)} tools; list at most {MAX_OTHER_TOOLS}, separated by commas."
        )
    return tuple(names)


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


async def validate_profile(
    session: AsyncSession, user_id: str, answers: ProfileAnswers
) -> ProfileInput:
    """Check every answer; raise `InvalidProfile` naming each field that does not fit."""
    errors: dict[str, str] = {}
    role: Role | None = None
    try:
        role = Role(answers.role or "")
    except ValueError:
        errors[ProfileField.ROLE] = "Choose how you'd like to take part."

    catalogue = {
        tool.id: tool for tool in (await session.scalars(select(Tool).order_by(Tool.id))).all()
    }
    offered_names = {
        tool.name.casefold(): tool.id for tool in catalogue.values() if tool.removed_at is None
    }

    def tools(
        ids: Sequence[str], other: str | None, picked_field: str, other_field: str
    ) -> tuple[frozenset[int], tuple[str, ...]]:
        picked: set[int] = set()
        for raw in ids:
            if not raw.isdigit() or int(raw) not in catalogue:
                errors[picked_field] = "One of these tools is no longer in the catalogue."
                continue
            picked.add(int(raw))
        try:
            names = parse_other_tools(other)
        except ValueError as exc:
            errors[other_field] = str(exc)
            return frozenset(picked), ()
        # A typed name the catalogue offers counts as the catalogue's tool.
        extra: list[str] = []
        for name in names:
            tool_id = offered_names.get(name.casefold())
            if tool_id is None:
                extra.append(name)
            else:
                picked.add(tool_id)
        return frozenset(picked), tuple(extra)

    teach_ids, teach_other = tools(
        answers.teach_tool_ids, answers.teach_other, ProfileField.TEACH, ProfileField.TEACH_OTHER
    )
    learn_ids, learn_other = tools(
        answers.learn_tool_ids, answers.learn_other, ProfileField.LEARN, ProfileField.LEARN_OTHER
    )
    teaches = role in (Role.GUIDE, Role.BOTH)
    learns = role in (Role.LEARNER, Role.BOTH)
    if teaches and not (teach_ids or teach_other) and ProfileField.TEACH_OTHER not in errors:
        errors.setdefault(
            ProfileField.TEACH,
            "As a guide, pick at least one tool you can teach (or type it under “Other tools”).",
        )
    if learns and not (learn_ids or learn_other) and ProfileField.LEARN_OTHER not in errors:
        errors.setdefault(
            ProfileField.LEARN,
            "As a learner, pick at least one tool you'd like to learn "
            "(or type it under “Other tools”).",
        )

    department = " ".join((answers.department or "").split())
    if not department:
        errors[ProfileField.DEPARTMENT] = (
            "Tell us your department or team: pairs are made across departments."
        )
    elif len(department) > MAX_DEPARTMENT:
        errors[ProfileField.DEPARTMENT] = f"Keep it to {MAX_DEPARTMENT} characters or fewer."

    share = _text(answers.share)
    if share is not None and len(share) > MAX_SHARE:
        errors[ProfileField.SHARE] = f"Keep it to {MAX_SHARE} characters or fewer."
    goals = _text(answers.goals)
    if goals is not None and len(goals) > MAX_GOALS:
        errors[ProfileField.GOALS] = (
            f"Keep your goals to {MAX_GOALS} characters or fewer (now {len(goals)})."
        )

    manager_id = _text(answers.manager_id)
    if manager_id is not None and manager_id == user_id:
        errors[ProfileField.MANAGER] = "You can't be your own manager — leave this empty instead."

    capacity = 1
    if teaches and answers.capacity:
        if answers.capacity.isdigit() and 1 <= int(answers.capacity) <= MAX_CAPACITY:
            capacity = int(answers.capacity)
        else:
            errors[ProfileField.CAPACITY] = f"Choose between 1 and {MAX_CAPACITY} learners."

    if errors or role is None:
        raise InvalidProfile(errors)
    return ProfileInput(
        role=role,
        department=department,
        teach_tool_ids=teach_ids if teaches else frozenset(),
        teach_other=teach_other if teaches else (),
        learn_tool_ids=learn_ids if learns else frozenset(),
        learn_other=learn_other if learns else (),
        share=share if learns else None,
        manager_id=manager_id,
        capacity=capacity,
        goals=goals,
    )


async def save_profile(
    session: AsyncSession,
    team_id: str,
    identity: Identity,
    profile: ProfileInput,
    *,
    now: datetime,
    via: str,
) -> SaveOutcome:
    """Join, rejoin or update the profile, in one transaction.

    A double-submitted modal leaves one participant: the insert leans on the unique
    (team_id, user_id) constraint, and the second submission updates the row the first wrote.
    """
    fields = {
        "role": profile.role.value,
        "department": profile.department,
        "manager_id": profile.manager_id,
        "capacity": profile.capacity,
        "share": profile.share,
        "goals": profile.goals,
        "tz": identity.tz,
        "display_name": identity.display_name,
        "identity_refreshed_at": now,
        "updated_at": now,
    }
    created = await insert_ignoring_duplicates(
        session,
        Participant,
        {
            "team_id": team_id,
            "user_id": identity.user_id,
            "state": State.ACTIVE.value,
            "joined_at": now,
            **fields,
        },
    )
    participant = await _locked(session, team_id, identity.user_id)
    assert participant is not None
    kind = "joined" if created else "updated"
    if created:
        _log(session, participant, at=now, from_state=None, via=via, actor_id=identity.user_id)
    else:
        for name, value in fields.items():
            setattr(participant, name, value)
        _settle_pause(session, participant, now)
        if participant.state == State.LEFT:
            kind = "rejoined"
            participant.state = State.ACTIVE
            participant.joined_at = now
            participant.left_at = None
            participant.paused_until = None
            participant.waitlisted_since = None
            _log(
                session,
                participant,
                at=now,
                from_state=State.LEFT,
                via=via,
                actor_id=identity.user_id,
            )
    await session.flush()
    await session.execute(
        delete(ParticipantTool).where(ParticipantTool.participant_id == participant.id)
    )
    rows = [
        {"participant_id": participant.id, "direction": direction, "tool_id": tool_id}
        for direction, ids in (
            (Direction.TEACH.value, profile.teach_tool_ids),
            (Direction.LEARN.value, profile.learn_tool_ids),
        )
        for tool_id in sorted(ids)
    ] + [
        {"participant_id": participant.id, "direction": direction, "other_name": name}
        for direction, names in (
            (Direction.TEACH.value, profile.teach_other),
            (Direction.LEARN.value, profile.learn_other),
        )
        for name in names
    ]
    if rows:
        # Homogeneous keys per statement: catalogue picks, then typed-in names.
        picked = [r for r in rows if "tool_id" in r]
        typed = [r for r in rows if "other_name" in r]
        for batch in (picked, typed):
            if batch:
                await session.execute(insert(ParticipantTool), batch)
    return SaveOutcome(kind=kind, profile=await _read(session, participant, now))


# ---- pause, resume, leave ---------------------------------------------------------------------

_DURATION = re.compile(r"(\d{1,5})\s*(d|days?|w|wks?|weeks?)")
_UNTIL = re.compile(r"(?:until|till|til|to)\s+(.+)")


def parse_pause(text: str, today: date) -> date:
    """The date a pause ends on, from `2w`, `10d`, `until 2027-01-15` (or a bare date).

    Raises `InvalidPause` with what was wrong and an example that works.
    """
    example = f"pause until {(today + timedelta(weeks=2)).isoformat()}"
    latest = today + MAX_PAUSE
    words = " ".join(text.lower().split())
    if not words:
        raise InvalidPause(
            "For how long would you like to pause? Give a number of days or weeks, "
            "or the date you'd like to be back.",
            example,
        )
    match = _DURATION.fullmatch(words)
    if match:
        amount = int(match.group(1))
        days = amount * (7 if match.group(2).startswith("w") else 1)
        if days < 1:
            raise InvalidPause("A pause has to last at least one day.", example)
        resume_on = today + timedelta(days=days)
        if resume_on > latest:
            raise InvalidPause(_too_long(latest), example)
        return resume_on
    until = _UNTIL.fullmatch(words)
    raw = until.group(1) if until else words
    try:
        resume_on = date.fromisoformat(raw)
    except ValueError:
        raise InvalidPause(
            f"I couldn't read “{text.strip()[:40]}”. Give a number of days or weeks, or a date "
            "written as YYYY-MM-DD.",
            example,
        ) from None
    if resume_on <= today:
        raise InvalidPause(
            f"{resume_on.isoformat()} is not in the future: pick a date after today "
            f"({today.isoformat()}).",
            example,
        )
    if resume_on > latest:
        raise InvalidPause(_too_long(latest), example)
    return resume_on


def _too_long(latest: date) -> str:
    weeks = MAX_PAUSE.days // 7
    return (
        f"A pause can last at most {weeks} weeks (until {latest.isoformat()}). For longer, "
        "you can leave the program and join again whenever you like."
    )


async def pause(
    session: AsyncSession,
    team_id: str,
    user_id: str,
    *,
    text: str,
    now: datetime,
    via: str,
    actor_id: str | None = None,
) -> Profile:
    """Pause until the date `text` names (see `parse_pause`); pausing again moves the date."""
    participant = await _member(session, team_id, user_id)
    _settle_pause(session, participant, now)
    zone = zone_of(participant.tz)
    resume_on = parse_pause(text, now.astimezone(zone).date())
    from_state = participant.state
    participant.state = State.PAUSED
    participant.paused_until = datetime.combine(resume_on, time(0), zone).astimezone(UTC)
    participant.updated_at = now
    _log(session, participant, at=now, from_state=from_state, via=via, actor_id=actor_id or user_id)
    await session.flush()
    return await _read(session, participant, now)


async def resume(
    session: AsyncSession,
    team_id: str,
    user_id: str,
    *,
    now: datetime,
    via: str,
    actor_id: str | None = None,
) -> Profile:
    """End a pause now."""
    participant = await _member(session, team_id, user_id)
    _settle_pause(session, participant, now)
    if participant.state != State.PAUSED:
        raise NotPaused("You're not paused, so there's nothing to resume.")
    participant.state = State.ACTIVE
    participant.paused_until = None
    participant.updated_at = now
    _log(
        session, participant, at=now, from_state=State.PAUSED, via=via, actor_id=actor_id or user_id
    )
    await session.flush()
    return await _read(session, participant, now)


async def end_current_pair(
    session: AsyncSession, participant: Participant, *, reason: str, now: datetime
) -> None:
    """End the participant's current pair, if any, recording `reason` (e.g. "left").

    The seam the pairing feature fills in: it owns pairs, ends the open one here in the caller's
    transaction and queues the partner's notice.
    """
    # Imported here so that enrollment does not load the matching engine until a pair ends.
    from bot.services.rounds import end_pairs_of
    from models import EndReason

    await end_pairs_of(session, participant, reason=EndReason(reason), now=now)


async def leave(
    session: AsyncSession,
    team_id: str,
    user_id: str,
    *,
    now: datetime,
    via: str,
    actor_id: str | None = None,
) -> Profile:
    """Out of future rounds; the current pair ends with reason "left"; history stays."""
    participant = await _member(session, team_id, user_id)
    _settle_pause(session, participant, now)
    from_state = participant.state
    await end_current_pair(session, participant, reason="left", now=now)
    participant.state = State.LEFT
    participant.left_at = now
    participant.paused_until = None
    participant.waitlisted_since = None
    participant.updated_at = now
    _log(session, participant, at=now, from_state=from_state, via=via, actor_id=actor_id or user_id)
    await session.flush()
    return await _read(session, participant, now)


async def resume_due_pauses(session: AsyncSession, now: datetime) -> int:
    """Flip every pause whose date has passed back to active ("via: automatic"); how many."""
    query = (
        select(Participant)
        .where(
            Participant.state == State.PAUSED,
            Participant.paused_until.is_not(None),
            Participant.paused_until <= now,
        )
        # Wait for a row someone is changing rather than skip it: PostgreSQL re-checks the
        # WHERE after the wait, so a pause resumed meanwhile drops out, and none is missed.
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    participants = (await session.scalars(query)).all()
    for participant in participants:
        _settle_pause(session, participant, now)
    await session.flush()
    return len(participants)

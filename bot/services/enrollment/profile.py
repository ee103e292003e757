"""The profile: who may join, checking the modal's answers, and saving them (join, rejoin or
update, with every change of state logged)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import insert_ignoring_duplicates
from bot.i18n import _, ngettext
from bot.services.enrollment.identity import Identity
from bot.services.enrollment.log import log_state, settle_pause
from bot.services.enrollment.queries import Profile, locked_participant, read_profile
from bot.services.errors import InvalidInput, InvalidProfile
from bot.services.program.programs import check_open
from bot.services.text import FieldErrors, is_slack_id, typed, whole_number
from bot.services.tools import known_in, offered_in
from models import Direction, Participant, ParticipantTool, Role, State, Tool

# What the profile modal accepts.
MAX_DEPARTMENT = 80
MAX_SHARE = 200
MAX_GOALS = 500
MAX_OTHER_TOOL = 40
MAX_OTHER_TOOLS = 10
MAX_CAPACITY = 3


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


@dataclass(frozen=True)
class SaveOutcome:
    """What saving the profile did: "joined", "rejoined" or "updated"."""

    kind: str
    profile: Profile


def parse_other_tools(text: str | None) -> tuple[str, ...]:
    """ "Figma, Obsidian" → ("Figma", "Obsidian"); raises InvalidInput with a readable reason."""
    names: list[str] = []
    seen: set[str] = set()
    for part in (text or "").split(","):
        what = _("“{name}…”: a tool name").format(name=part.strip()[:20])
        name = typed(part, limit=MAX_OTHER_TOOL, what=what)
        if name is None or name.casefold() in seen:
            continue
        seen.add(name.casefold())
        names.append(name)
    if len(names) > MAX_OTHER_TOOLS:
        raise InvalidInput(
            ngettext(
                "That's {count} tool; list at most {most}, separated by commas.",
                "That's {count} tools; list at most {most}, separated by commas.",
                len(names),
            ).format(count=len(names), most=MAX_OTHER_TOOLS)
        )
    return tuple(names)


async def validate_profile(
    session: AsyncSession, team_id: str, user_id: str, answers: ProfileAnswers
) -> ProfileInput:
    """Check every answer for the program `team_id`; raise `InvalidProfile` naming each field
    that does not fit."""
    errors = FieldErrors()
    role: Role | None = None
    try:
        role = Role(answers.role or "")
    except ValueError:
        errors[ProfileField.ROLE] = _("Choose how you'd like to take part.")

    # What a profile here may keep (retired and hidden tools included: the modal still shows
    # them to whoever has them), and what the program offers by name.
    known = (
        await session.execute(
            select(Tool.id, Tool.name, offered_in(team_id))
            .where(known_in(team_id))
            .order_by(Tool.id)
        )
    ).all()
    catalogue = {tool_id for tool_id, _name, _offered in known}
    offered_names = {name.casefold(): tool_id for tool_id, name, offered in known if offered}

    def tools(
        ids: Sequence[str], other: str | None, picked_field: str, other_field: str
    ) -> tuple[frozenset[int], tuple[str, ...]]:
        picked: set[int] = set()
        for raw in ids:
            tool_id = whole_number(raw)
            if tool_id is None or tool_id not in catalogue:
                errors[picked_field] = _("One of these tools is no longer in the catalogue.")
                continue
            picked.add(tool_id)
        try:
            names = parse_other_tools(other)
        except InvalidInput as exc:
            errors[other_field] = exc.message
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
            _("As a guide, pick at least one tool you can teach (or type it under “Other tools”)."),
        )
    if learns and not (learn_ids or learn_other) and ProfileField.LEARN_OTHER not in errors:
        errors.setdefault(
            ProfileField.LEARN,
            _(
                "As a learner, pick at least one tool you'd like to learn "
                "(or type it under “Other tools”)."
            ),
        )

    department = errors.typed(ProfileField.DEPARTMENT, answers.department, limit=MAX_DEPARTMENT)
    if department is None:
        errors.setdefault(
            ProfileField.DEPARTMENT,
            _("Tell us your department or team: pairs are made across departments."),
        )
    share = errors.typed(ProfileField.SHARE, answers.share, limit=MAX_SHARE)
    goals = errors.typed(ProfileField.GOALS, answers.goals, limit=MAX_GOALS, multiline=True)

    manager_id = (answers.manager_id or "").strip() or None
    if manager_id is not None and not is_slack_id(manager_id):
        errors[ProfileField.MANAGER] = _("Pick your manager from the list of people.")
    elif manager_id is not None and manager_id == user_id:
        errors[ProfileField.MANAGER] = _(
            "You can't be your own manager — leave this empty instead."
        )

    capacity = 1
    if teaches and answers.capacity:
        picked_capacity = whole_number(answers.capacity, 1, MAX_CAPACITY)
        if picked_capacity is None:
            errors[ProfileField.CAPACITY] = ngettext(
                "Choose between 1 and {most} learner.",
                "Choose between 1 and {most} learners.",
                MAX_CAPACITY,
            ).format(most=MAX_CAPACITY)
        else:
            capacity = picked_capacity

    if errors or role is None or department is None:
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
    A program that is closed, or that the workspace does not have, takes no one.
    """
    await check_open(session, team_id)
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
    if identity.locale is not None:
        fields["locale"] = identity.locale
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
    participant = await locked_participant(session, team_id, identity.user_id)
    assert participant is not None
    kind = "joined" if created else "updated"
    if created:
        log_state(session, participant, at=now, from_state=None, via=via, actor_id=identity.user_id)
    else:
        for name, value in fields.items():
            setattr(participant, name, value)
        settle_pause(session, participant, now)
        if participant.state == State.LEFT:
            kind = "rejoined"
            participant.state = State.ACTIVE
            participant.joined_at = now
            participant.left_at = None
            participant.paused_until = None
            participant.waitlisted_since = None
            log_state(
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
    return SaveOutcome(kind=kind, profile=await read_profile(session, participant, now))

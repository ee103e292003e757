"""Loading people, history, exclusions and managers into the pairing engine's inputs.

The people are the program's; the rules are the workspace's: a pair that met in any of its
programs is a repeat in every one, and someone's exclusions and reporting line hold in all of
them (each read by Slack user ID, the same person's in every program)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot import pairing
from bot.i18n import N_, _, ngettext
from bot.install.keys import in_workspace, workspace_of
from bot.services import directory
from bot.services.calendar import zone_of
from bot.text import tools_phrase
from models import Direction, Pair, PairExclusion, Participant, ParticipantTool, State, Tool


@dataclass(frozen=True)
class Person:
    """A participant as the pairing feature reads them (manager only for the rules)."""

    participant_id: int
    user_id: str
    name: str
    role: str
    tz: str
    department: str
    capacity: int
    state: str
    teaches: tuple[str, ...] = ()
    learns: tuple[str, ...] = ()
    share: str | None = None
    manager_id: str | None = None
    paused_until: datetime | None = None
    waitlisted_since: datetime | None = None
    # Slack made them a guest: a pair they are in runs on, no new one starts.
    guest: bool = False

    def available(self, now: datetime) -> bool:
        """Active, or paused with the pause already over."""
        if self.state == State.ACTIVE:
            return True
        return (
            self.state == State.PAUSED
            and self.paused_until is not None
            and self.paused_until <= now
        )


def offset_minutes(tz: str, now: datetime) -> int:
    offset = now.astimezone(zone_of(tz)).utcoffset() or timedelta(0)
    return max(-14 * 60, min(14 * 60, int(offset.total_seconds() // 60)))


async def _tool_names(
    session: AsyncSession, participant_ids: Iterable[int]
) -> dict[int, dict[str, list[str]]]:
    ids = list(participant_ids)
    names: dict[int, dict[str, list[str]]] = {
        pid: {Direction.TEACH: [], Direction.LEARN: []} for pid in ids
    }
    if not ids:
        return names
    query = (
        select(ParticipantTool.participant_id, ParticipantTool.direction, Tool.name)
        .add_columns(ParticipantTool.other_name)
        .outerjoin(Tool, Tool.id == ParticipantTool.tool_id)
        .where(ParticipantTool.participant_id.in_(ids))
        .order_by(ParticipantTool.participant_id, ParticipantTool.id)
    )
    for pid, direction, tool_name, other in (await session.execute(query)).all():
        name = tool_name or other
        if name:
            names[pid][direction].append(name)
    return names


def _person(row: Participant, tools: Mapping[str, list[str]]) -> Person:
    return Person(
        participant_id=row.id,
        user_id=row.user_id,
        name=row.display_name or row.user_id,
        role=row.role,
        tz=row.tz or "UTC",
        department=row.department,
        capacity=row.capacity,
        state=row.state,
        teaches=tuple(tools.get(Direction.TEACH, ())),
        learns=tuple(tools.get(Direction.LEARN, ())),
        share=row.share,
        manager_id=row.manager_id,
        paused_until=row.paused_until,
        waitlisted_since=row.waitlisted_since,
        guest=row.guest_since is not None,
    )


async def people(
    session: AsyncSession,
    team_id: str,
    *,
    user_ids: Iterable[str] | None = None,
    participant_ids: Iterable[int] | None = None,
    lock: bool = False,
) -> dict[str, Person]:
    """Participants by user ID (left ones included); `lock` takes their rows FOR UPDATE."""
    query = select(Participant).where(Participant.team_id == team_id).order_by(Participant.id)
    if user_ids is not None:
        query = query.where(Participant.user_id.in_(sorted(set(user_ids))))
    if participant_ids is not None:
        query = query.where(Participant.id.in_(sorted(set(participant_ids))))
    if lock:
        # Always in id order, so two transactions locking overlapping sets cannot deadlock.
        query = query.with_for_update().execution_options(populate_existing=True)
    rows = (await session.scalars(query)).all()
    tools = await _tool_names(session, [row.id for row in rows])
    return {row.user_id: _person(row, tools[row.id]) for row in rows}


async def guide_tools(
    session: AsyncSession, team_id: str, guide_ids: Iterable[int]
) -> dict[int, tuple[str, ...]]:
    """What each guide teaches, by participant ID: what a pair without a shared tool learns."""
    guides = await people(session, team_id, participant_ids=guide_ids)
    return {guide.participant_id: guide.teaches for guide in guides.values()}


async def active_pair_rows(session: AsyncSession, team_id: str) -> list[Pair]:
    query = (
        select(Pair)
        .where(Pair.team_id == team_id, Pair.ended_at.is_(None))
        .order_by(Pair.id)
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(query)).all())


@dataclass
class Load:
    """Who is already busy: learners in a pair, and how many learners each guide has."""

    learning: set[int] = field(default_factory=set)
    guiding: dict[int, int] = field(default_factory=dict)

    @classmethod
    def of(cls, pairs: Iterable[Pair]) -> Load:
        load = cls()
        for pair in pairs:
            load.add(pair.guide_id, pair.learner_id)
        return load

    def add(self, guide_id: int, learner_id: int) -> None:
        self.learning.add(learner_id)
        self.guiding[guide_id] = self.guiding.get(guide_id, 0) + 1

    def busy_reason(self, guide: Person, learner: Person, *, refusal: bool = False) -> str | None:
        """Why this pair cannot start now because of pairs that already exist: a clause for a
        list of dropped pairs, or with `refusal` a whole refusal for the admin who asked."""
        if learner.participant_id in self.learning:
            message = (
                _("{name} is already in a pair. End that pair first with `admin unpair`.")
                if refusal
                else _("{name} is already in a pair")
            )
            return message.format(name=learner.name)
        if learner.participant_id in self.guiding:
            message = (
                _("{name} is already guiding someone. End that pair first with `admin unpair`.")
                if refusal
                else _("{name} is already guiding someone")
            )
            return message.format(name=learner.name)
        if guide.participant_id in self.learning:
            message = (
                _(
                    "{name} is already in a pair as a learner. End that pair first with "
                    "`admin unpair`."
                )
                if refusal
                else _("{name} is already in a pair as a learner")
            )
            return message.format(name=guide.name)
        capacity = guide.capacity
        if self.guiding.get(guide.participant_id, 0) >= capacity:
            message = (
                ngettext(
                    "{name} already guides {count} learner, their limit. End that pair first "
                    "with `admin unpair`.",
                    "{name} already guides {count} learners, their limit. End that pair first "
                    "with `admin unpair`.",
                    capacity,
                )
                if refusal
                else ngettext(
                    "{name} already guides {count} learner, their limit",
                    "{name} already guides {count} learners, their limit",
                    capacity,
                )
            )
            return message.format(name=guide.name, count=capacity)
        return None


def engine_person(person: Person, load: Load, now: datetime) -> pairing.Participant | None:
    """The engine's view of someone available this round, or None when they have no place."""
    if person.participant_id in load.learning:
        return None
    role = person.role
    capacity = person.capacity if role != "learner" else 1
    guiding = load.guiding.get(person.participant_id, 0)
    if guiding:
        # Already guiding: only more learners, up to their limit, and never a learner too.
        if role == "learner" or guiding >= capacity:
            return None
        role, capacity = "guide", capacity - guiding
    return pairing.Participant(
        id=person.user_id,
        name=person.name,
        role=role,  # type: ignore[arg-type]
        capacity=max(1, min(pairing.model.MAX_CAPACITY, capacity)),
        teaches=frozenset(person.teaches),
        learns=frozenset(person.learns),
        department=person.department,
        utc_offset_minutes=offset_minutes(person.tz, now),
        waitlisted=person.waitlisted_since is not None,
    )


async def _history(session: AsyncSession, team_id: str) -> tuple[pairing.PastPair, ...]:
    """Every pair of every program of the workspace, ended or running."""
    guide, learner = aliased(Participant), aliased(Participant)
    query = (
        select(guide.user_id, learner.user_id, Pair.round_id)
        .join(guide, guide.id == Pair.guide_id)
        .join(learner, learner.id == Pair.learner_id)
        .where(in_workspace(Pair.team_id, workspace_of(team_id)))
    )
    return tuple(
        pairing.PastPair(g, lrn, cycle=r) for g, lrn, r in (await session.execute(query)).all()
    )


async def _exclusions(session: AsyncSession, team_id: str) -> tuple[pairing.Exclusion, ...]:
    """Whom each person asked never to be paired with, in any program of the workspace."""
    query = (
        select(Participant.user_id, PairExclusion.excluded_user_id)
        .join(Participant, Participant.id == PairExclusion.participant_id)
        .where(in_workspace(Participant.team_id, workspace_of(team_id)))
    )
    return tuple(pairing.Exclusion(by, other) for by, other in (await session.execute(query)))


async def rules_request(
    session: AsyncSession,
    team_id: str,
    people: Iterable[pairing.Participant],
    *,
    require_shared_tool: bool,
) -> pairing.MatchRequest:
    """The engine's request: the people, and the hard rules as they stand now (the shared tool
    as the program sets it; reporting lines, exclusions and history across the workspace's
    programs)."""
    return pairing.MatchRequest(
        participants=tuple(people),
        managers=await directory.managers(session, team_id),
        history=await _history(session, team_id),
        exclusions=await _exclusions(session, team_id),
        require_shared_tool=require_shared_tool,
    )


RULE_NAMES = {
    "self": N_("a person can't be paired with themselves"),
    "reporting_line": N_("no pairs inside a reporting line"),
    "excluded": N_("a personal exclusion"),
    "no_overlap": N_("at least one tool in common (a program setting)"),
}


def rule_refusal(rule: str, guide: Person, learner: Person) -> str:
    if rule == "self":
        return _("That's the same person twice: name a guide and a different learner.")
    if rule == "reporting_line":
        return _(
            "{guide} and {learner} are in the same reporting line, and pairs never are (rule: "
            "no pairs inside a reporting line)."
        ).format(guide=guide.name, learner=learner.name)
    if rule == "excluded":
        return _(
            "One of {guide} and {learner} asked not to be paired with the other (rule: personal "
            "exclusion)."
        ).format(guide=guide.name, learner=learner.name)
    return _(
        "{guide} doesn't teach anything {learner} wants to learn (rule: at least one tool in "
        "common, a program setting). {guide} teaches {teaches}; {learner} wants {learns}."
    ).format(
        guide=guide.name,
        learner=learner.name,
        teaches=tools_phrase(guide.teaches),
        learns=tools_phrase(learner.learns),
    )

"""Pausing, resuming and leaving: one state transition, logged, whatever asked for it.

Every change of state is appended to the state-change log with who, when and through what.
A pause ends by itself on its date (`resume_due_pauses` only tidies the row).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import _, ngettext
from bot.install.keys import in_workspace, workspace_of
from bot.services.calendar import zone_of
from bot.services.enrollment.log import log_state, settle_pause
from bot.services.enrollment.queries import Profile, locked_participant, read_profile
from bot.services.errors import InvalidPause, NotAParticipant, NotPaused
from models import EndReason, Participant, State

# Longer than this is not a pause: leaving and rejoining later keeps the history just as well.
MAX_PAUSE = timedelta(weeks=26)
# The Home tab's "Pause" button.
HOME_PAUSE = timedelta(weeks=2)
# How a deactivation shows in the state-change log (the report counts departures by it).
DEACTIVATED_VIA = "slack:deactivated"


async def local_today(session: AsyncSession, team_id: str, user_id: str, now: datetime) -> date:
    """Today in the participant's own zone (what "pause 2w" counts from)."""
    participant = await _member(session, team_id, user_id, now)
    return now.astimezone(zone_of(participant.tz)).date()


def cycle_break_weeks(cycle_weeks: int) -> int:
    """The break offered at the end of a cycle: the next cycle's length, up to the longest
    pause (a year-long program offers half a year)."""
    return min(cycle_weeks, MAX_PAUSE.days // 7)


def check_pause_end(until: date, today: date) -> None:
    """Raise `InvalidPause` unless `until` is after `today` and within `MAX_PAUSE`."""
    if until <= today:
        raise InvalidPause(
            _("{date} is not in the future: pick a date after today ({today}).").format(
                date=until.isoformat(), today=today.isoformat()
            )
        )
    latest = today + MAX_PAUSE
    if until > latest:
        weeks = MAX_PAUSE.days // 7
        raise InvalidPause(
            ngettext(
                "A pause can last at most {count} week (until {date}). "
                "For longer, you can leave the program and join again whenever you like.",
                "A pause can last at most {count} weeks (until {date}). "
                "For longer, you can leave the program and join again whenever you like.",
                weeks,
            ).format(count=weeks, date=latest.isoformat())
        )


async def _member(session: AsyncSession, team_id: str, user_id: str, now: datetime) -> Participant:
    """The person's row, locked, with a pause whose date has passed already settled."""
    participant = await locked_participant(session, team_id, user_id)
    if participant is None or participant.state == State.LEFT:
        raise NotAParticipant(_("You're not in the program at the moment."))
    settle_pause(session, participant, now)
    return participant


async def _move(
    session: AsyncSession,
    participant: Participant,
    to: State,
    now: datetime,
    via: str,
    actor_id: str | None,
    **fields: Any,
) -> Profile:
    """The one state transition: set the state and its fields, log it (`actor_id`: who acted,
    None for nobody), read the result."""
    from_state = participant.state
    participant.state = to
    participant.paused_until = fields.pop("paused_until", None)
    for name, value in fields.items():
        setattr(participant, name, value)
    participant.updated_at = now
    log_state(session, participant, at=now, from_state=from_state, via=via, actor_id=actor_id)
    await session.flush()
    return await read_profile(session, participant, now)


async def pause(
    session: AsyncSession, team_id: str, user_id: str, *, until: date, now: datetime, via: str
) -> Profile:
    """Pause until the start of `until` in the person's zone; pausing again moves the date."""
    participant = await _member(session, team_id, user_id, now)
    zone = zone_of(participant.tz)
    check_pause_end(until, now.astimezone(zone).date())
    resume_at = datetime.combine(until, time(0), zone).astimezone(UTC)
    return await _move(
        session, participant, State.PAUSED, now, via, participant.user_id, paused_until=resume_at
    )


async def resume(
    session: AsyncSession, team_id: str, user_id: str, *, now: datetime, via: str
) -> Profile:
    """End a pause now."""
    participant = await _member(session, team_id, user_id, now)
    if participant.state != State.PAUSED:
        raise NotPaused(_("You're not paused, so there's nothing to resume."))
    return await _move(session, participant, State.ACTIVE, now, via, participant.user_id)


async def leave(
    session: AsyncSession, team_id: str, user_id: str, *, now: datetime, via: str
) -> Profile:
    """Out of future rounds; the current pair ends with reason "left"; history stays."""
    participant = await _member(session, team_id, user_id, now)
    return await _depart(session, participant, EndReason.LEFT, now, via, participant.user_id)


async def deactivate(session: AsyncSession, team_id: str, user_id: str, *, now: datetime) -> bool:
    """Slack deactivated the account: the person leaves every program of the workspace they
    were in (`team_id`: any of its programs; each logged "via" `DEACTIVATED_VIA`, by nobody),
    their pairs end with reason "deactivated". False when they were in none."""
    joined = await session.scalars(
        select(Participant.team_id)
        .where(
            in_workspace(Participant.team_id, workspace_of(team_id)),
            Participant.user_id == user_id,
            Participant.state != State.LEFT,
        )
        # Then locked one by one in id order, as every lock of several participants' rows.
        .order_by(Participant.id)
    )
    departed = False
    for key in list(joined):
        try:
            participant = await _member(session, key, user_id, now)
        except NotAParticipant:  # left since (the row is read again under its lock)
            continue
        await _depart(session, participant, EndReason.DEACTIVATED, now, DEACTIVATED_VIA, None)
        departed = True
    return departed


async def _depart(
    session: AsyncSession,
    participant: Participant,
    reason: EndReason,
    now: datetime,
    via: str,
    actor_id: str | None,
) -> Profile:
    # Imported here: enrollment loads the pairing feature (and its engine) only when a pair ends.
    from bot.services.rounds.manual import end_pairs_of

    await end_pairs_of(session, participant, reason=reason, now=now)
    return await _move(
        session, participant, State.LEFT, now, via, actor_id, left_at=now, waitlisted_since=None
    )


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
        settle_pause(session, participant, now)
    await session.flush()
    return len(participants)

"""The state-change log, and settling a pause whose date has passed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.enrollment.queries import is_paused
from models import Participant, State, StateChange

AUTOMATIC = "automatic"


def log_state(
    session: AsyncSession,
    participant: Participant,
    *,
    at: datetime,
    from_state: str | None,
    via: str,
    actor_id: str | None,
) -> None:
    """Append the participant's current state to the log: who, when, through what."""
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


def settle_pause(session: AsyncSession, participant: Participant, now: datetime) -> None:
    """Turn a pause whose date has passed into active, logged as automatic at that date."""
    if participant.state != State.PAUSED or is_paused(
        participant.state, participant.paused_until, now
    ):
        return
    ended_at = participant.paused_until
    assert ended_at is not None
    participant.state = State.ACTIVE
    participant.paused_until = None
    participant.updated_at = now
    log_state(
        session, participant, at=ended_at, from_state=State.PAUSED, via=AUTOMATIC, actor_id=None
    )

"""Closing a program: its running pairs end (each person told privately), its cycles end, a
proposal waiting for approval is discarded, and it takes no one new; its history stays."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import _
from bot.install.keys import FIRST_PROGRAM, program_number
from bot.services.errors import InvalidInput, ProgramClosed
from bot.services.program.programs import program_of
from bot.services.rounds.ending import end_pairs
from bot.services.rounds.manual import notify_ended
from models import EndReason, Pair, ProgramSettings, Round, RoundStatus, SettingsChange


async def close_program(session: AsyncSession, key: str, *, actor_id: str, now: datetime) -> int:
    """Close the program: its running pairs end (how many), nobody may join it, its history
    stays. The workspace's first program cannot be closed (it is where people land when there
    is no other); closing twice is refused."""
    if program_number(key) == FIRST_PROGRAM:
        raise InvalidInput(
            _("The workspace's first program stays open: pause it in its settings instead.")
        )
    program = await program_of(session, key)
    if program.closed:
        raise ProgramClosed(_("That program is already closed."))
    await session.execute(
        update(ProgramSettings)
        .where(ProgramSettings.team_id == key, ProgramSettings.closed_at.is_(None))
        .values(closed_at=now, updated_at=now, updated_by=actor_id)
    )
    # Its cycles end now (the end-of-cycle job has nothing left to end or thank for), a
    # proposal waiting for approval is discarded, and each person hears privately that their
    # pair ended.
    await session.execute(
        update(Round)
        .where(Round.team_id == key, Round.status == RoundStatus.APPROVED, Round.ended_at.is_(None))
        .values(ended_at=now)
    )
    await session.execute(
        update(Round)
        .where(Round.team_id == key, Round.status == RoundStatus.PROPOSED)
        .values(status=RoundStatus.DISCARDED)
    )
    running = list(
        await session.scalars(
            select(Pair).where(Pair.team_id == key, Pair.ended_at.is_(None)).order_by(Pair.id)
        )
    )
    reason = EndReason.CYCLE_ENDED
    ended = await end_pairs(session, running, reason=reason, now=now, ended_by=actor_id)
    await notify_ended(session, key, ended, reason=reason, now=now)
    session.add(
        SettingsChange(
            team_id=key, actor_id=actor_id, at=now, field="closed", old_value=None, new_value="yes"
        )
    )
    return len(ended)

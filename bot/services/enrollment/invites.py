"""Invitations to the program, each once per person: to someone who joined the program channel,
and a welcome to someone who joined the workspace."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.outbox import enqueue
from bot.services.enrollment.queries import is_participant
from bot.services.notices import Notice
from bot.services.program.programs import Program


class InviteNotice(Notice):
    """The DM to someone who joined the program channel: what the program is, and Join."""

    kind: ClassVar[str] = "invite"

    command: str
    channel_id: str
    # The program whose channel it is, named when the workspace runs several (None: the DM
    # reads as it did before there were several).
    program: Program | None = None


async def invite_to_program(
    session: AsyncSession,
    *,
    team_id: str,
    user_id: str,
    command: str,
    channel_id: str,
    now: datetime,
    named: Program | None = None,
) -> bool:
    """Queue the program channel's invite DM to program `team_id` (which the DM names when
    `named`), once per person and program, never to a participant.

    Proactive, so through the outbox (key `invite:<user>`, per program): joining the channel
    twice, an Events API retry or two processes cannot send it twice.
    """
    if await is_participant(session, team_id, user_id):
        return False
    return await enqueue(
        session,
        team_id=team_id,
        dedupe_key=f"invite:{user_id}",
        notice=InviteNotice(command=command, channel_id=channel_id, program=named),
        open_users=[user_id],
        now=now,
    )


class WelcomeNotice(Notice):
    """The DM to someone who just joined the workspace, when the program invites new people."""

    kind: ClassVar[str] = "welcome"

    command: str


async def welcome_to_program(
    session: AsyncSession, *, team_id: str, user_id: str, command: str, now: datetime
) -> bool:
    """Queue the newcomer's welcome DM, once per person (key `welcome:<user>`)."""
    return await enqueue(
        session,
        team_id=team_id,
        dedupe_key=f"welcome:{user_id}",
        notice=WelcomeNotice(command=command),
        open_users=[user_id],
        now=now,
    )

"""Every half hour, the follow-ups: created for each tool learned in a pair whose cycle ended,
and asked 30 days after it ended.

Keys name the pair and tool (`followup:<pair>:<tool>`), and a follow-up is claimed by setting
`asked_at` where it is empty, so running late, twice or in two processes asks once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.jobs import every, tidying_job
from bot.services import learning


async def follow_ups(session: AsyncSession, now: datetime) -> int:
    await learning.schedule_follow_ups(session)
    return await learning.ask_due_follow_ups(session, now=now)


FOLLOW_UPS = tidying_job(
    "learning-follow-ups", every(minutes=30), follow_ups, "Follow-ups: %d learner(s) asked"
)

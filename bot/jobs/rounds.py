"""The end of a cycle: on its end date pairs end, people are thanked and asked about the next one.

The job only reads what is due from the database, so running late, twice or in two processes
ends each cycle once (see `bot.services.rounds.cycles.end_due_cycles`).
"""

from __future__ import annotations

import logging

from bot.deps import Deps
from bot.jobs import Job, every
from bot.services.rounds.cycles import end_due_cycles

logger = logging.getLogger(__name__)


async def end_due_cycles_job(deps: Deps) -> None:
    settings = deps.settings
    async with deps.sessionmaker.begin() as session:
        ended = await end_due_cycles(
            session,
            now=deps.clock.now(),
            defaults=deps.program_defaults,
            zone=settings.zone,
            admins=settings.rotnem_admins,
        )
    for cycle in ended:
        logger.info(
            "Cycle of round %d ended: %d pair(s)%s",
            cycle.round_id,
            cycle.ended_pairs,
            f"; next round {cycle.proposal.round_id} proposed" if cycle.proposal else "",
        )


END_DUE_CYCLES = Job("rounds-end-due-cycles", every(minutes=15), end_due_cycles_job)

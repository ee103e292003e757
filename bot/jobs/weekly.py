"""Keeping pairs alive, every minute: the weekly prompts due in each learner's zone, the
check-ins due, the "Not yet" reminders due; and every 15 minutes, stalled pairs for HR.

Everything due is decided from the database and the clock and enqueued through the outbox with
natural keys (`nudge:<pair>:<week>`, `checkin:<pair>:<user>:<week>`,
`checkin-again:<pair>:<user>:<week>`, `stall:<pair>:<week>:<admin>`), so a late run, a restart
or two workers at once never send twice and never skip what is still due.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.deps import Deps
from bot.jobs import every, job
from bot.services import checkins, prompts, stalls
from bot.services.program import defaults_from, program_config

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TickResult:
    prompts: int = 0
    skipped: int = 0
    checkins: int = 0
    reminders: int = 0
    stalls: int = 0


async def _teams(deps: Deps) -> list[str]:
    async with deps.sessionmaker() as session:
        return await prompts.teams_with_active_pairs(session)


async def enqueue_prompts(deps: Deps, *, force: bool = False) -> TickResult:
    """This week's prompts that are due (`force`: for every pair without one, now)."""
    sent = skipped = 0
    for team_id in await _teams(deps):
        async with deps.sessionmaker.begin() as session:
            config = await program_config(session, team_id, defaults_from(deps.settings))
            run = await prompts.enqueue_due_prompts(
                session, team_id, config, now=deps.clock.now(), force=force
            )
        sent, skipped = sent + run.sent, skipped + run.skipped
    return TickResult(prompts=sent, skipped=skipped)


async def enqueue_checkins(deps: Deps, *, force: bool = False) -> TickResult:
    """Check-ins and reminders that are due (`force`: this week's check-ins, now)."""
    asked = reminded = 0
    for team_id in await _teams(deps):
        async with deps.sessionmaker.begin() as session:
            asked += await checkins.enqueue_due_checkins(
                session, team_id, now=deps.clock.now(), force=force
            )
        async with deps.sessionmaker.begin() as session:
            reminded += await checkins.enqueue_due_reminders(session, team_id, now=deps.clock.now())
    return TickResult(checkins=asked, reminders=reminded)


async def detect_stalls(deps: Deps) -> int:
    found = 0
    for team_id in await _teams(deps):
        async with deps.sessionmaker.begin() as session:
            config = await program_config(session, team_id, defaults_from(deps.settings))
            found += await stalls.detect_stalls(
                session,
                team_id,
                config,
                now=deps.clock.now(),
                zone=deps.settings.zone,
                admins=deps.settings.rotnem_admins,
            )
    return found


@job("keepalive-tick", every(minutes=1))
async def keepalive_tick(deps: Deps) -> None:
    sent = await enqueue_prompts(deps)
    asked = await enqueue_checkins(deps)
    if sent.prompts or sent.skipped or asked.checkins or asked.reminders:
        logger.info(
            "Keep-alive: %d prompt(s), %d pair(s) skipped (paused), %d check-in(s), "
            "%d reminder(s) enqueued",
            sent.prompts,
            sent.skipped,
            asked.checkins,
            asked.reminders,
        )


@job("keepalive-stalls", every(minutes=15))
async def keepalive_stalls(deps: Deps) -> None:
    found = await detect_stalls(deps)
    if found:
        logger.info("Keep-alive: %d stalled pair(s) reported to HR", found)

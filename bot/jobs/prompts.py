"""Every minute, the weekly prompts that are due in each learner's own zone.

Everything due is decided from the database and the clock and enqueued with natural keys
(`prompt:<pair>:<week>`), so a late run, a restart or two workers at once never send twice and
never skip what is still due.

Most minutes nothing is due, and finding that out reads every running pair. So a process
remembers, per database and program (each of a workspace's programs has its own prompt day,
hour and cadence), until when nothing is due (the next prompt instant of any learner zone,
`PromptRun.quiet_until`); while every program is quiet a run is one short transaction (the
newest pair ID, an index lookup, and each program's settings). A program is quiet until then
unless a pair was added since, its prompt day or hour changed, or `RECHECK` has passed (what
else changes due-ness, a learner's new time zone or a reinstalled workspace, is noticed within
that). Forgetting is always safe: a full run enqueues nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.jobs import Job, every, for_each_team
from bot.services.program.settings import ProgramConfig
from bot.services.prompts.tick import PromptRun, enqueue_due_prompts, newest_pair

logger = logging.getLogger(__name__)

RECHECK = timedelta(minutes=15)


@dataclass(frozen=True)
class _Quiet:
    """A program with nothing due from `since` to `until`, as long as `state` holds."""

    since: datetime
    until: datetime
    state: tuple[int | None, int, int]  # newest pair ID, prompt weekday and hour


# Per database (a process may hold several, the tests do), per program.
_QUIET: WeakKeyDictionary[Engine, dict[str, _Quiet]] = WeakKeyDictionary()


def _state(newest: int | None, config: ProgramConfig) -> tuple[int | None, int, int]:
    return (newest, config.nudge_weekday, config.nudge_hour)


def _still_quiet(known: _Quiet | None, state: tuple[int | None, int, int], now: datetime) -> bool:
    return known is not None and known.state == state and known.since <= now < known.until


async def _all_quiet(deps: Deps, quiet: dict[str, _Quiet]) -> bool:
    """Whether every program of the last full run is still quiet: one short transaction, no
    listing of the programs (one that gets running pairs gets a new pair, and one whose
    workspace was reinstalled since is listed again by the next full run, within `RECHECK`)."""
    if not quiet:
        return False
    now = deps.clock.now()
    async with deps.sessionmaker() as session:
        newest = await newest_pair(session)
        for team_id, known in quiet.items():
            config = await deps.program_config(session, team_id)
            if not _still_quiet(known, _state(newest, config), now):
                return False
    return True


async def enqueue_prompts(deps: Deps, *, force: bool = False) -> PromptRun:
    """This week's prompts that are due (`force`: for every pair without one, now)."""
    quiet = _QUIET.setdefault(deps.engine.sync_engine, {})
    if not force and await _all_quiet(deps, quiet):
        return PromptRun()
    remembered = dict(quiet)
    # Forgotten until this run has committed everywhere: a rolled-back run proves nothing.
    quiet.clear()
    learned: dict[str, _Quiet] = {}

    async def team(session: AsyncSession, team_id: str) -> PromptRun:
        now = deps.clock.now()
        config = await deps.program_config(session, team_id)
        # Read before the due pairs: a pair added after this read is seen by the next run.
        state = _state(await newest_pair(session), config)
        known = remembered.get(team_id)
        if not force and known is not None and _still_quiet(known, state, now):
            learned[team_id] = known
            return PromptRun()
        run = await enqueue_due_prompts(session, team_id, config, now=now, force=force)
        # No zone at all (no running pair): nothing to remember, so no shortcut next time.
        until = min(run.quiet_until, now + RECHECK) if run.quiet_until else now
        learned[team_id] = _Quiet(now, until, state)
        return run

    runs = await for_each_team(deps, team)
    quiet.update(learned)
    return PromptRun(sum(r.sent for r in runs), sum(r.skipped for r in runs))


async def prompts_tick(deps: Deps) -> None:
    run = await enqueue_prompts(deps)
    if run.sent or run.skipped:
        logger.info(
            "Weekly prompts: %d enqueued, %d pair(s) skipped (paused)", run.sent, run.skipped
        )


PROMPTS_TICK = Job("prompts-tick", every(minutes=1), prompts_tick)

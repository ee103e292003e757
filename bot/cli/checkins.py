"""`rotnem checkin --now`: this week's check-ins, now (through the outbox, like the job)."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli.common import Outcome
from bot.config import Settings
from bot.deps import one_off_deps
from bot.jobs.checkins import enqueue_checkins


async def _checkin(settings: Settings) -> Outcome:
    async with one_off_deps(settings) as deps:
        run = await enqueue_checkins(deps, force=True)
    return Outcome(
        f"Enqueued {run.asked} check-in(s) and {run.reminded} reminder(s). People "
        "already asked this week were left alone."
    )


def checkin(settings: Settings, _args: argparse.Namespace) -> int:
    return asyncio.run(_checkin(settings)).print()

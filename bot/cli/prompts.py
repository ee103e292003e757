"""`rotnem nudge --now`: this week's prompts for every pair without one, now (no Slack token
needed: they go to the outbox, which a running worker sends)."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli.common import Outcome
from bot.config import Settings
from bot.deps import one_off_deps
from bot.jobs.prompts import enqueue_prompts


async def _nudge(settings: Settings) -> Outcome:
    async with one_off_deps(settings) as deps:
        run = await enqueue_prompts(deps, force=True)
    return Outcome(
        f"Enqueued {run.sent} weekly prompt(s); {run.skipped} pair(s) skipped this week "
        "(someone paused). Pairs that already had this week's prompt were left alone."
    )


def nudge(settings: Settings, _args: argparse.Namespace) -> int:
    return asyncio.run(_nudge(settings)).print()

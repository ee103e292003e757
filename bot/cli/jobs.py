"""`rotnem nudge --now` and `rotnem checkin --now`: a job's work, now, for every pair it would
reach this week (no Slack token needed: the notices go to the outbox, which a worker sends)."""

from __future__ import annotations

import argparse

from bot.cli.common import Outcome, run_once
from bot.cli.database import Schema
from bot.config import Settings
from bot.deps import Deps
from bot.jobs.checkins import enqueue_checkins
from bot.jobs.prompts import enqueue_prompts


async def _nudge(deps: Deps) -> Outcome:
    run = await enqueue_prompts(deps, force=True)
    return Outcome(
        f"Enqueued {run.sent} weekly prompt(s); {run.skipped} pair(s) skipped this week "
        "(someone paused). Pairs that already had this week's prompt were left alone."
    )


async def _checkin(deps: Deps) -> Outcome:
    run = await enqueue_checkins(deps, force=True)
    return Outcome(
        f"Enqueued {run.asked} check-in(s) and {run.reminded} reminder(s). People "
        "already asked this week were left alone."
    )


def run_now(settings: Settings, args: argparse.Namespace) -> int:
    return run_once(
        settings, _nudge if args.command == "nudge" else _checkin, schema=Schema.UPGRADE
    )

"""`rotnem outbox` and `rotnem outbox retry --failed`: what an operator reads and does."""

from __future__ import annotations

import argparse

from bot.cli.common import Outcome, run_once
from bot.cli.database import Schema
from bot.config import Settings
from bot.delivery.outbox import backlog, counts_by_status, recent_failures, retry_failed
from bot.deps import Deps


async def report(deps: Deps, errors: int = 10) -> Outcome:
    """Counts by status, the backlog's age and the last failures, as plain text."""
    async with deps.sessionmaker() as session:
        counts = await counts_by_status(session)
        waiting = await backlog(session, deps.clock.now())
        failures = await recent_failures(session, errors)
    lines = ["Outbox"]
    lines += [f"  {status:<9} {count:>8}" for status, count in counts.items()]
    lines.append(f"  oldest due pending message waiting: {waiting.oldest_pending_age_s:.0f}s")
    if failures:
        lines += ["", f"Last {len(failures)} failure(s), newest first:"]
        for row in failures:
            when = row.updated_at.strftime("%Y-%m-%d %H:%M:%SZ")
            lines.append(
                f"  #{row.id} {when} {row.team_id} {row.kind} {row.dedupe_key!r} "
                f"after {row.attempts} attempt(s): {row.last_error}"
            )
        lines += ["", "Re-queue them with: rotnem outbox retry --failed"]
    return Outcome("\n".join(lines))


def outbox(settings: Settings, args: argparse.Namespace) -> int:
    if args.outbox_command != "retry":
        return run_once(settings, report, schema=Schema.CURRENT)

    async def requeue(deps: Deps) -> Outcome:
        """Put every failed row (of `--kind`) back in the queue."""
        async with deps.sessionmaker.begin() as session:
            count = await retry_failed(session, deps.clock.now(), kind=args.kind)
        return Outcome(f"Re-queued {count} failed message(s).")

    return run_once(settings, requeue, schema=Schema.UPGRADE)

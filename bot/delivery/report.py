"""`rotnem outbox` and `rotnem outbox retry --failed`: what an operator reads and does."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.db import create_engine, create_sessionmaker
from bot.delivery.outbox import backlog, counts_by_status, recent_failures, retry_failed


async def outbox_report(database_url: str, *, errors: int = 10) -> str:
    """Counts by status, the backlog's age and the last failures, as plain text."""
    engine = create_engine(database_url)
    now = datetime.now(UTC)
    try:
        async with create_sessionmaker(engine)() as session:
            counts = await counts_by_status(session)
            waiting = await backlog(session, now)
            failures = await recent_failures(session, errors)
    finally:
        await engine.dispose()
    lines = ["Outbox"]
    lines += [f"  {status:<8} {count:>9}" for status, count in counts.items()]
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
    return "\n".join(lines)


async def requeue_failed(database_url: str, *, kind: str | None = None) -> int:
    """Put every failed row (of `kind`) back in the queue; how many."""
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine).begin() as session:
            return await retry_failed(session, datetime.now(UTC), kind=kind)
    finally:
        await engine.dispose()

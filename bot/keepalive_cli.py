"""`rotnem nudge --now`, `rotnem checkin --now`, `rotnem export …`: operator triggers and HR's
CSV files. None of them needs Slack tokens: messages go to the outbox, which the worker sends.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.jobs.weekly import enqueue_checkins, enqueue_prompts
from bot.runtime import build_deps
from bot.services import reports


@dataclass(frozen=True)
class Outcome:
    text: str
    code: int = 0


async def nudge_now(settings: Settings) -> Outcome:
    deps = build_deps(settings)
    try:
        result = await enqueue_prompts(deps, force=True)
    finally:
        await deps.engine.dispose()
    return Outcome(
        f"Enqueued {result.prompts} weekly prompt(s); {result.skipped} pair(s) skipped this week "
        "(someone paused). Pairs that already had this week's prompt were left alone."
    )


async def checkin_now(settings: Settings) -> Outcome:
    deps = build_deps(settings)
    try:
        result = await enqueue_checkins(deps, force=True)
    finally:
        await deps.engine.dispose()
    return Outcome(
        f"Enqueued {result.checkins} check-in(s) and {result.reminders} reminder(s). People "
        "already asked this week were left alone."
    )


async def export(
    settings: Settings, kind: reports.ExportKind, *, output: str | None, team: str | None
) -> Outcome:
    deps = build_deps(settings)
    try:
        async with deps.sessionmaker() as session:
            teams = await reports.export_teams(session)
            if team is None:
                if len(teams) > 1:
                    return Outcome(
                        f"Several workspaces use this bot: add --team (one of {', '.join(teams)}).",
                        2,
                    )
                team = teams[0] if teams else ""
            header, rows = await reports.export_rows(session, team, kind)
    finally:
        await deps.engine.dispose()
    if output is None:
        count = reports.write_csv(sys.stdout, header, rows)
        sys.stdout.flush()
        return Outcome(f"{count} row(s).", 0)
    with Path(output).open("w", encoding="utf-8", newline="") as out:
        count = reports.write_csv(out, header, rows)
    return Outcome(f"Wrote {count} row(s) to {output}.")

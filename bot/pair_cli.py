"""`rotnem pair [--dry-run | --yes] [--team T…]`: a pairing round from the command line.

`--dry-run` prints the proposal and changes nothing (no Slack token needed). Without a flag the
proposal is stored and sent to the HR admins' DMs with Approve / Discard buttons. `--yes`
approves it at once (for automation); the worker then sends the introductions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.rounds import proposal_message
from bot.config import Settings
from bot.db import create_engine, create_sessionmaker
from bot.delivery.outbox import enqueue
from bot.services import rounds
from bot.services.errors import RotnemError
from bot.services.program import defaults_from
from models import Workspace


class UsageError(Exception):
    """Bad usage: the message says what to type instead (exit code 2)."""


@dataclass(frozen=True)
class Outcome:
    text: str
    code: int = 0


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """A plain-text table with columns padded to their widest cell."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(header)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(str(c).ljust(widths[i]) for i, c in enumerate(row)).rstrip() for row in rows
    ]
    return "\n".join(lines)


def render(proposal: rounds.Proposal) -> str:
    names = proposal.names

    def who(user_id: str) -> str:
        name = names.get(user_id)
        return f"{name} ({user_id})" if name and name != user_id else user_id

    parts = [f"{len(proposal.pairs)} pair(s), {len(proposal.unmatched)} without a partner"]
    if proposal.pairs:
        rows = [(who(p.guide), who(p.learner), p.explanation) for p in proposal.pairs]
        parts += ["", table(rows, ("Guide", "Learner", "Why"))]
    if proposal.unmatched:
        unmatched = [(who(u.user_id), u.reason) for u in proposal.unmatched]
        parts += ["", table(unmatched, ("Without a partner", "Why"))]
    return "\n".join(parts)


async def _team(session: AsyncSession, team: str | None) -> str:
    if team:
        return team
    teams = list(await session.scalars(select(Workspace.team_id).order_by(Workspace.team_id)))
    if len(teams) == 1:
        return teams[0]
    if not teams:
        raise UsageError("No workspace has used the bot yet, so there is nobody to pair.")
    raise UsageError(f"Several workspaces use this bot: add --team (one of {', '.join(teams)}).")


async def run_pair(
    settings: Settings,
    *,
    dry_run: bool,
    yes: bool,
    team: str | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Propose (and with `yes` approve) a round; the text to print and the exit code."""
    moment = now or datetime.now(UTC)
    defaults = defaults_from(settings)
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine).begin() as session:
            team_id = await _team(session, team)
            proposal = await rounds.propose_round(
                session,
                team_id,
                now=moment,
                defaults=defaults,
                proposed_by=None,
                store=not dry_run,
            )
            text = render(proposal)
            if dry_run:
                return Outcome(text + "\n\nDry run: nothing was stored or sent.")
            if yes:
                approval = await rounds.approve_round(
                    session,
                    team_id,
                    proposal.round_id,
                    approver=None,
                    now=moment,
                    defaults=defaults,
                    zone=settings.zone,
                )
                return Outcome(
                    f"{text}\n\nApproved round {approval.round_id}: {len(approval.pairs)} "
                    f"introduction(s) queued, {len(approval.waitlisted)} on the waitlist; the "
                    f"cycle ends on {approval.ends_on.isoformat()}. A running `rotnem serve` or "
                    "`rotnem worker` sends them."
                )
            for admin in sorted(settings.rotnem_admins):
                await enqueue(
                    session,
                    team_id=team_id,
                    dedupe_key=f"proposal:{proposal.round_id}:{admin}",
                    kind=rounds.KIND_PROPOSAL,
                    message=proposal_message(proposal),
                    channel=admin,
                    now=moment,
                )
            where = (
                "sent to the HR admins' DMs to approve"
                if settings.rotnem_admins
                else "stored; no ROTNEM_ADMINS are set to approve it in Slack"
            )
            return Outcome(
                f"{text}\n\nProposal {proposal.round_id} {where}. Or approve it now with "
                "`rotnem pair --yes` (which computes a fresh proposal)."
            )
    except UsageError as exc:
        return Outcome(str(exc), 2)
    except RotnemError as exc:
        return Outcome(exc.message, 1)
    finally:
        await engine.dispose()

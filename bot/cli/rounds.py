"""`rotnem pair [--dry-run | --yes] [--team T…]`: a pairing round from the command line.

`--dry-run` prints the proposal and changes nothing (no Slack token needed). Without a flag the
proposal is stored and sent to the HR admins' DMs with Approve / Discard buttons, through the
same service as the automatic proposal at a cycle's end. `--yes` approves it at once (for
automation); the worker then sends the introductions.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable

from bot.cli.common import EXIT_REFUSED, EXIT_USAGE, Outcome, UsageError, choose_team, table
from bot.cli.database import Schema, prepare_database
from bot.config import Settings
from bot.deps import one_off_deps
from bot.explain import explanation_or, reason_or
from bot.i18n import speaking
from bot.services.errors import RotnemError
from bot.services.program.settings import defaults_from
from bot.services.rounds.approve import approve_round
from bot.services.rounds.propose import Proposal, propose_round, send_proposal


def pair(settings: Settings, args: argparse.Namespace) -> int:
    prepare_database(settings, Schema.UPGRADE)
    outcome = asyncio.run(run_pair(settings, dry_run=args.dry_run, yes=args.yes, team=args.team))
    return outcome.print()


def render(proposal: Proposal) -> str:
    """The proposal as two plain-text tables: pairs with why, and who has no partner and why."""
    names = proposal.names

    def who(user_id: str) -> str:
        name = names.get(user_id)
        return f"{name} ({user_id})" if name and name != user_id else user_id

    parts = [f"{len(proposal.pairs)} pair(s), {len(proposal.unmatched)} without a partner"]
    with speaking("en"):  # operators read English
        parts += _tables(proposal, who)
    return "\n".join(parts)


def _tables(proposal: Proposal, who: Callable[[str], str]) -> list[str]:
    parts: list[str] = []
    if proposal.pairs:
        rows = [
            (who(p.guide), who(p.learner), explanation_or(p.why, p.explanation))
            for p in proposal.pairs
        ]
        parts += ["", table(rows, ("Guide", "Learner", "Why"))]
    if proposal.unmatched:
        unmatched = [
            (who(u.user_id), reason_or(u.why, u.hr_reason, hr=True)) for u in proposal.unmatched
        ]
        parts += ["", table(unmatched, ("Without a partner", "Why"))]
    return parts


async def run_pair(settings: Settings, *, dry_run: bool, yes: bool, team: str | None) -> Outcome:
    """Propose (and with `yes` approve) a round; the text to print and the exit code."""
    defaults = defaults_from(settings)
    async with one_off_deps(settings) as deps, deps.sessionmaker.begin() as session:
        now = deps.clock.now()
        try:
            team_id = await choose_team(session, team)
            proposal = await propose_round(
                session, team_id, now=now, defaults=defaults, proposed_by=None, store=not dry_run
            )
            text = render(proposal)
            if dry_run:
                return Outcome(text + "\n\nDry run: nothing was stored or sent.")
            if yes:
                approval = await approve_round(
                    session,
                    team_id,
                    proposal.round_id,
                    approver=None,
                    now=now,
                    defaults=defaults,
                    zone=settings.zone,
                )
                return Outcome(
                    f"{text}\n\nApproved round {approval.round_id}: {len(approval.pairs)} "
                    f"introduction(s) queued, {len(approval.waitlisted)} on the waitlist; the "
                    f"cycle ends on {approval.ends_on.isoformat()}. A running `rotnem serve` or "
                    "`rotnem worker` sends them."
                )
            await send_proposal(session, team_id, proposal, admins=settings.rotnem_admins, now=now)
        except UsageError as exc:
            return Outcome(str(exc), EXIT_USAGE)
        except RotnemError as exc:
            return Outcome(exc.message, EXIT_REFUSED)
    where = (
        "sent to the HR admins' DMs to approve"
        if settings.rotnem_admins
        else "stored; no ROTNEM_ADMINS are set to approve it in Slack"
    )
    return Outcome(
        f"{text}\n\nProposal {proposal.round_id} {where}. Or approve it now with "
        "`rotnem pair --yes` (which computes a fresh proposal)."
    )

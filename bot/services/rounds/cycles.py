"""The first session of a pair, and the end of a cycle."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.outbox import enqueue
from bot.i18n import _
from bot.services.errors import NoActivePair, NotAllowed
from bot.services.notices import Notice
from bot.services.program.settings import ProgramConfig, program_config
from bot.services.rounds import loading
from bot.services.rounds.ending import end_pairs
from bot.services.rounds.manual import current_cycle
from bot.services.rounds.propose import Proposal, propose_round, send_proposal
from models import EndReason, Pair, Round, RoundStatus, State


class CycleEndNotice(Notice):
    """Thanks at the end of a cycle, and "continue into the next one?"."""

    kind: ClassVar[str] = "cycle_end"

    round_id: int
    partners: tuple[str, ...]
    cycle_weeks: int


async def mark_first_session(
    session: AsyncSession, team_id: str, pair_id: int, user_id: str, *, now: datetime
) -> bool:
    """Record that the pair scheduled its first session; False if it was already recorded.

    Only the pair's two people may record it (NotAllowed otherwise).
    """
    pair = await session.get(Pair, pair_id)
    if pair is None or pair.team_id != team_id:
        raise NoActivePair(_("That pair doesn't exist any more."))
    members = await loading.people(
        session, team_id, participant_ids=[pair.guide_id, pair.learner_id]
    )
    if user_id not in members:
        raise NotAllowed(_("Only the two people of this pair can record their first session."))
    result = await session.execute(
        update(Pair)
        .where(Pair.id == pair_id, Pair.first_session_scheduled_at.is_(None))
        .values(first_session_scheduled_at=now, first_session_marked_by=user_id)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class CycleEnd:
    """A cycle that ended, and the next round proposed with it (if any)."""

    round_id: int
    team_id: str
    ended_pairs: int
    proposal: Proposal | None


async def end_due_cycles(
    session: AsyncSession,
    *,
    now: datetime,
    defaults: ProgramConfig,
    zone: ZoneInfo,
    admins: Iterable[str] = (),
) -> list[CycleEnd]:
    """End every cycle whose end date has come: pairs end ("cycle ended"), each person is thanked
    and asked about the next cycle; with `auto_propose_next_round`, admins get the next proposal.

    Safe to run twice or in two processes: a round is claimed by setting `ended_at` only where
    it is still empty, and every message has a dedupe key.
    """
    today = now.astimezone(zone).date()
    due = (
        await session.scalars(
            select(Round)
            .where(
                Round.status == RoundStatus.APPROVED,
                Round.ended_at.is_(None),
                Round.ends_on <= today,
            )
            .order_by(Round.id)
            .with_for_update(skip_locked=True)
        )
    ).all()
    outcomes: list[CycleEnd] = []
    teams_done: set[str] = set()
    # A re-pair round ends with the cycle it joined: each person is thanked once per cycle end,
    # naming every partner they had in it.
    ended_together: dict[tuple[str, date], list[tuple[Round, list[Pair]]]] = {}
    for round_ in due:
        claimed = await session.execute(
            update(Round)
            .where(Round.id == round_.id, Round.ended_at.is_(None))
            .values(ended_at=now)
            .execution_options(synchronize_session=False)
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]
            continue
        pairs = list(
            (
                await session.scalars(
                    select(Pair)
                    .where(Pair.round_id == round_.id, Pair.ended_at.is_(None))
                    .order_by(Pair.id)
                )
            ).all()
        )
        ended = await end_pairs(
            session, pairs, reason=EndReason.CYCLE_ENDED, now=now, ended_by=None
        )
        assert round_.ends_on is not None, "a due round has its end date"
        ended_together.setdefault((round_.team_id, round_.ends_on), []).append((round_, ended))
        outcomes.append(CycleEnd(round_.id, round_.team_id, len(ended), None))
        teams_done.add(round_.team_id)
    for (team_id, ends_on), rounds in ended_together.items():
        await _thank(session, team_id, ends_on, rounds, now=now, defaults=defaults)
    for team_id in sorted(teams_done):
        config = await program_config(session, team_id, defaults)
        if not config.auto_propose_next_round:
            continue
        if await current_cycle(session, team_id, today) is not None:
            continue
        proposal = await propose_round(
            session, team_id, now=now, defaults=defaults, proposed_by=None
        )
        await send_proposal(session, team_id, proposal, admins=admins, now=now, automatic=True)
        outcomes = [
            CycleEnd(
                o.round_id,
                o.team_id,
                o.ended_pairs,
                proposal if o.team_id == team_id else o.proposal,
            )
            for o in outcomes
        ]
    return outcomes


async def _thank(
    session: AsyncSession,
    team_id: str,
    ends_on: date,
    rounds: Sequence[tuple[Round, Sequence[Pair]]],
    *,
    now: datetime,
    defaults: ProgramConfig,
) -> None:
    """One DM per person of the cycle: thanks, their partners, and "continue?" buttons."""
    pairs = [pair for _round, ended in rounds for pair in ended]
    ids = {p.guide_id for p in pairs} | {p.learner_id for p in pairs}
    people = {
        p.participant_id: p
        for p in (await loading.people(session, team_id, participant_ids=ids)).values()
    }
    partners: dict[int, list[str]] = {}
    first_round: dict[int, int] = {}
    for round_, ended in sorted(rounds, key=lambda item: item[0].id):
        for pair in ended:
            for one, other in ((pair.guide_id, pair.learner_id), (pair.learner_id, pair.guide_id)):
                partners.setdefault(one, []).append(people[other].user_id)
                first_round.setdefault(one, round_.id)
    config = await program_config(session, team_id, defaults)
    for participant_id, others in sorted(partners.items()):
        person = people[participant_id]
        if person.state == State.LEFT:
            continue
        await enqueue(
            session,
            team_id=team_id,
            dedupe_key=f"cycle-end:{ends_on.isoformat()}:{person.user_id}",
            notice=CycleEndNotice(
                round_id=first_round[participant_id],
                partners=tuple(dict.fromkeys(others)),
                cycle_weeks=config.cycle_weeks,
            ),
            channel=person.user_id,
            now=now,
        )

"""Pair fit: after a pair's first reported session each person is asked privately "How is the
fit?"; a "Not a good fit" goes to HR privately, who keep the pair or ask for a re-pair.

Answers are private: HR's alert names the pair and who answered, the partner is never told. A
person may change their answer on the same message until HR has followed up on the pair (then
it stays) or the pair has ended. HR's follow-up is claimed once per pair with
`UPDATE … WHERE handled_at IS NULL`, so a double click (or two admins) acts once.

A re-pair is a round of its own (source "repair") that HR approves like any round: the matching
engine proposes a new partner for each of the two from the people waiting for one (active and
unpaired: the waitlisted and the not yet matched), under every hard rule, with the old pair
forbidden outright and other past partners only as a last resort. Approving it ends the old pair
kindly (`bot.services.rounds.approve`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import pairing
from bot.db import insert_many_ignoring_duplicates
from bot.delivery.outbox import Outgoing, enqueue_many, enqueue_to_each
from bot.i18n import _
from bot.services.errors import AlreadyDecided, Conflict, InvalidInput, NotAllowed, NotFound
from bot.services.notices import AfterSend, Notice, remember_message
from bot.services.program.settings import ProgramConfig, hr_recipients, program_config
from bot.services.rounds import loading
from bot.services.rounds.propose import (
    Proposal,
    ProposedPair,
    Replaced,
    Unplaced,
    send_proposal,
    store_proposal,
)
from bot.services.rounds.queries import user_ids
from models import FitAnswer, FitCheck, Pair, PairSession, Round, RoundSource, State

# The engine pairs the two with people waiting for a partner, never those among themselves:
# each such pair is excluded, so their number is bounded (the longest waiting come first).
MAX_CANDIDATES = 200


class FitNotice(Notice):
    """ "How is the fit?" to one person of a pair, after its first reported session."""

    kind: ClassVar[str] = "fit"

    fit_id: int
    partner: str


@dataclass(frozen=True)
class FitAlert:
    """A "Not a good fit" as HR sees it: the pair, who answered (never why), who followed up."""

    pair_id: int
    guide: str
    learner: str
    said_by: str
    handled_by: str | None = None
    handling: str | None = None  # "repair" or "keep", once handled


class FitAlertNotice(Notice):
    """To each HR admin: someone of a pair answered "Not a good fit"; Re-pair / Keep the pair."""

    kind: ClassVar[str] = "fit_alert"

    alert: FitAlert


class FitClosed(AlreadyDecided):
    """The fit question can't be answered any more: HR followed up, or the pair ended."""


class FitNotFound(NotFound):
    """No such fit question (or pair) in this workspace."""


remember_fit_message: AfterSend[FitNotice] = remember_message(
    FitCheck, lambda notice: notice.fit_id
)


async def ask_fit(session: AsyncSession, team_id: str, pair_id: int, *, now: datetime) -> int:
    """Ask both people of the pair "How is the fit?" if it has exactly one session (its first);
    each person once, ever. How many were asked."""
    sessions = await session.scalar(
        select(func.count()).select_from(PairSession).where(PairSession.pair_id == pair_id)
    )
    pair = await session.get(Pair, pair_id)
    if sessions != 1 or pair is None or pair.ended_at is not None:
        return 0
    people = (pair.guide_id, pair.learner_id)
    written = await insert_many_ignoring_duplicates(
        session,
        FitCheck,
        [
            {"team_id": team_id, "pair_id": pair_id, "participant_id": pid, "asked_at": now}
            for pid in people
        ],
        returning=(FitCheck.id, FitCheck.participant_id),
    )
    users = await user_ids(session, people)
    partner = {pair.guide_id: users[pair.learner_id], pair.learner_id: users[pair.guide_id]}
    outgoing = [
        Outgoing(
            dedupe_key=f"fit:{pair_id}:{pid}",
            notice=FitNotice(fit_id=fit_id, partner=partner[pid]),
            channel=users[pid],
        )
        for fit_id, pid in written
    ]
    return await enqueue_many(session, team_id, outgoing, now=now)


@dataclass(frozen=True)
class FitView:
    """One person's fit question as they see it: their partner and answer."""

    fit_id: int
    partner: str
    answer: str | None
    channel: str | None = None
    ts: str | None = None


async def _handled(session: AsyncSession, pair_id: int) -> str | None:
    """Who followed up on the pair's fit (None if nobody yet)."""
    query = select(FitCheck.handled_by).where(
        FitCheck.pair_id == pair_id, FitCheck.handled_at.is_not(None)
    )
    return (await session.scalars(query.limit(1))).first()


async def answer_fit(
    session: AsyncSession,
    team_id: str,
    fit_id: int,
    user_id: str,
    answer: str,
    *,
    now: datetime,
    admins: Iterable[str],
) -> FitView:
    """Record (or change) the person's answer (a `FitAnswer` value); "Not a good fit" alerts HR
    (once per person)."""
    if answer not in set(FitAnswer):
        raise InvalidInput(_("Pick one of the three answers."))
    row = (
        await session.execute(
            select(FitCheck, Pair)
            .join(Pair, Pair.id == FitCheck.pair_id)
            .where(FitCheck.id == fit_id, FitCheck.team_id == team_id)
        )
    ).one_or_none()
    if row is None:
        raise FitNotFound(_("I can't find that question any more."))
    fit, pair = row
    users = await user_ids(session, (pair.guide_id, pair.learner_id))
    if users[fit.participant_id] != user_id:
        raise NotAllowed(_("This question is someone else's, so I left it as it was."))
    other = pair.learner_id if fit.participant_id == pair.guide_id else pair.guide_id
    view = FitView(fit.id, users[other], answer, fit.channel, fit.ts)
    if pair.ended_at is not None:
        raise FitClosed(_("This pair has ended, so there's nothing to answer any more."), "ended")
    changed = await session.execute(
        update(FitCheck)
        .where(FitCheck.id == fit_id, FitCheck.handled_at.is_(None))
        .values(answer=answer, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    if not changed.rowcount:  # type: ignore[attr-defined]
        raise FitClosed(
            _(
                "HR has already followed up on how your pair is going, so your answer stays as "
                "it was. You can always write to HR directly."
            ),
            "handled",
        )
    if answer == FitAnswer.BAD:
        alert = FitAlert(pair.id, users[pair.guide_id], users[pair.learner_id], user_id)
        await enqueue_to_each(
            session,
            team_id=team_id,
            dedupe_key=f"fit-bad:{fit_id}",
            notice=FitAlertNotice(alert=alert),
            users=await hr_recipients(session, team_id, admins),
            now=now,
        )
    return view


# ---- HR's follow-up -----------------------------------------------------------------------


async def _claim(
    session: AsyncSession, team_id: str, pair_id: int, *, admin: str, handling: str, now: datetime
) -> tuple[Pair, FitAlert]:
    """Take the pair's follow-up for `admin` (once): the pair, and the alert as handled."""
    pair = await session.get(Pair, pair_id, populate_existing=True)
    if pair is None or pair.team_id != team_id:
        raise FitNotFound(_("I can't find that pair any more."))
    if pair.ended_at is not None:
        raise FitClosed(_("This pair has already ended, so nothing changed."), "ended")
    users = await user_ids(session, (pair.guide_id, pair.learner_id))
    bad = (
        await session.scalars(
            select(FitCheck.participant_id)
            .where(FitCheck.pair_id == pair_id, FitCheck.answer == FitAnswer.BAD)
            .order_by(FitCheck.participant_id)
        )
    ).first()
    claimed = await session.execute(
        update(FitCheck)
        .where(FitCheck.pair_id == pair_id, FitCheck.handled_at.is_(None))
        .values(handled_by=admin, handled_at=now)
        .execution_options(synchronize_session=False)
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]
        raise FitClosed(
            _("An admin already followed up on this pair, so nothing changed."), "handled"
        )
    if bad is None:
        raise Conflict(
            _(
                "Neither of them says “Not a good fit” any more (an answer was changed), so "
                "nothing changed."
            )
        )
    alert = FitAlert(
        pair.id, users[pair.guide_id], users[pair.learner_id], users[bad], admin, handling
    )
    return pair, alert


async def keep_pair(
    session: AsyncSession, team_id: str, pair_id: int, *, admin: str, now: datetime
) -> FitAlert:
    """HR keeps the pair as it is; nobody is told anything."""
    _pair, alert = await _claim(session, team_id, pair_id, admin=admin, handling="keep", now=now)
    return alert


@dataclass(frozen=True)
class Repair:
    """HR's re-pair: the alert as it is now, and the proposal sent to the admins."""

    alert: FitAlert
    proposal: Proposal


async def repair_pair(
    session: AsyncSession,
    team_id: str,
    pair_id: int,
    *,
    admin: str,
    now: datetime,
    defaults: ProgramConfig,
    admins: Iterable[str],
) -> Repair:
    """Propose a new partner for each of the pair's two people (a round HR approves, which ends
    the old pair); the proposal goes to the admins' DMs like any round's."""
    pair, alert = await _claim(session, team_id, pair_id, admin=admin, handling="repair", now=now)
    proposal = await propose_repair(session, team_id, pair, now=now, defaults=defaults, by=admin)
    await send_proposal(session, team_id, proposal, admins=admins, now=now)
    return Repair(alert, proposal)


def _unavailable(person: loading.Person, now: datetime) -> str:
    """Why one of a pair to re-pair has no place this time (a reason code of `bot.explain`)."""
    if person.state == State.LEFT:
        return "left"
    if not person.available(now):
        return "paused"
    return "in_pair"  # still in another pair, with no room for one more


async def propose_repair(
    session: AsyncSession,
    team_id: str,
    pair: Pair,
    *,
    now: datetime,
    defaults: ProgramConfig,
    by: str | None,
) -> Proposal:
    """A re-pair round (stored as proposed): the engine's best partners for the two people of
    `pair` among those waiting for one, or why there are none."""
    config = await program_config(session, team_id, defaults)
    round_ = await session.get(Round, pair.round_id)
    assert round_ is not None and round_.ends_on is not None
    people = await loading.people(session, team_id)
    # As if the old pair had ended already: approving ends it.
    load = loading.Load.of(
        p for p in await loading.active_pair_rows(session, team_id) if p.id != pair.id
    )
    ids = (pair.guide_id, pair.learner_id)
    two = [p for p in people.values() if p.participant_id in ids]
    waiting = sorted(
        (
            p
            for p in people.values()
            if p.available(now)
            and not p.guest  # as a round: a guest account starts no new pair
            and p.participant_id not in load.learning
            and p.participant_id not in load.guiding
            and p.participant_id not in ids
        ),
        key=lambda p: (p.waitlisted_since is None, p.waitlisted_since or now, p.participant_id),
    )
    unplaced: list[Unplaced] = []
    engine_two: list[pairing.Participant] = []
    for person in two:
        engine_person = loading.engine_person(person, load, now) if person.available(now) else None
        if engine_person is None:
            why = pairing.Reason(_unavailable(person, now), person.name)
            unplaced.append(Unplaced(person.user_id, "unavailable", why))
        else:
            engine_two.append(engine_person)
    candidates = [
        c
        for person in waiting
        if (c := loading.engine_person(person, load, now)) is not None
        and any(_may_pair(c, one, config.require_shared_tool) for one in engine_two)
    ][:MAX_CANDIDATES]
    request = await loading.rules_request(
        session, team_id, [*engine_two, *candidates], require_shared_tool=config.require_shared_tool
    )
    # Only pairs with one of the two: the waiting may not pair among themselves here, and the
    # old pair is excluded outright (not merely a repeat).
    forbidden = [(a.id, b.id) for a, b in itertools.combinations(candidates, 2)]
    forbidden += [(a.id, b.id) for a, b in itertools.combinations(engine_two, 2)]
    request = dataclasses.replace(
        request, exclusions=(*request.exclusions, *(pairing.Exclusion(a, b) for a, b in forbidden))
    )
    seed = int(now.timestamp())
    match_config = pairing.MatchConfig(tz_mode=config.tz_preference)
    result = await asyncio.to_thread(pairing.match, request, seed, match_config)
    reasons = {u.person_id: u for u in result.unmatched}
    for one in engine_two:
        if one.id in reasons:
            has_candidate = any(_may_pair(c, one, config.require_shared_tool) for c in candidates)
            engine = reasons[one.id]
            why = (
                engine.why
                if has_candidate
                else _nobody_waiting(one, bool(waiting), config.require_shared_tool)
            )
            unplaced.append(Unplaced(one.id, engine.code, why))
    replaced = Replaced(
        pair_id=pair.id,
        guide=next(p.user_id for p in two if p.participant_id == pair.guide_id),
        learner=next(p.user_id for p in two if p.participant_id == pair.learner_id),
        ends_on=round_.ends_on,
    )
    proposal = Proposal(
        round_id=0,
        pairs=tuple(ProposedPair.of(p) for p in result.pairs),
        unmatched=tuple(sorted(unplaced, key=lambda u: u.user_id)),
        names={p.id: p.name for p in (*engine_two, *candidates)},
        proven_optimal=result.proven_optimal,
        cycle_weeks=config.cycle_weeks,
        replaced=replaced,
    )
    return await store_proposal(
        session,
        team_id,
        proposal,
        source=RoundSource.REPAIR,
        seed=seed,
        tz_mode=config.tz_preference,
        proposed_by=by,
        now=now,
    )


def _may_pair(a: pairing.Participant, b: pairing.Participant, shared_tool: bool) -> bool:
    """Whether one could guide the other by role (and by tools when the program requires a
    shared one); the other rules are the engine's."""
    return any(
        guide.role != "learner"
        and learner.role != "guide"
        and (not shared_tool or bool(guide.teaches & learner.learns))
        for guide, learner in ((a, b), (b, a))
    )


def _nobody_waiting(
    person: pairing.Participant, anyone_waiting: bool, shared_tool: bool
) -> pairing.Reason:
    """Why nobody waiting can be `person`'s partner (written when shown, see `bot.explain`)."""
    if not anyone_waiting:
        return pairing.Reason("nobody_waiting", person.name, person.role)
    if not shared_tool:
        # Tools are a preference then: only the role can rule everyone out.
        return pairing.Reason("no_waiting_partner", person.name, person.role)
    return pairing.Reason(
        "no_waiting_overlap",
        person.name,
        person.role,
        learns=tuple(sorted(person.learns)),
        teaches=tuple(sorted(person.teaches)),
    )

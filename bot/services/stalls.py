"""Stalled pairs: no reported session for N consecutive weeks (a program setting) makes a pair
"at risk"; HR admins get one DM per stall, with buttons to nudge the pair or talk to each.

A stall is named by the week its silence started (the week after the last session, or the
pair's first week): `stall_alerts` is unique per pair and that week, so the alert is never
repeated for the same stall, and a pair that meets and then stalls again is a new stall.
Weeks are ISO weeks in the program's zone. Pairs with someone paused are not alerted, and the
weeks a pair was paused (its weekly prompt skipped for a pause) are not silent weeks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db import chunks, insert_many_ignoring_duplicates
from bot.delivery.outbox import Outgoing, enqueue, enqueue_many
from bot.i18n import _
from bot.services.calendar import add_weeks, iso_week, week_monday, weeks_between
from bot.services.checkins import last_answers
from bot.services.enrollment.queries import is_paused
from bot.services.errors import Conflict, NotFound
from bot.services.notices import Notice
from bot.services.program.settings import ProgramConfig, hr_recipients
from bot.services.rounds.queries import PairPeople
from models import OutboxMessage, Pair, PairSession, Participant, StallAlert, WeeklyPrompt
from models.prompts import PAUSED_WEEK_SQL


@dataclass(frozen=True)
class StallView:
    """A stall as HR sees it: who, since when, and each person's latest check-in answer."""

    alert_id: int
    guide: str
    learner: str
    since: date
    silent_weeks: int
    # (user, week, status) of each person's latest check-in
    answers: tuple[tuple[str, str, str], ...] = ()


class StallAlertNotice(Notice):
    """To each HR admin, once per stall, with Nudge / Talk buttons."""

    kind: ClassVar[str] = "stall_alert"

    view: StallView


class StallNudgeNotice(Notice):
    """A friendly nudge in the pair's group DM (it says nothing of HR's alert)."""

    kind: ClassVar[str] = "stall_nudge"

    guide: str
    learner: str


class StallTalkNotice(Notice):
    """Opens a conversation between an HR admin and one person of a stalled pair."""

    kind: ClassVar[str] = "stall_talk"

    admin: str
    person: str


@dataclass(frozen=True)
class AtRisk:
    """A pair without a reported session for the program's stall weeks."""

    pair_id: int
    guide: str
    learner: str
    stall_started_week: str
    silent_weeks: int

    @property
    def since(self) -> date:
        return week_monday(self.stall_started_week)


async def paused_weeks(
    session: AsyncSession, pair_ids: Sequence[int], cadence_weeks: int
) -> dict[int, set[str]]:
    """The weeks each pair was paused: a prompt skipped because someone (or the program) was
    paused excuses its whole cadence — with prompts every two weeks, a pause over a prompt week
    covers the week after it too, which has no prompt of its own. Read through the partial
    index: a few rows, not each pair's year of prompts."""
    weeks: dict[int, set[str]] = defaultdict(set)
    for part in chunks(list(pair_ids)):
        rows = await session.execute(
            select(WeeklyPrompt.pair_id, WeeklyPrompt.iso_week).where(
                WeeklyPrompt.pair_id.in_(part), text(PAUSED_WEEK_SQL)
            )
        )
        for pair_id, week in rows.all():
            weeks[pair_id].update(add_weeks(week, n) for n in range(cadence_weeks))
    return weeks


def silent_weeks(start: str, current: str, paused: set[str]) -> int:
    """Complete weeks from `start` to `current` without a session, less those paused."""
    return weeks_between(start, current) - sum(1 for week in paused if start <= week < current)


async def at_risk_pairs(
    session: AsyncSession, team_id: str, config: ProgramConfig, *, now: datetime, zone: ZoneInfo
) -> list[AtRisk]:
    """Active pairs with no session for `config.stall_weeks` complete weeks or more (pairs with
    someone paused left out)."""
    people = PairPeople()
    # Index-only per pair: the unique (pair_id, iso_week) index answers max(iso_week).
    last_week = (
        select(func.max(PairSession.iso_week))
        .where(PairSession.pair_id == Pair.id)
        .correlate(Pair)
        .scalar_subquery()
    )
    current = iso_week(now.astimezone(zone))
    # A pair whose last session is later than this week has fewer silent weeks than the
    # setting: left in the database (ISO week names sort as weeks do), so most pairs are not read.
    latest_stalled = add_weeks(current, -config.stall_weeks - 1)
    query = (
        people.join(select(Pair.id, Pair.started_at, last_week, *people.availability()))
        .where(
            Pair.team_id == team_id,
            Pair.ended_at.is_(None),
            # One lookup per pair: `IS NULL OR <=` made PostgreSQL run the subquery twice for
            # each of the 10,000 pairs. No session ('') sorts before every week.
            func.coalesce(last_week, "") <= latest_stalled,
        )
        .order_by(Pair.id)
    )
    silent: list[tuple[int, str, str, str, int]] = []
    connection = await session.connection()  # Core rows: no ORM processing for every pair
    for row in (await connection.execute(query)).all():
        pair_id, started_at, last, g_user, g_state, g_until, l_user, l_state, l_until = row
        start = add_weeks(last, 1) if last else iso_week(started_at.astimezone(zone))
        weeks = weeks_between(start, current)
        if weeks < config.stall_weeks:
            continue
        if is_paused(g_state, g_until, now) or is_paused(l_state, l_until, now):
            continue
        silent.append((pair_id, g_user, l_user, start, weeks))
    # Paused weeks only for the pairs silent long enough to matter: a few, not every pair.
    paused = await paused_weeks(
        session, [pair_id for pair_id, *_others in silent], config.cadence_weeks
    )
    risks = [
        AtRisk(pair_id, guide, learner, start, silent_weeks(start, current, paused[pair_id]))
        for pair_id, guide, learner, start, _weeks in silent
    ]
    return [risk for risk in risks if risk.silent_weeks >= config.stall_weeks]


async def open_stalls(
    session: AsyncSession, team_id: str, config: ProgramConfig, *, now: datetime, zone: ZoneInfo
) -> list[AtRisk]:
    """Stalls HR was alerted about that still last: the pair runs and has reported no session
    since the stall began. Reads the alerts (a few rows), not every pair's history."""
    guide, learner = aliased(Participant), aliased(Participant)
    met_since = (
        select(PairSession.id)
        .where(
            PairSession.pair_id == StallAlert.pair_id,
            PairSession.iso_week >= StallAlert.stall_started_week,
        )
        .exists()
    )
    query = (
        select(StallAlert.pair_id, guide.user_id, learner.user_id, StallAlert.stall_started_week)
        .join(Pair, Pair.id == StallAlert.pair_id)
        .join(guide, guide.id == Pair.guide_id)
        .join(learner, learner.id == Pair.learner_id)
        .where(StallAlert.team_id == team_id, Pair.ended_at.is_(None), ~met_since)
        .order_by(StallAlert.stall_started_week, StallAlert.pair_id)
    )
    current = iso_week(now.astimezone(zone))
    stalls = (await session.execute(query)).all()
    paused = await paused_weeks(
        session, [pair_id for pair_id, *_others in stalls], config.cadence_weeks
    )
    return [
        AtRisk(pair_id, g, lrn, week, silent_weeks(week, current, paused[pair_id]))
        for pair_id, g, lrn, week in stalls
    ]


def _view(alert_id: int, risk: AtRisk, answers: Iterable[tuple[str, str, str]]) -> StallView:
    return StallView(
        alert_id=alert_id,
        guide=risk.guide,
        learner=risk.learner,
        since=risk.since,
        silent_weeks=risk.silent_weeks,
        answers=tuple(answers),
    )


async def detect_stalls(
    session: AsyncSession,
    team_id: str,
    config: ProgramConfig,
    *,
    now: datetime,
    zone: ZoneInfo,
    admins: Iterable[str],
) -> int:
    """Alert HR admins (and the program's managers) about every new stall; how many stalls were
    new. None while the program is paused: a holiday break is not a stall."""
    if config.paused_on(now.astimezone(zone).date()):
        return 0
    admins = await hr_recipients(session, team_id, admins)
    risks = await at_risk_pairs(session, team_id, config, now=now, zone=zone)
    if not risks:
        return 0
    rows = [
        {
            "team_id": team_id,
            "pair_id": risk.pair_id,
            "stall_started_week": risk.stall_started_week,
            "since": datetime.combine(risk.since, time(0), tzinfo=UTC),
            "created_at": now,
        }
        for risk in risks
    ]
    written = await insert_many_ignoring_duplicates(
        session, StallAlert, rows, returning=(StallAlert.id, StallAlert.pair_id)
    )
    if not written:
        return 0
    by_pair = {risk.pair_id: risk for risk in risks}
    answers = await last_answers(session, [int(row[1]) for row in written])
    # One multi-row INSERT per 500 messages (one `enqueue` per alert and admin took seconds
    # for a first run with a thousand stalls); the same rows and keys.
    outgoing: list[Outgoing] = []
    for alert_id, pair_id in (tuple(r) for r in written):
        risk = by_pair[pair_id]
        notice = StallAlertNotice(view=_view(alert_id, risk, answers.get(pair_id, ())))
        outgoing.extend(
            Outgoing(
                dedupe_key=f"stall:{pair_id}:{risk.stall_started_week}:{admin}",
                notice=notice,
                channel=admin,
            )
            for admin in admins
        )
    await enqueue_many(session, team_id, outgoing, now=now)
    return len(written)


class StallAlertNotFound(NotFound):
    """No such stall alert in this workspace."""


@dataclass(frozen=True)
class StallAction:
    """What a click on a stall alert did, and the alert to show now."""

    view: StallView
    done: dict[str, str]
    already: bool


async def _alert(
    session: AsyncSession, team_id: str, alert_id: int
) -> tuple[StallAlert, Pair, str, str]:
    """The alert, its pair and the pair's two people (guide, learner)."""
    alert = await session.get(StallAlert, alert_id)
    if alert is None or alert.team_id != team_id:
        raise StallAlertNotFound(_("I can't find that alert any more."))
    pair = await session.get(Pair, alert.pair_id)
    assert pair is not None, "an alert's pair is never deleted (ON DELETE CASCADE)"
    query = select(Participant.id, Participant.user_id).where(
        Participant.id.in_([pair.guide_id, pair.learner_id])
    )
    users = {pid: user for pid, user in (await session.execute(query)).all()}
    return alert, pair, users[pair.guide_id], users[pair.learner_id]


async def act_on_stall(
    session: AsyncSession,
    team_id: str,
    alert_id: int,
    config: ProgramConfig,
    *,
    action: str,
    admin: str,
    now: datetime,
    zone: ZoneInfo,
) -> StallAction:
    """ "Nudge them" (a friendly message in the pair's group DM) or "Talk to them" (a
    conversation between the admin and each person); each once per stall."""
    alert, pair, guide, learner = await _alert(session, team_id, alert_id)
    if pair.ended_at is not None:
        # Both were told their pair ended (a program closed, HR unpaired them …): a nudge now
        # would contradict that.
        raise Conflict(_("That pair has ended since this alert: there is no one to nudge."))
    target: dict[str, Any]
    if action == "nudged":
        target = (
            {"channel": pair.group_channel_id}
            if pair.group_channel_id
            else {"open_users": [guide, learner]}
        )
        new = await enqueue(
            session,
            team_id=team_id,
            dedupe_key=f"stall-nudge:{alert_id}",
            notice=StallNudgeNotice(guide=guide, learner=learner),
            now=now,
            **target,
        )
    elif action == "talked":
        new = False
        for person in (guide, learner):
            new |= await enqueue(
                session,
                team_id=team_id,
                dedupe_key=f"stall-talk:{alert_id}:{person}",
                notice=StallTalkNotice(admin=admin, person=person),
                open_users=[admin, person],
                now=now,
            )
    else:
        raise ValueError(f"unknown stall action {action!r}")
    if new:
        await session.execute(
            update(StallAlert)
            .where(StallAlert.id == alert_id)
            .values(action=action, action_by=admin, action_at=now)
        )
    done = await _done(session, alert_id, guide)
    answers = await last_answers(session, [pair.id])
    risk = AtRisk(
        pair.id,
        guide,
        learner,
        alert.stall_started_week,
        silent_weeks(
            alert.stall_started_week,
            iso_week(now.astimezone(zone)),
            (await paused_weeks(session, [pair.id], config.cadence_weeks))[pair.id],
        ),
    )
    return StallAction(_view(alert_id, risk, answers.get(pair.id, ())), done, already=not new)


async def _done(session: AsyncSession, alert_id: int, guide: str) -> dict[str, str]:
    """Which follow-ups exist for the alert (from the outbox keys), and who did the last one."""
    keys = {f"stall-nudge:{alert_id}": "nudged", f"stall-talk:{alert_id}:{guide}": "talked"}
    rows = await session.execute(
        select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(list(keys)))
    )
    alert = await session.get(StallAlert, alert_id, populate_existing=True)
    who = alert.action_by if alert and alert.action_by else ""
    return {keys[key]: who for key in rows.scalars()}

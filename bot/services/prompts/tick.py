"""The weekly prompt: once per pair and learner-local ISO week, on the program's prompt day and
hour in the learner's own zone, alternating "teach me a tool" and "reverse the mirror", never
repeating a prompt within a pair.

Everything is decided from the database and the clock. A pair's week is claimed by inserting
its `weekly_prompts` row (unique per pair and week) in the transaction that enqueues the
notice (dedupe key `prompt:<pair_id>:<iso-week>`), so a late tick, a restart or two workers
never send twice, and the first tick after downtime sends what is still due this week.

The tick is set-based: per workspace, one query finds the pairs due in every zone at once, then
a few queries load their history (`history`) and the catalogue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import and_, case, exists, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import chunks, insert_many_ignoring_duplicates
from bot.delivery.outbox import Outgoing, enqueue_many
from bot.services.calendar import first_prompt_week, next_prompt_at, on_cadence, prompt_slot
from bot.services.enrollment.queries import is_paused
from bot.services.notices import Notice, Sent
from bot.services.program.settings import ProgramConfig
from bot.services.prompts.catalogue import load_catalogue
from bot.services.prompts.chooser import Catalogue, Choice, PromptDirection, choose_prompt
from bot.services.prompts.history import PairHistory, read_covered_tools, read_histories
from bot.services.rounds import loading
from bot.services.rounds.ending import PROMPT, weekly_key
from bot.services.rounds.queries import PairPeople
from models import Pair, WeeklyPrompt
from models.prompts import SKIPPED_PAUSED

# Due pairs handled per slice (bounds the tick's memory).
PAIRS_PER_BATCH = 1000


class PromptNotice(Notice):
    """This week's prompt in the pair's group DM: "teach me a tool" or "reverse the mirror"."""

    kind: ClassVar[str] = "prompt"

    weekly_prompt_id: int
    pair_id: int
    direction: PromptDirection
    guide: str
    learner: str
    text: str
    exercise: str | None
    tool: str | None
    checkin_days: int
    # One of ours: `text` and `exercise` are the catalogue's English templates, translated and
    # filled with `tool` when the message is rendered. Rows queued before this field: False.
    builtin: bool = False


async def remember_prompt_message(session: AsyncSession, notice: PromptNotice, sent: Sent) -> None:
    """Keep where the prompt landed, and the pair's group DM if the introduction had not yet."""
    await session.execute(
        update(WeeklyPrompt)
        .where(WeeklyPrompt.id == notice.weekly_prompt_id)
        .values(channel=sent.channel, ts=sent.ts)
    )
    await session.execute(
        update(Pair)
        .where(Pair.id == notice.pair_id, Pair.group_channel_id.is_(None))
        .values(group_channel_id=sent.channel)
    )


@dataclass(frozen=True)
class PromptRun:
    """What one run decided: prompts enqueued, and pairs skipped this week (someone paused);
    `quiet_until`: the next prompt instant of any running pair's learner zone, before which
    nothing more comes due unless pairs or people change."""

    sent: int = 0
    skipped: int = 0
    quiet_until: datetime | None = None


@dataclass(frozen=True)
class _Due:
    """A pair whose prompt is due now, with what choosing and addressing it needs."""

    pair_id: int
    guide: str
    learner: str
    guide_id: int
    learner_id: int
    tools: tuple[str, ...]  # "teach me a tool" picks from these: shared, else the guide's
    channel: str | None
    paused: bool
    iso_week: str
    due_at: datetime


async def newest_pair(session: AsyncSession) -> int | None:
    """The highest pair ID of the database (a primary-key lookup): it changes whenever a pair is
    added, which is what could make a prompt due earlier than a run's `quiet_until`."""
    return await session.scalar(select(func.max(Pair.id)))


async def _learner_zones(session: AsyncSession, team_id: str) -> list[str]:
    """The time zones of the learners of the workspace's running pairs."""
    learner = PairPeople().learner
    learner_tz = func.coalesce(learner.tz, "UTC")
    query = (
        select(learner_tz)
        .select_from(Pair)
        .join(learner, learner.id == Pair.learner_id)
        .where(Pair.team_id == team_id, Pair.ended_at.is_(None))
        .distinct()
    )
    return list((await session.scalars(query)).all())


async def _due_pairs(
    session: AsyncSession,
    team_id: str,
    config: ProgramConfig,
    zones: Sequence[str],
    now: datetime,
    *,
    force: bool,
) -> list[_Due]:
    """The pairs due now, earliest prompt first: one query for every zone at once.

    Each learner zone has its own week and prompt instant; the query maps the learner's zone to
    them with CASE, so the active pairs are read once and "has this week's prompt" is one probe
    of the unique (pair_id, iso_week) index per pair (one query per zone read them 12 times).
    """
    people = PairPeople()
    learner_tz = func.coalesce(people.learner.tz, "UTC")
    # Prompts every `cadence_weeks` weeks from each pair's first (`nudge --now` prompts anyway):
    # its earliest prompt week on record, read only at such a cadence (a probe of the unique
    # (pair_id, iso_week) index per pair).
    every = config.cadence_weeks
    first_on_record = (
        select(func.min(WeeklyPrompt.iso_week))
        .where(WeeklyPrompt.pair_id == Pair.id)
        .correlate(Pair)
        .scalar_subquery()
        if every > 1
        else literal(None)
    )
    slots = {}
    for tz in zones:
        slot = prompt_slot(now, tz, config.nudge_weekday, config.nudge_hour)
        if force or slot.prompt_at <= now:
            slots[tz] = slot
    if not slots:
        return []
    weeks = sorted({slot.iso_week for slot in slots.values()})
    # Usually every zone is in the same week; around midnight on Sunday two weeks are, and the
    # IN list still lets the (pair_id, iso_week) index match both columns.
    week_is = WeeklyPrompt.iso_week == weeks[0]
    if len(weeks) > 1:
        week_of = case({tz: slot.iso_week for tz, slot in slots.items()}, value=learner_tz)
        week_is = and_(WeeklyPrompt.iso_week.in_(weeks), WeeklyPrompt.iso_week == week_of)
    already = exists().where(WeeklyPrompt.pair_id == Pair.id, week_is)
    columns = (
        Pair.id,
        Pair.guide_id,
        Pair.learner_id,
        Pair.shared_tools,
        Pair.group_channel_id,
        Pair.started_at,
    )
    query = people.join(
        select(*columns, *people.availability(), first_on_record, learner_tz)
    ).where(Pair.team_id == team_id, Pair.ended_at.is_(None), learner_tz.in_(list(slots)), ~already)
    if not force:
        # A pair introduced after this week's prompt starts next week (`nudge --now` excepted).
        prompt_of = case(
            {
                tz: literal(slot.prompt_at, Pair.__table__.c.started_at.type)
                for tz, slot in slots.items()
            },
            value=learner_tz,
        )
        query = query.where(Pair.started_at <= prompt_of)
    keyed: list[tuple[tuple[str, datetime, int], _Due]] = []
    # Core rows (the connection, not the ORM session): no ORM result processing per row.
    connection = await session.connection()
    for row in (await connection.execute(query)).all():
        (pid, gid, lid, tools, channel, started, *people_columns, first, tz) = row
        (g_user, g_state, g_until, l_user, l_state, l_until) = people_columns
        slot = slots[tz]
        if not force and every > 1:
            first = first or first_prompt_week(started, tz, config.nudge_weekday, config.nudge_hour)
            if not on_cadence(first, slot.iso_week, every):
                continue
        keyed.append(
            (
                (slot.iso_week, slot.prompt_at, pid),
                _Due(
                    pair_id=pid,
                    guide=g_user,
                    learner=l_user,
                    guide_id=gid,
                    learner_id=lid,
                    tools=tuple(tools or ()),
                    channel=channel,
                    paused=config.paused_on(slot.day)
                    or is_paused(g_state, g_until, now)
                    or is_paused(l_state, l_until, now),
                    iso_week=slot.iso_week,
                    due_at=min(slot.prompt_at, now),
                ),
            )
        )
    # By week and prompt instant, then by pair: the order the outbox sends them in.
    keyed.sort(key=lambda item: item[0])
    return await _with_guide_tools(session, team_id, [pair for _, pair in keyed])


async def _with_guide_tools(session: AsyncSession, team_id: str, due: list[_Due]) -> list[_Due]:
    """Pairs without a shared tool learn from the guide's tools (read only for those pairs)."""
    bare = {pair.guide_id for pair in due if not pair.tools}
    if not bare:
        return due
    teaches = await loading.guide_tools(session, team_id, bare)
    return [
        pair if pair.tools else replace(pair, tools=teaches.get(pair.guide_id, ())) for pair in due
    ]


async def enqueue_due_prompts(
    session: AsyncSession,
    team_id: str,
    config: ProgramConfig,
    *,
    now: datetime,
    force: bool = False,
) -> PromptRun:
    """Enqueue this week's prompt for every pair whose prompt time has come and has none yet.

    `force` (`rotnem nudge --now`): every active pair without this week's prompt, now,
    including pairs introduced this week. Pairs with someone paused get nothing this week.
    """
    zones = await _learner_zones(session, team_id)
    quiet_until = min(
        (next_prompt_at(now, tz, config.nudge_weekday, config.nudge_hour) for tz in zones),
        default=None,
    )
    due = await _due_pairs(session, team_id, config, zones, now, force=force)
    if not due:
        return PromptRun(quiet_until=quiet_until)
    catalogue = await load_catalogue(session, team_id)
    sent = skipped = 0
    # A slice at a time: the history, the rows and the messages of 10,000 pairs at once cost
    # ~100 MB; the result is the same rows in the same order, in the caller's transaction.
    for part in chunks(due, PAIRS_PER_BATCH):
        run = await _enqueue_batch(session, team_id, config, part, catalogue, now=now)
        sent, skipped = sent + run.sent, skipped + run.skipped
    return PromptRun(sent=sent, skipped=skipped, quiet_until=quiet_until)


async def _enqueue_batch(
    session: AsyncSession,
    team_id: str,
    config: ProgramConfig,
    due: Sequence[_Due],
    catalogue: Catalogue,
    *,
    now: datetime,
) -> PromptRun:
    connection = await session.connection()
    running = [pair for pair in due if not pair.paused]
    history = await read_histories(connection, [pair.pair_id for pair in running])
    # Coverage only matters to pairs whose turn it is to teach.
    teaching = [
        pair.pair_id
        for pair in running
        if history.get(pair.pair_id, PairHistory()).teaches_next(pair.tools)
    ]
    covered = await read_covered_tools(connection, teaching)
    rows: list[dict[str, Any]] = []
    choices: dict[int, Choice] = {}
    for pair in due:
        choice = None
        if not pair.paused:
            choice = choose_prompt(
                pair.pair_id,
                pair.tools,
                history.get(pair.pair_id, PairHistory()).prompts(),
                covered.get(pair.pair_id, ()),
                catalogue,
            )
        if choice is not None:
            choices[pair.pair_id] = choice
        rows.append(
            {
                "team_id": team_id,
                "pair_id": pair.pair_id,
                "iso_week": pair.iso_week,
                "prompt_id": choice.prompt_id if choice else None,
                "direction": choice.direction if choice else None,
                "tool_name": choice.tool[:40] if choice and choice.tool else None,
                "skipped_reason": None
                if choice
                else (SKIPPED_PAUSED if pair.paused else "no_prompt"),
                "due_at": pair.due_at,
                "created_at": now,
                "checkin_due_at": (
                    pair.due_at + timedelta(days=config.checkin_delay_days) if choice else None
                ),
            }
        )
    written = await insert_many_ignoring_duplicates(
        session, WeeklyPrompt, rows, returning=(WeeklyPrompt.id, WeeklyPrompt.pair_id)
    )
    by_pair = {pair.pair_id: pair for pair in due}
    outgoing: list[Outgoing] = []
    for weekly_id, pair_id in written:
        pair, choice = by_pair[pair_id], choices.get(pair_id)
        if choice is None:
            continue
        notice = PromptNotice(
            weekly_prompt_id=weekly_id,
            pair_id=pair_id,
            direction=choice.direction,
            guide=pair.guide,
            learner=pair.learner,
            text=choice.text,
            exercise=choice.exercise,
            tool=choice.tool,
            checkin_days=config.checkin_delay_days,
            builtin=choice.builtin,
        )
        outgoing.append(
            Outgoing(
                dedupe_key=weekly_key(PROMPT, pair_id, pair.iso_week),
                notice=notice,
                channel=pair.channel,
                open_users=None if pair.channel else [pair.guide, pair.learner],
            )
        )
    sent = await enqueue_many(session, team_id, outgoing, now=now)
    return PromptRun(sent=sent, skipped=len(written) - sent)

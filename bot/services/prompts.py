"""The weekly prompt: once per pair and learner-local ISO week, on the program's nudge day and
hour in the learner's own zone, alternating "teach me a tool" and "reverse the mirror", never
repeating a prompt within a pair.

Everything is decided from the database and the clock. A pair's week is claimed by inserting
its `weekly_prompts` row (unique per pair and week) in the transaction that enqueues the
message (dedupe key `nudge:<pair_id>:<iso-week>`), so a late tick, a restart or two workers
never send twice, and the first tick after downtime sends what is still due this week.

The tick is set-based: per workspace, one query per distinct (week, nudge instant) among the
learners' zones finds the pairs due, then two queries load their history and the catalogue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any, ClassVar, Literal, NamedTuple

from sqlalchemy import Select, String, and_, case, cast, exists, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db import insert_many_ignoring_duplicates
from bot.delivery.kinds import Sent
from bot.delivery.outbox import Outgoing, enqueue_many
from bot.services.errors import InvalidInput, ToolNotFound
from bot.services.keepalive import (
    chunks,
    is_paused,
    nudge_slot,
)
from bot.services.notices import Notice
from bot.services.program import ProgramConfig
from models import (
    Pair,
    PairSession,
    Participant,
    Prompt,
    PromptKind,
    SessionReport,
    Tool,
    WeeklyPrompt,
)

PromptDirection = Literal["teach", "mirror"]


@dataclass(frozen=True)
class PromptLine:
    id: int
    kind: str
    tool: str | None
    text: str
    exercise: str | None
    added_by: str | None


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


# Due pairs handled per slice (bounds the tick's memory).
PAIRS_PER_BATCH = 1000
# Pair IDs per covered-tools lookup. With many more, PostgreSQL hashes the whole session_reports
# table (a parallel seq scan of a year of reports, ~130 ms per lookup) instead of probing its index.
HISTORY_CHUNK = 250


# ---- choosing a prompt (pure) ----------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueEntry:
    id: int
    kind: str
    tool: str | None  # the catalogue tool's name; None for "any tool" and mirror prompts
    text: str
    exercise: str | None


class PastPrompt(NamedTuple):
    """A prompt a pair had (a tuple: the tick reads a hundred thousand of them)."""

    iso_week: str
    prompt_id: int
    direction: str
    tool: str | None


@dataclass(frozen=True)
class Choice:
    prompt_id: int
    direction: PromptDirection
    tool: str | None
    text: str
    exercise: str | None


class Catalogue(tuple[CatalogueEntry, ...]):
    """The catalogue, with its entries sorted out by kind and tool once: `choose_prompt` runs
    for every pair of the week, and filtering the whole catalogue each time was most of it."""

    mirrors: tuple[CatalogueEntry, ...]
    general: tuple[CatalogueEntry, ...]  # teach prompts for any tool
    by_tool: dict[str, tuple[CatalogueEntry, ...]]  # teach prompts of one tool (casefolded)

    def __new__(cls, entries: Iterable[CatalogueEntry]) -> Catalogue:
        self = super().__new__(cls, entries)
        self.mirrors = tuple(e for e in self if e.kind == PromptKind.MIRROR)
        self.general = tuple(e for e in self if e.kind == PromptKind.TEACH and e.tool is None)
        by_tool: dict[str, list[CatalogueEntry]] = defaultdict(list)
        for e in self:
            if e.kind == PromptKind.TEACH and e.tool:
                by_tool[e.tool.casefold()].append(e)
        self.by_tool = {tool: tuple(entries) for tool, entries in by_tool.items()}
        return self


def _spread(prompt_id: int, pair_id: int) -> int:
    """A per-pair order of the catalogue, so pairs do not all get the same prompt."""
    return (prompt_id * 2654435761 + pair_id * 40503) % 4294967296


def _first(entries: Sequence[CatalogueEntry], pair_id: int) -> CatalogueEntry:
    """`min(entries, key=lambda e: _spread(e.id, pair_id))`, without a call per entry (the tick
    ranks ~170,000 entries a week). `_spread` is one-to-one for a pair, so there are no ties."""
    shift = pair_id * 40503
    return min(entries, key=lambda e: (e.id * 2654435761 + shift) % 4294967296)


def _fill(text: str | None, tool: str | None) -> str | None:
    if text is None:
        return None
    return text.replace("{tool}", tool or "the tool") if "{tool}" in text else text


def choose_prompt(
    pair_id: int,
    shared_tools: Sequence[str],
    history: Sequence[PastPrompt],
    covered: Iterable[str],
    catalogue: Sequence[CatalogueEntry],
) -> Choice | None:
    """This week's prompt for a pair: the other direction than last time (teach first); for
    teach, a tool of the pair's overlap not covered yet (else the least taught one) and a prompt
    for that tool, or one for any tool; never a prompt the pair already had, unless the pair has
    used up the whole catalogue of that kind (then the one they had longest ago)."""
    if not isinstance(catalogue, Catalogue):
        catalogue = Catalogue(catalogue)
    past = sorted(history, key=_WEEK)
    used = {p.prompt_id: p.iso_week for p in past}
    direction = "teach"
    if past and past[-1].direction == "teach":
        direction = "mirror"
    tools = list(dict.fromkeys(t for t in shared_tools if t))
    if direction == "teach" and not tools:
        direction = "mirror"
    if direction == "teach":
        choice = _teach(pair_id, tools, past, used, set(_fold(covered)), catalogue)
        if choice is not None:
            return choice
        direction = "mirror"
    entry = _pick(pair_id, catalogue.mirrors, used)
    if entry is None:
        return None
    return Choice(entry.id, "mirror", None, entry.text, entry.exercise)


_WEEK = attrgetter("iso_week")


def _fold(names: Iterable[str | None]) -> Iterable[str]:
    return (name.casefold() for name in names if name)


def _pick(
    pair_id: int, entries: Sequence[CatalogueEntry], used: Mapping[int, str]
) -> CatalogueEntry | None:
    fresh = [e for e in entries if e.id not in used]
    if fresh:
        return _first(fresh, pair_id)
    if entries:
        return min(entries, key=lambda e: (used[e.id], _spread(e.id, pair_id)))
    return None


def _teach(
    pair_id: int,
    tools: Sequence[str],
    past: Sequence[PastPrompt],
    used: Mapping[int, str],
    covered: set[str],
    catalogue: Catalogue,
) -> Choice | None:
    taught: dict[str, int] = defaultdict(int)
    for prompt in past:
        if prompt.tool:
            taught[prompt.tool.casefold()] += 1
    order = sorted(
        range(len(tools)),
        key=lambda i: (tools[i].casefold() in covered, taught[tools[i].casefold()], i),
    )
    for index in order:
        tool = tools[index]
        specific = catalogue.by_tool.get(tool.casefold(), ())
        for pool in (specific, catalogue.general):
            fresh = [e for e in pool if e.id not in used]
            if fresh:
                entry = _first(fresh, pair_id)
                return Choice(
                    entry.id,
                    "teach",
                    tool,
                    _fill(entry.text, tool) or "",
                    _fill(entry.exercise, tool),
                )
    # Everything was used: the prompt this pair had longest ago, for its first tool.
    last = _pick(
        pair_id,
        [
            e
            for e in catalogue
            if e.kind == PromptKind.TEACH
            and (e.tool is None or e.tool.casefold() == tools[order[0]].casefold())
        ],
        used,
    )
    if last is None:
        return None
    entry, tool = last, tools[order[0]]
    return Choice(
        entry.id, "teach", tool, _fill(entry.text, tool) or "", _fill(entry.exercise, tool)
    )


# ---- the tick --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromptRun:
    """What one run decided: prompts enqueued, and pairs skipped this week (someone paused)."""

    sent: int = 0
    skipped: int = 0


async def load_catalogue(session: AsyncSession) -> Catalogue:
    """Active prompts, without those of a tool removed from the catalogue."""
    query = (
        select(Prompt, Tool.name)
        .outerjoin(Tool, Tool.id == Prompt.tool_id)
        .where(Prompt.active.is_(True), Tool.removed_at.is_(None))
        .order_by(Prompt.id)
    )
    return Catalogue(
        CatalogueEntry(prompt.id, prompt.kind, tool, prompt.text, prompt.exercise)
        for prompt, tool in (await session.execute(query)).all()
    )


@dataclass(frozen=True)
class _Due:
    pair_id: int
    guide: str
    learner: str
    guide_id: int
    learner_id: int
    shared_tools: tuple[str, ...]
    channel: str | None
    paused: bool
    iso_week: str
    due_at: datetime


async def _due_pairs(
    session: AsyncSession, team_id: str, config: ProgramConfig, now: datetime, *, force: bool
) -> list[_Due]:
    """The pairs due now, earliest nudge first: one query for every zone at once.

    Each learner zone has its own week and nudge instant; the query maps the learner's zone to
    them with CASE, so the active pairs are read once and "has this week's prompt" is one probe
    of the unique (pair_id, iso_week) index per pair (one query per zone read them 12 times).
    """
    guide, learner = aliased(Participant), aliased(Participant)
    learner_tz = func.coalesce(learner.tz, "UTC")
    zones = (
        await session.scalars(
            select(learner_tz)
            .select_from(Pair)
            .join(learner, learner.id == Pair.learner_id)
            .where(Pair.team_id == team_id, Pair.ended_at.is_(None))
            .distinct()
        )
    ).all()
    slots = {}
    for tz in zones:
        slot = nudge_slot(now, tz, config.nudge_weekday, config.nudge_hour)
        if force or slot.nudge_at <= now:
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
    query = (
        select(
            Pair.id,
            Pair.guide_id,
            Pair.learner_id,
            Pair.shared_tools,
            Pair.group_channel_id,
            guide.user_id,
            guide.state,
            guide.paused_until,
            learner.user_id,
            learner.state,
            learner.paused_until,
            learner_tz,
        )
        .join(guide, guide.id == Pair.guide_id)
        .join(learner, learner.id == Pair.learner_id)
        .where(
            Pair.team_id == team_id,
            Pair.ended_at.is_(None),
            learner_tz.in_(list(slots)),
            ~already,
        )
    )
    if not force:
        # A pair introduced after this week's nudge starts next week (`nudge --now` excepted).
        nudge_of = case(
            {
                tz: literal(slot.nudge_at, Pair.__table__.c.started_at.type)
                for tz, slot in slots.items()
            },
            value=learner_tz,
        )
        query = query.where(Pair.started_at <= nudge_of)
    keyed: list[tuple[tuple[str, datetime, int], _Due]] = []
    # Core rows (the connection, not the ORM session): no ORM result processing per row.
    connection = await session.connection()
    for row in (await connection.execute(query)).all():
        (pid, gid, lid, tools, channel, g_user, g_state, g_until, l_user, l_state, l_until, tz) = (
            row
        )
        slot = slots[tz]
        keyed.append(
            (
                (slot.iso_week, slot.nudge_at, pid),
                _Due(
                    pair_id=pid,
                    guide=g_user,
                    learner=l_user,
                    guide_id=gid,
                    learner_id=lid,
                    shared_tools=tuple(tools or ()),
                    channel=channel,
                    paused=is_paused(g_state, g_until, now) or is_paused(l_state, l_until, now),
                    iso_week=slot.iso_week,
                    due_at=min(slot.nudge_at, now),
                ),
            )
        )
    # By week and nudge instant, then by pair: the order the outbox sends them in.
    keyed.sort(key=lambda item: item[0])
    return [pair for _, pair in keyed]


# Separators of the fields and records of a pair's history aggregated into one string (control
# characters, never in a week, a number or a direction; a tool name has its own fallback).
_FIELD, _RECORD = "\x1f", "\x1e"


def _history_query(pair_ids: Sequence[int]) -> Select[int, str, int]:
    """One row per pair: its past prompts as one string, and how many there are.

    Reading ~110,000 rows a week (11 per pair) and making each a Python row was most of the
    tick; aggregated, the database reads them with an index-only scan of
    `ix_weekly_prompts_history` and hands back 10,000 strings that split in C.
    """
    record = (
        WeeklyPrompt.iso_week
        + _FIELD
        + cast(WeeklyPrompt.prompt_id, String)
        + _FIELD
        + func.coalesce(WeeklyPrompt.direction, "")
        + _FIELD
        + func.coalesce(WeeklyPrompt.tool_name, "")
    )
    return (
        select(WeeklyPrompt.pair_id, func.aggregate_strings(record, _RECORD), func.count())
        .where(WeeklyPrompt.pair_id.in_(pair_ids), WeeklyPrompt.prompt_id.is_not(None))
        .group_by(WeeklyPrompt.pair_id)
    )


# A pair's history: as `_history_query` aggregated it (split when the pair's prompt is chosen, so
# the tuples live for one pair, not for the batch, and never reach the garbage collector's older
# generations), or read row by row.
History = str | list[PastPrompt]


def _past_prompts(history: History) -> list[PastPrompt]:
    if not isinstance(history, str):
        return history
    past = []
    for record in history.split(_RECORD):
        week, prompt_id, direction, tool = record.split(_FIELD, 3)
        past.append(PastPrompt(week, int(prompt_id), direction, tool or None))
    return past


def _teaches_next(history: History | None, shared_tools: Sequence[str]) -> bool:
    """Whether `choose_prompt` starts from "teach" (the only direction that reads coverage)."""
    if not any(shared_tools):
        return False
    if not history:
        return True
    if isinstance(history, str):
        # Records start with their week and `_FIELD` sorts before any character of a week, so
        # the greatest record is the latest week's.
        return max(history.split(_RECORD)).split(_FIELD, 3)[2] != "teach"
    return max(history, key=_WEEK).direction != "teach"


async def _histories(
    session: AsyncSession, due: Sequence[_Due]
) -> tuple[dict[int, History], dict[int, set[str]]]:
    """Prompts each pair had, and the tools its sessions covered (for the pairs whose turn it is
    to teach: the others get a mirror prompt, whatever they covered)."""
    pair_ids = [pair.pair_id for pair in due if not pair.paused]
    history: dict[int, History] = {}
    covered: dict[int, set[str]] = defaultdict(set)
    connection = await session.connection()
    odd: list[int] = []
    for pair_id, aggregated, count in await connection.execute(_history_query(pair_ids)):
        if aggregated.count(_RECORD) + 1 == count:
            history[pair_id] = aggregated
        else:  # a tool name with a record separator in it: read that pair's rows one by one
            odd.append(pair_id)
    for part in chunks(odd, HISTORY_CHUNK):
        rows = await connection.execute(
            select(
                WeeklyPrompt.pair_id,
                WeeklyPrompt.iso_week,
                WeeklyPrompt.prompt_id,
                WeeklyPrompt.direction,
                WeeklyPrompt.tool_name,
            ).where(WeeklyPrompt.pair_id.in_(part), WeeklyPrompt.prompt_id.is_not(None))
        )
        read: dict[int, list[PastPrompt]] = defaultdict(list)
        for pair_id, week, prompt_id, direction, tool in rows:
            read[pair_id].append(PastPrompt(week, int(prompt_id or 0), direction or "", tool))
        history.update(read)
    teaching = [
        pair.pair_id
        for pair in due
        if not pair.paused and _teaches_next(history.get(pair.pair_id), pair.shared_tools)
    ]
    for part in chunks(teaching, HISTORY_CHUNK):
        tools = await connection.execute(
            select(PairSession.pair_id, SessionReport.tool_name)
            .join(SessionReport, SessionReport.session_id == PairSession.id)
            .where(PairSession.pair_id.in_(part), SessionReport.tool_name.is_not(None))
            .distinct()
        )
        for pair_id, tool in tools.all():
            covered[pair_id].add(str(tool).casefold())
    return history, covered


async def enqueue_due_prompts(
    session: AsyncSession,
    team_id: str,
    config: ProgramConfig,
    *,
    now: datetime,
    force: bool = False,
) -> PromptRun:
    """Enqueue this week's prompt for every pair whose nudge time has come and has none yet.

    `force` (`rotnem nudge --now`): every active pair without this week's prompt, now,
    including pairs introduced this week. Pairs with someone paused get nothing this week.
    """
    due = await _due_pairs(session, team_id, config, now, force=force)
    if not due:
        return PromptRun()
    catalogue = await load_catalogue(session)
    sent = skipped = 0
    # A slice at a time: the history, the rows and the messages of 10,000 pairs at once cost
    # ~100 MB; the result is the same rows in the same order, in the caller's transaction.
    for part in chunks(due, PAIRS_PER_BATCH):
        run = await _enqueue_batch(session, team_id, config, part, catalogue, now=now)
        sent, skipped = sent + run.sent, skipped + run.skipped
    return PromptRun(sent=sent, skipped=skipped)


async def _enqueue_batch(
    session: AsyncSession,
    team_id: str,
    config: ProgramConfig,
    due: Sequence[_Due],
    catalogue: Catalogue,
    *,
    now: datetime,
) -> PromptRun:
    history, covered = await _histories(session, due)
    rows: list[dict[str, Any]] = []
    choices: dict[int, Choice] = {}
    for pair in due:
        choice = None
        if not pair.paused:
            choice = choose_prompt(
                pair.pair_id,
                pair.shared_tools,
                _past_prompts(history.get(pair.pair_id, [])),
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
                "skipped_reason": None if choice else ("paused" if pair.paused else "no_prompt"),
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
        )
        outgoing.append(
            Outgoing(
                dedupe_key=f"prompt:{pair_id}:{pair.iso_week}",
                notice=notice,
                channel=pair.channel,
                open_users=None if pair.channel else [pair.guide, pair.learner],
            )
        )
    sent = await enqueue_many(session, team_id, outgoing, now=now)
    return PromptRun(sent=sent, skipped=len(written) - sent)


# ---- the catalogue, for HR admins ---------------------------------------------------------------


async def list_prompts(session: AsyncSession) -> list[PromptLine]:
    query = (
        select(Prompt, Tool.name)
        .outerjoin(Tool, Tool.id == Prompt.tool_id)
        .where(Prompt.active.is_(True))
        .order_by(Prompt.id)
    )
    return [
        PromptLine(p.id, p.kind, tool, p.text, p.exercise, p.added_by)
        for p, tool in (await session.execute(query)).all()
    ]


async def add_prompt(
    session: AsyncSession,
    *,
    kind: str,
    text: str,
    exercise: str | None,
    tool_name: str | None,
    actor_id: str,
    now: datetime,
) -> PromptLine:
    """Add a prompt to the catalogue (a teach prompt may name a catalogue tool)."""
    text, exercise = text.strip(), (exercise or "").strip() or None
    if kind not in (PromptKind.TEACH, PromptKind.MIRROR):
        raise InvalidInput("Say `teach` or `mirror` after `add`.")
    if not 10 <= len(text) <= 300:
        raise InvalidInput("A prompt is 10 to 300 characters.")
    if exercise is not None and len(exercise) > 300:
        raise InvalidInput("An exercise is at most 300 characters.")
    tool: Tool | None = None
    if tool_name:
        if kind == PromptKind.MIRROR:
            raise InvalidInput("A “reverse the mirror” prompt is not about a tool: leave it out.")
        tool = (
            await session.scalars(
                select(Tool).where(
                    func.lower(Tool.name) == tool_name.strip().lower(), Tool.removed_at.is_(None)
                )
            )
        ).one_or_none()
        if tool is None:
            raise ToolNotFound(
                f"There is no tool called “{tool_name}” in the catalogue "
                "(`admin tools` lists them)."
            )
    elif kind == PromptKind.TEACH and "{tool}" not in text:
        raise InvalidInput(
            "Name the tool in quotes after `teach`, or write `{tool}` in the text so it fits "
            "any tool."
        )
    prompt = Prompt(
        kind=kind,
        tool_id=tool.id if tool else None,
        text=text,
        exercise=exercise,
        added_by=actor_id,
        active=True,
        created_at=now,
    )
    session.add(prompt)
    await session.flush()
    return PromptLine(prompt.id, kind, tool.name if tool else None, text, exercise, actor_id)


async def prompt_weeks(session: AsyncSession, pair_id: int) -> list[tuple[str, str | None]]:
    """(week, tool) of the prompts a pair got, oldest first (the Home tab's "tools covered")."""
    rows = await session.execute(
        select(WeeklyPrompt.iso_week, WeeklyPrompt.tool_name)
        .where(WeeklyPrompt.pair_id == pair_id, WeeklyPrompt.prompt_id.is_not(None))
        .order_by(WeeklyPrompt.iso_week)
    )
    return [(week, tool) for week, tool in rows.all()]

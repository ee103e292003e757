"""What the keep-alive services share: learner-local weeks, "is this person paused now", and
inserting many rows at once while ignoring the ones the database already has.

Time arithmetic is in UTC: a local nudge time is turned into an instant once, and every
comparison is between instants (engineering-facts A.5: wall-clock arithmetic around a DST fold
goes backwards).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.blocks.message import Message
from bot.delivery.outbox import get_kind
from models import OutboxMessage, OutboxStatus, State

T = TypeVar("T")
# Rows per multi-row INSERT: well under both backends' bound-parameter limits (32,766).
INSERT_CHUNK = 500
# IDs per `IN (…)` list.
IN_CHUNK = 900


def iso_week(moment: datetime | date) -> str:
    """The ISO week of a (local) date, e.g. `2026-W48`: the period of every weekly dedupe key."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def zone_of(tz: str | None) -> ZoneInfo:
    """The IANA zone, or UTC for a missing or unknown one."""
    try:
        return ZoneInfo(tz or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class WeekSlot:
    """One learner-local ISO week and the instant (UTC) of its nudge."""

    iso_week: str
    nudge_at: datetime


def nudge_slot(now: datetime, tz: str | None, weekday: int, hour: int) -> WeekSlot:
    """The learner-local week containing `now`, and when its nudge is (weekday 0 = Monday)."""
    zone = zone_of(tz)
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    moment = datetime.combine(monday + timedelta(days=weekday), time(hour), tzinfo=zone)
    return WeekSlot(iso_week(local), moment.astimezone(UTC))


def next_nudge_at(now: datetime, tz: str | None, weekday: int, hour: int) -> datetime:
    """The first nudge instant after `now` in that zone."""
    slot = nudge_slot(now, tz, weekday, hour)
    if slot.nudge_at > now:
        return slot.nudge_at
    zone = zone_of(tz)
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday()) + timedelta(days=7)
    moment = datetime.combine(monday + timedelta(days=weekday), time(hour), tzinfo=zone)
    return moment.astimezone(UTC)


def week_monday(week: str) -> date:
    """`2026-W48` → the Monday of that ISO week."""
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def weeks_between(earlier: str, later: str) -> int:
    return (week_monday(later) - week_monday(earlier)).days // 7


def add_weeks(week: str, count: int) -> str:
    return iso_week(week_monday(week) + timedelta(weeks=count))


def is_paused(state: str, paused_until: datetime | None, now: datetime) -> bool:
    """Paused with the pause still running (an expired pause already counts as over)."""
    return state == State.PAUSED and (paused_until is None or paused_until > now)


def chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def insert_new(
    session: AsyncSession,
    model: type[Any],
    rows: Sequence[dict[str, Any]],
    returning: Sequence[InstrumentedAttribute[Any]],
) -> list[tuple[Any, ...]]:
    """Multi-row INSERT … ON CONFLICT DO NOTHING RETURNING: the rows this call wrote.

    A row whose unique key exists (another tick, another worker, a double click) is skipped by
    the database, not by a read-then-write check, and is not returned.
    """
    if not rows:
        return []
    insert_fn = (
        postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    )
    # Core executemany: SQLAlchemy's "insertmanyvalues" batches it into multi-row statements
    # with one compiled form (a literal 500-row VALUES would be compiled again every time).
    statement = insert_fn(model.__table__).on_conflict_do_nothing().returning(*returning)
    connection = await session.connection()
    written: list[tuple[Any, ...]] = []
    for part in chunks(rows, INSERT_CHUNK):
        result = await connection.execute(statement, list(part))
        written.extend(tuple(row) for row in result.all())
    return written


@dataclass(frozen=True)
class Outgoing:
    """One outbox message, as `bot.delivery.outbox.enqueue` takes it."""

    dedupe_key: str
    kind: str
    # A Message, or its `to_dict()` already made (see `bot.blocks.checkins.Template`).
    message: Message | dict[str, Any]
    channel: str | None = None
    open_users: Sequence[str] | None = None
    context: dict[str, Any] | None = None


async def enqueue_many(
    session: AsyncSession, team_id: str, items: Sequence[Outgoing], *, now: datetime
) -> int:
    """`enqueue` for thousands of messages at once (the weekly fan-out): the same rows, written
    with multi-row INSERT … ON CONFLICT DO NOTHING; how many were new.

    One statement per row costs milliseconds each through the async driver, which made a
    10,000-pair week take tens of seconds; this writes 500 rows per statement.
    """
    rows: list[dict[str, Any]] = []
    for item in items:
        if get_kind(item.kind) is None:
            raise ValueError(f"unknown outbox kind {item.kind!r}: call register_kind first")
        if (item.channel is None) == (item.open_users is None):
            raise ValueError("give exactly one of channel= or open_users=")
        users = sorted(set(item.open_users)) if item.open_users is not None else None
        rows.append(
            {
                "team_id": team_id,
                "dedupe_key": item.dedupe_key,
                "kind": item.kind,
                "status": OutboxStatus.PENDING.value,
                "payload": (
                    item.message.to_dict() if isinstance(item.message, Message) else item.message
                ),
                "channel": item.channel,
                "open_users": users,
                "context": item.context,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
                "updated_at": now,
            }
        )
    return len(await insert_new(session, OutboxMessage, rows, returning=(OutboxMessage.id,)))

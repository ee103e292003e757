"""What the keep-alive services share: learner-local weeks, "is this person paused now", and
slicing long ID lists for `IN (…)` queries.

Time arithmetic is in UTC: a local nudge time is turned into an instant once, and every
comparison is between instants (engineering-facts A.5: wall-clock arithmetic around a DST fold
goes backwards).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models import State

T = TypeVar("T")
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

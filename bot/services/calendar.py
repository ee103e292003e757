"""Weeks and zones: learner-local ISO weeks, the weekly prompt's moment in a zone, week maths.

Time arithmetic is in UTC: a local prompt time is turned into an instant once, and every
comparison is between instants (engineering-facts A.5: wall-clock arithmetic around a DST fold
goes backwards).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def iso_week(moment: datetime | date) -> str:
    """The ISO week of a (local) date, e.g. `2026-W48`: the period of every weekly dedupe key."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def zone_of(tz: str | None) -> ZoneInfo:
    """The IANA zone, or UTC for a missing or unknown one."""
    try:
        return ZoneInfo(tz or "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a region ("Europe")
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class WeekSlot:
    """One learner-local ISO week, the instant (UTC) of its weekly prompt and the learner's
    date at that instant (what a program pause "until Monday" is compared with)."""

    iso_week: str
    prompt_at: datetime
    day: date


def _weekly_moment(local: datetime, weeks_ahead: int, weekday: int, hour: int) -> datetime:
    monday = local.date() - timedelta(days=local.weekday()) + timedelta(weeks=weeks_ahead)
    moment = datetime.combine(monday + timedelta(days=weekday), time(hour), tzinfo=local.tzinfo)
    return moment.astimezone(UTC)


def prompt_slot(now: datetime, tz: str | None, weekday: int, hour: int) -> WeekSlot:
    """The local week (in zone `tz`) containing `now`, and when its prompt is due (weekday 0 =
    Monday, hour in that zone)."""
    local = now.astimezone(zone_of(tz))
    moment = _weekly_moment(local, 0, weekday, hour)
    return WeekSlot(iso_week(local), moment, moment.astimezone(local.tzinfo).date())


def next_prompt_at(now: datetime, tz: str | None, weekday: int, hour: int) -> datetime:
    """The first weekly prompt moment after `now` in zone `tz`."""
    local = now.astimezone(zone_of(tz))
    this_week = _weekly_moment(local, 0, weekday, hour)
    return this_week if this_week > now else _weekly_moment(local, 1, weekday, hour)


def first_prompt_week(started_at: datetime, tz: str | None, weekday: int, hour: int) -> str:
    """The week of a pair's first prompt, by the rule the tick follows: the week it started if
    that week's prompt was still ahead, else the next. Once the pair has a prompt week on
    record, the earliest one is its first (`first_of`): a later change of the prompt's day or
    hour, or of the learner's zone, must not move it."""
    slot = prompt_slot(started_at, tz, weekday, hour)
    return slot.iso_week if started_at <= slot.prompt_at else add_weeks(slot.iso_week, 1)


def on_cadence(first_week: str, week: str, every: int) -> bool:
    """Whether `week` has a prompt when prompts come every `every` weeks from `first_week`."""
    return every == 1 or weeks_between(first_week, week) % every == 0


def next_prompt_of_pair(
    now: datetime, first_week: str, tz: str | None, weekday: int, hour: int, every: int
) -> datetime:
    """The pair's first prompt moment after `now` at its cadence (see `on_cadence`)."""
    at = next_prompt_at(now, tz, weekday, hour)
    while not on_cadence(first_week, prompt_slot(at, tz, weekday, hour).iso_week, every):
        at = next_prompt_at(at, tz, weekday, hour)
    return at


@lru_cache(maxsize=1024)
def week_monday(week: str) -> date:
    """`2026-W48` → the Monday of that ISO week."""
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def weeks_between(earlier: str, later: str) -> int:
    return (week_monday(later) - week_monday(earlier)).days // 7


@lru_cache(maxsize=1024)
def add_weeks(week: str, count: int) -> str:
    return iso_week(week_monday(week) + timedelta(weeks=count))

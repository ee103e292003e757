"""The calendar's periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services.calendar import iso_week, next_prompt_of_pair, on_cadence


def test_iso_week_periods() -> None:
    assert iso_week(datetime(2026, 11, 23, tzinfo=UTC)) == "2026-W48"
    assert iso_week(datetime(2027, 1, 1, tzinfo=UTC)) == "2026-W53"


def test_a_pairs_next_prompt_follows_its_cadence_from_its_first_week() -> None:
    started = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # Tuesday: its first prompt week is W50
    monday_ten = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    assert on_cadence(started, "2026-W50", "Europe/London", 0, 10, 2)
    assert not on_cadence(started, "2026-W51", "Europe/London", 0, 10, 2)
    now = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)  # just after W50's prompt
    assert next_prompt_of_pair(now, started, "Europe/London", 0, 10, 1) == monday_ten + timedelta(
        weeks=1
    )
    assert next_prompt_of_pair(now, started, "Europe/London", 0, 10, 2) == monday_ten + timedelta(
        weeks=2
    )
    assert next_prompt_of_pair(now, started, "Europe/London", 0, 10, 4) == monday_ten + timedelta(
        weeks=4
    )

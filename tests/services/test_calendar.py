"""The calendar's periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services.calendar import first_prompt_week, iso_week, next_prompt_of_pair, on_cadence


def test_iso_week_periods() -> None:
    assert iso_week(datetime(2026, 11, 23, tzinfo=UTC)) == "2026-W48"
    assert iso_week(datetime(2027, 1, 1, tzinfo=UTC)) == "2026-W53"


def test_a_pairs_next_prompt_follows_its_cadence_from_its_first_week() -> None:
    started = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # Tuesday: its first prompt week is W50
    first = first_prompt_week(started, "Europe/London", 0, 10)
    assert first == "2026-W50"
    assert first_prompt_week(started - timedelta(days=1), "Europe/London", 0, 10) == "2026-W49"
    assert on_cadence(first, "2026-W50", 2) and on_cadence(first, "2026-W52", 2)
    assert not on_cadence(first, "2026-W51", 2)
    assert on_cadence(first, "2027-W01", 2)  # 2026 has 53 weeks
    monday_ten = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    now = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)  # just after W50's prompt
    for every in (1, 2, 4):
        assert next_prompt_of_pair(now, first, "Europe/London", 0, 10, every) == (
            monday_ten + timedelta(weeks=every)
        )

"""The calendar's periods."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.calendar import iso_week


def test_iso_week_periods() -> None:
    assert iso_week(datetime(2026, 11, 23, tzinfo=UTC)) == "2026-W48"
    assert iso_week(datetime(2027, 1, 1, tzinfo=UTC)) == "2026-W53"

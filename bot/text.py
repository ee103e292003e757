"""Small helpers for sentences people read, shared by the builders and by services' error texts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date


def tools_phrase(items: Iterable[str], empty: str = "nothing listed yet") -> str:
    """ "A", "A and B", "A, B and C" (duplicates once); `empty` when there are none."""
    names = list(dict.fromkeys(items))
    if not names:
        return empty
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def long_date(day: date) -> str:
    """Monday 7 December 2026."""
    return f"{day:%A} {day.day} {day:%B %Y}"

"""The program's figures as HR reads them, worded once for every screen that shows them (the
Home tab, `/rotnem admin stats`): the same figure, the same name, the same number."""

from __future__ import annotations

from bot.blocks.kit import escape
from bot.services.figures import DEFINITIONS, ProgramFigures

TOP_TOOLS = 5
ROLE_HEADINGS = {"guide": "Guides", "learner": "Learners", "both": "Both ways"}


def percent(rate: float | None) -> str:
    return f"{rate:.0%}" if rate is not None else "n/a"


def participants_lines(figures: ProgramFigures) -> list[str]:
    """The total, its exact split, the roles, and those who left (apart: they are not in it)."""
    people = figures.participants
    parts = " · ".join(f"{n} {standing.label}" for standing, n in people.parts)
    roles = " · ".join(f"{heading}: {people.by_role(r)}" for r, heading in ROLE_HEADINGS.items())
    left = f" (and {people.left} left the program)" if people.left else ""
    return [f"*Participants: {people.total}*{left}", parts, roles]


def period_lines(figures: ProgramFigures) -> list[str]:
    """Pairs, sessions, meet rate, usefulness and tools of the figures' period."""
    meetings, useful = figures.meetings, figures.usefulness
    sessions = (
        f"Sessions this cycle (since {figures.since.day} {figures.since:%b %Y})"
        if figures.since
        else "Sessions"
    )
    rate = (
        f"{percent(meetings.meet_rate)} ({meetings.met} of {meetings.prompted} prompted "
        "pair-weeks met)"
        if meetings.prompted
        else "no pair prompted yet"
    )
    roles = ", ".join(
        f"{ROLE_HEADINGS[role].lower()} {useful.by_role[role]:.1f}"
        for role in ("guide", "learner")
        if role in useful.by_role
    )
    usefulness = (
        f"{useful.mean:.1f}/5 from {useful.reports} report(s) ({roles})"
        if useful.mean is not None
        else "no ratings yet"
    )
    tools = (
        ", ".join(f"{escape(name)} ({n})" for name, n in figures.top_tools(TOP_TOOLS)) or "none yet"
    )
    return [
        f"*Active pairs:* {figures.pairs.active}",
        f"*{sessions}:* {meetings.sessions}",
        f"*Meet rate:* {rate}",
        f"*Usefulness:* {usefulness}",
        f"*Sessions covering each tool:* {tools}",
    ]


def definition_note(figure: str = "Meet rate") -> str:
    """One figure's definition, for a context line under the figures."""
    return f"{figure}: {dict(DEFINITIONS)[figure]}"

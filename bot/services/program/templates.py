"""Program templates: what HR starts a program from — its cycle, cadence and stall alert, and a
kickoff agreement that says the same (the introduction's, unless HR wrote their own).

The figures follow what published programs run: six sessions of 45–60 minutes in about six
months for reverse mentoring; a short weekly sprint on tools; a year of monthly sessions where
both sides teach in turn.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_


@dataclass(frozen=True)
class ProgramTemplate:
    key: str
    name: str
    summary: str
    cycle_weeks: int
    cadence_weeks: int
    stall_weeks: int


PROGRAM_TEMPLATES: dict[str, ProgramTemplate] = {
    t.key: t
    for t in (
        ProgramTemplate(
            "reverse_mentoring",
            N_("Reverse mentoring"),
            N_("Six months, a session every two weeks, 45–60 minutes."),
            cycle_weeks=26,
            cadence_weeks=2,
            stall_weeks=4,
        ),
        ProgramTemplate(
            "tools_sprint",
            N_("Tools sprint"),
            N_("Six weeks, 30 minutes every week, one tool at a time."),
            cycle_weeks=6,
            cadence_weeks=1,
            stall_weeks=2,
        ),
        ProgramTemplate(
            "reciprocal",
            N_("Reciprocal mentoring"),
            N_("Twelve months, a session every four weeks; both sides teach."),
            cycle_weeks=52,
            cadence_weeks=4,
            stall_weeks=6,
        ),
    )
}


# The name of a program HR did not name and did not start from a template.
DEFAULT_NAME = N_("Reverse mentoring")


def default_name(template: str | None) -> str:
    """The name of a program HR did not name, as written (translated where it is shown): its
    template's, else ours."""
    found = PROGRAM_TEMPLATES.get(template or "")
    return found.name if found is not None else DEFAULT_NAME

"""Pauses end by themselves: flip the ones whose date has passed back to active.

Nothing depends on this having run (an expired pause already counts as over everywhere); the
job keeps the rows and the state-change log tidy.
"""

from __future__ import annotations

from bot.jobs import every, tidying_job
from bot.services.enrollment.lifecycle import resume_due_pauses

RESUME_DUE_PAUSES = tidying_job(
    "enrollment-resume-due-pauses",
    every(minutes=10),
    resume_due_pauses,
    "Resumed %d participant(s) whose pause ended",
)

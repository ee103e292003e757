"""`/rotnem admin programs` holds to Slack's 50 blocks however many programs there are."""

from __future__ import annotations

from bot.blocks.programs import programs_message
from bot.services.program.programs import Program
from bot.services.program.stats import ProgramSummary


def _summary(number: int, *, closed: bool) -> ProgramSummary:
    key = "T0TEAM001" if number == 1 else f"T0TEAM001~{number}"
    return ProgramSummary(Program(key, f"Program {number}", None, closed), None, None, 10, 4)


def test_a_long_list_of_programs_fits_one_message_and_counts_the_rest() -> None:
    summaries = [_summary(n, closed=n > 20) for n in range(1, 24)]  # 20 open, 3 closed
    message = programs_message(summaries, rotnem_admin=True).to_dict()
    assert len(message["blocks"]) <= 50
    shown = str(message["blocks"])
    assert "*Program 15*" in shown and "*Program 16*" not in shown  # open ones first
    assert "…and 8 more programs, not shown." in shown
    assert "New program" in shown

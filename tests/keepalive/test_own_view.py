"""The person's own view (`/rotnem status`, the Home tab) ."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.ids import ActionId, BlockId
from tests.factories import PAIR_GUIDE, PAIR_LEARNER, Program, asked


async def test_status_and_home_show_sessions_tools_and_next_prompt(program: Program) -> None:
    _, guide_msg, _ = await asked(program)
    await program.click(guide_msg, ActionId.CHECKIN_MET, PAIR_GUIDE)
    await program.submit(
        PAIR_GUIDE, {BlockId.CHECKIN_COVERED: "LinkedIn", BlockId.CHECKIN_RATING: "5"}
    )
    await program.command("status", user=PAIR_LEARNER)
    (answer,) = await program.answers(1, user=PAIR_LEARNER)
    text = answer["text"]
    assert f"Last sessions with <@{PAIR_GUIDE}>: 03 Dec (LinkedIn)" in text
    assert "Tools covered so far: LinkedIn" in text
    next_monday = int(datetime(2026, 12, 7, 10, 0, tzinfo=UTC).timestamp())  # London 10:00
    assert f"<!date^{next_monday}^" in str(answer["blocks"])
    await program.bot.requester.event(
        {"type": "app_home_opened", "user": PAIR_LEARNER, "tab": "home"}
    )
    await program.slack.wait_for("views.publish", 1)
    home = program.slack.home_view(PAIR_LEARNER)
    assert home is not None and "Tools covered so far" in str(home["blocks"])

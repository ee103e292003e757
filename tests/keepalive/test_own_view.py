"""The person's own view (`/rotnem status`, the Home tab) ."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.ids import ActionId, BlockId
from tests.keepalive.conftest import Keep
from tests.keepalive.test_checkins import GUIDE, LEARNER, asked


async def test_status_and_home_show_sessions_tools_and_next_prompt(keep: Keep) -> None:
    _, guide_msg, _ = await asked(keep)
    await keep.click(guide_msg, ActionId.CHECKIN_MET, GUIDE)
    await keep.submit(GUIDE, {BlockId.CHECKIN_COVERED: "LinkedIn", BlockId.CHECKIN_RATING: "5"})
    await keep.program.command("status", user=LEARNER)
    (answer,) = await keep.program.answers(1, user=LEARNER)
    text = answer["text"]
    assert f"Last sessions with <@{GUIDE}>: 03 Dec (LinkedIn)" in text
    assert "Tools covered so far: LinkedIn" in text
    next_monday = int(datetime(2026, 12, 7, 10, 0, tzinfo=UTC).timestamp())  # London 10:00
    assert f"<!date^{next_monday}^" in str(answer["blocks"])
    await keep.bot.requester.event({"type": "app_home_opened", "user": LEARNER, "tab": "home"})
    await keep.slack.wait_for("views.publish", 1)
    home = keep.slack.home_view(LEARNER)
    assert home is not None and "Tools covered so far" in str(home["blocks"])

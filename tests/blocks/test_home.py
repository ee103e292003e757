"""The Home tab's builder by value: a participant with a partner, and HR's program summary."""

from __future__ import annotations

from datetime import date

from bot.blocks.home import home_view
from bot.sandbox import validate_view
from bot.services.enrollment.queries import ProgramSummary, Status
from bot.services.home import Home, PartnerSummary
from models import Role
from tests.factories import make_profile


def test_the_home_tab_with_a_partner_and_the_admin_summary_is_valid_block_kit() -> None:
    summary = ProgramSummary(
        counts={
            (Role.GUIDE, Status.ACTIVE): 3,
            (Role.LEARNER, Status.PAUSED): 2,
            (Role.BOTH, Status.LEFT): 1,
        }
    )
    partner = PartnerSummary("U2", date(2026, 11, 16), ("TikTok",))
    view = home_view(
        "/rotnem", Home(make_profile(), partners=(partner,), program=summary)
    ).to_dict()
    assert validate_view(view, expected_type="home") == []
    text = str(view)
    assert "<@U2> since Monday 16 November 2026" in text
    assert "5 participants" in text and "Left: 1" in text
    assert "UBOSS" not in text

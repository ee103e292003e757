"""The Home tab's builder by value: a participant with a partner, and HR's program summary."""

from __future__ import annotations

from datetime import date

from bot.blocks.home import home_view
from bot.sandbox import validate_view
from bot.services.home import Home, PartnerSummary
from tests.factories import make_figures, make_profile


def test_the_home_tab_with_a_partner_and_the_admin_summary_is_valid_block_kit() -> None:
    partner = PartnerSummary("U2", date(2026, 11, 16), ("TikTok",))
    view = home_view(
        "/rotnem", Home(make_profile(), partners=(partner,), program=make_figures())
    ).to_dict()
    assert validate_view(view, expected_type="home") == []
    text = str(view)
    assert "<@U2> since Monday 16 November 2026" in text
    assert "Participants: 5* (and 1 left the program)" in text
    assert "3 in a pair · 1 waitlisted · 0 not yet matched · 1 paused" in text
    assert "Meet rate:* 75% (3 of 4 prompted pair-weeks met)" in text
    assert "Sessions covering each tool:* Canva (3), Excel formulas (1)" in text
    assert "UBOSS" not in text

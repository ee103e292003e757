"""Enrollment's builders by value: the status message and the profile modal."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.blocks.enrollment import profile_modal, status_message
from bot.ids import BlockId
from bot.sandbox import validate_view
from bot.services.enrollment.queries import Status, ToolRef
from bot.services.home import Home, PartnerSummary
from bot.services.tools import ToolInfo
from tests.factories import make_profile


def test_status_shows_waitlisted_and_the_partner_but_never_the_manager() -> None:
    waitlisted = make_profile(
        status=Status.WAITLISTED, waitlisted_since=datetime(2026, 11, 20, tzinfo=UTC)
    )
    message = status_message("/rotnem", Home(waitlisted))
    assert "State: Waitlisted since Friday 20 November 2026" in message.text
    partner = PartnerSummary("U2", date(2026, 11, 16), ("TikTok",))
    partnered = status_message("/rotnem", Home(make_profile(), partners=(partner,)))
    assert "Partner: <@U2> since Monday 16 November 2026 · TikTok" in partnered.text
    assert "Teaches: Canva" in partnered.text
    assert "Wants to learn: Excel formulas, Blender" in partnered.text
    assert "UBOSS" not in partnered.text and "pivot" not in partnered.text


def test_a_large_catalogue_still_makes_a_valid_modal() -> None:
    catalogue = [
        ToolInfo(
            id=i, name=f"Tool number {i}", description="d", category=f"Cat {i % 7}", removed=False
        )
        for i in range(1, 301)
    ]
    mine = (ToolRef("Retired thing", 999, removed=True), ToolRef("Tool number 5", 5))
    view = profile_modal(
        catalogue=catalogue, profile=make_profile(teaches=mine), private_metadata="{}"
    ).to_dict()
    assert validate_view(view, expected_type="modal") == []
    teach = next(b for b in view["blocks"] if b.get("block_id") == BlockId.PROFILE_TEACH)
    picked = {o["value"] for o in teach["element"]["initial_options"]}
    assert picked == {"999", "5"}
    assert len(view["title"]["text"]) <= 24

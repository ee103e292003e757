"""Pure pieces by value: pause parsing, typed tool lists, admin arguments, and the builders."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.blocks.enrollment import profile_modal, status_message
from bot.blocks.home import home_view
from bot.ids import BlockId
from bot.sandbox import validate_view
from bot.services.enrollment.lifecycle import check_pause_end
from bot.services.enrollment.profile import parse_other_tools
from bot.services.enrollment.queries import Profile, ProgramSummary, Status, ToolRef
from bot.services.errors import InvalidPause
from bot.services.home import Home, PartnerSummary
from bot.services.tools import ToolInfo
from handlers.commands.enrollment import parse_pause
from handlers.commands.tools import parse_add, parse_name
from models import Role

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "resume_on"),
    [
        ("2w", date(2026, 12, 7)),
        ("2 weeks", date(2026, 12, 7)),
        ("10d", date(2026, 12, 3)),
        ("1 day", date(2026, 11, 24)),
        ("until 2027-01-15", date(2027, 1, 15)),
        ("UNTIL   2027-01-15", date(2027, 1, 15)),
        ("2027-01-15", date(2027, 1, 15)),
        ("26w", date(2027, 5, 24)),
    ],
)
def test_pause_durations_and_dates(text: str, resume_on: date) -> None:
    assert parse_pause(text, TODAY) == resume_on


@pytest.mark.parametrize("text", ["", "soon", "27w", "400w", "0w", "until 2026-11-23", "until x"])
def test_pauses_that_do_not_parse_or_break_the_rules_are_refused(text: str) -> None:
    with pytest.raises(InvalidPause):
        check_pause_end(parse_pause(text, TODAY), TODAY)
    # The example the refusal shows is a pause that works.
    check_pause_end(parse_pause("until 2026-12-07", TODAY), TODAY)


def test_other_tools_are_trimmed_deduplicated_and_bounded() -> None:
    assert parse_other_tools(" Figma ,, figma, Obsidian  App ") == ("Figma", "Obsidian App")
    assert parse_other_tools(None) == ()
    assert len(parse_other_tools(", ".join(f"t{i}" for i in range(10)))) == 10
    with pytest.raises(ValueError, match="at most 10"):
        parse_other_tools(", ".join(f"t{i}" for i in range(11)))
    with pytest.raises(ValueError, match="at most 40"):
        parse_other_tools("a" * 41)


def test_admin_tool_arguments() -> None:
    assert parse_add('"Figma" — design together') == ("Figma", "design together")
    assert parse_add("“Power BI” - dashboards") == ("Power BI", "dashboards")
    assert parse_add('"Miro": whiteboards') == ("Miro", "whiteboards")
    assert parse_name("“Canva”") == "Canva"
    assert parse_name("Slack power features") == "Slack power features"
    with pytest.raises(ValueError):
        parse_add("Figma design")


def _profile(**changes: object) -> Profile:
    values: dict[str, object] = {
        "user_id": "U1",
        "team_id": "T1",
        "display_name": "Ana",
        "tz": "Europe/Paris",
        "role": Role.BOTH,
        "department": "Ops",
        "capacity": 2,
        "status": Status.ACTIVE,
        "joined_at": datetime(2026, 11, 1, tzinfo=UTC),
        "teaches": (ToolRef("Canva", 1),),
        "learns": (ToolRef("Excel formulas", 2), ToolRef("Blender")),
        "manager_id": "UBOSS",
        "goals": "learn pivot tables",
    }
    values.update(changes)
    return Profile(**values)  # type: ignore[arg-type]


def test_status_shows_waitlisted_and_the_partner_but_never_the_manager() -> None:
    waitlisted = _profile(
        status=Status.WAITLISTED, waitlisted_since=datetime(2026, 11, 20, tzinfo=UTC)
    )
    message = status_message("/rotnem", Home(waitlisted))
    assert "State: Waitlisted since Friday 20 November 2026" in message.text
    partner = PartnerSummary("U2", date(2026, 11, 16), ("TikTok",))
    partnered = status_message("/rotnem", Home(_profile(), partners=(partner,)))
    assert "Partner: <@U2> since Monday 16 November 2026 · TikTok" in partnered.text
    assert "Teaches: Canva" in partnered.text
    assert "Wants to learn: Excel formulas, Blender" in partnered.text
    assert "UBOSS" not in partnered.text and "pivot" not in partnered.text


def test_the_home_tab_with_a_partner_and_the_admin_summary_is_valid_block_kit() -> None:
    summary = ProgramSummary(
        counts={
            (Role.GUIDE, Status.ACTIVE): 3,
            (Role.LEARNER, Status.PAUSED): 2,
            (Role.BOTH, Status.LEFT): 1,
        }
    )
    partner = PartnerSummary("U2", date(2026, 11, 16), ("TikTok",))
    view = home_view("/rotnem", Home(_profile(), partners=(partner,), program=summary)).to_dict()
    assert validate_view(view, expected_type="home") == []
    text = str(view)
    assert "<@U2> since Monday 16 November 2026" in text
    assert "5 participants" in text and "Left: 1" in text
    assert "UBOSS" not in text


def test_a_large_catalogue_still_makes_a_valid_modal() -> None:
    catalogue = [
        ToolInfo(
            id=i, name=f"Tool number {i}", description="d", category=f"Cat {i % 7}", removed=False
        )
        for i in range(1, 301)
    ]
    mine = (ToolRef("Retired thing", 999, removed=True), ToolRef("Tool number 5", 5))
    view = profile_modal(
        catalogue=catalogue, profile=_profile(teaches=mine), private_metadata="{}"
    ).to_dict()
    assert validate_view(view, expected_type="modal") == []
    teach = next(b for b in view["blocks"] if b.get("block_id") == BlockId.PROFILE_TEACH)
    picked = {o["value"] for o in teach["element"]["initial_options"]}
    assert picked == {"999", "5"}
    assert len(view["title"]["text"]) <= 24

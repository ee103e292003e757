"""The Home tab's builders by value: a participant with a partner, and HR's program summary; a
workspace running several programs."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.blocks.home import home_view, programs_home_view
from bot.sandbox import validate_view
from bot.services.home import Home, PartnerSummary, ProgramHome
from bot.services.program.programs import Program
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


def program(number: int, name: str) -> Program:
    return Program(f"T1~{number}" if number > 1 else "T1", name, None, closed=False)


def values(blocks: list[dict[str, Any]]) -> set[str]:
    """The values of the buttons among `blocks` (accessories included)."""
    found = set()
    for block in blocks:
        for element in [*(block.get("elements") or []), block.get("accessory") or {}]:
            if element.get("type") == "button":
                found.add(element["value"])
    return found


def test_each_programs_buttons_bring_their_click_back_to_that_program() -> None:
    view = programs_home_view(
        "/rotnem",
        [
            ProgramHome(program(1, "Mentoring"), Home(make_profile(), program=make_figures())),
            ProgramHome(program(2, "AI sprint"), Home(make_profile())),
            ProgramHome(program(3, "Data club"), Home(None)),
        ],
    ).to_dict()
    assert validate_view(view, expected_type="home") == []
    headers = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
    assert headers == [
        "Mentoring",
        "AI sprint",
        "Other programs",
        "Program summary (HR): Mentoring",
    ]
    parts: dict[str, list[dict[str, Any]]] = {name: [] for name in headers}
    current = ""
    for block in view["blocks"]:
        if block["type"] == "header":
            current = block["text"]["text"]
        else:
            parts[current].append(block)
    assert values(parts["Mentoring"]) == {"edit", "pause", "leave"}
    assert values(parts["AI sprint"]) == {"~2~edit", "~2~pause", "~2~leave"}
    assert values(parts["Other programs"]) == {"~3~home"}
    assert values(parts["Program summary (HR): Mentoring"]) == {"settings", "wording"}


def test_past_slacks_100_blocks_the_rest_is_counted() -> None:
    homes = [
        ProgramHome(program(n, f"Program {n}"), Home(make_profile(), program=make_figures()))
        for n in range(1, 12)
    ]
    blocks = programs_home_view("/rotnem", homes).to_dict()["blocks"]
    assert len(blocks) <= 100
    assert validate_view({"type": "home", "blocks": blocks}, expected_type="home") == []
    # Eleven sections and eleven summaries of 6 blocks each: the sections and five summaries
    # fit, with the line saying six more are not shown.
    assert len(blocks) == 11 * 6 + 5 * 6 + 1
    assert (
        blocks[-1]["elements"][0]["text"]
        == "…and 6 more sections, not shown: Slack's Home tab is full."
    )

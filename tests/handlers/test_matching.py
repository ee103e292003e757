"""Matching makes as many pairs as the hard rules allow: a pair without a shared tool when
nothing better exists (explained to HR, introduced kindly, prompted from the guide's tools),
and the program setting "Pairs must share a tool" restoring the strict rule."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.config import load_settings
from bot.ids import ActionId, BlockId
from bot.services.program.settings import defaults_from
from models import SettingsChange
from tests.factories import (
    ADMIN_ID,
    ANA,
    BEN,
    BOTH_BACKENDS,
    CARLA,
    EVE,
    JSON,
    Program,
    last_checkin,
)


async def four_people(program: Program) -> None:
    """Two guides, two learners: Eve wants a tool nobody teaches."""
    await program.join(ANA, "Ana Guide", "guide", teaches=["ChatGPT"])
    await program.join(BEN, "Ben Guide", "guide", teaches=["LinkedIn"])
    await program.join(CARLA, "Carla Lead", "learner", learns=["ChatGPT"])
    await program.join(EVE, "Eve Exec", "learner", learns=["TikTok"])


def prefilled(view: JSON) -> dict[str, Any]:
    """The answers of a modal left as it opened: each input's initial value or option."""
    answers: dict[str, Any] = {}
    for block in view["blocks"]:
        element = block.get("element") or {}
        if "initial_value" in element:
            answers[block["block_id"]] = element["initial_value"]
        elif "initial_option" in element:
            answers[block["block_id"]] = element["initial_option"]["value"]
    return answers


async def set_shared_tool_rule(program: Program, answer: str) -> JSON:
    """HR opens the settings modal and answers "Pairs must share a tool"; the saved DM."""
    opened = program.slack.count("views.open")
    await program.command("admin settings")
    await program.slack.wait_for("views.open", opened + 1)
    view = program.slack.open_views(ADMIN_ID)[-1]
    # every other field as the modal shows it (what Slack submits when HR changes nothing)
    answers = prefilled(view)
    answers[BlockId.SETTINGS_SHARED_TOOL] = answer
    posted = program.slack.count("chat.postMessage")
    response = await program.bot.requester.submit_view(view=view, user_id=ADMIN_ID, answers=answers)
    assert response.status_code == 200 and response.text in ("", "null")
    await program.slack.wait_for("chat.postMessage", posted + 1)
    return program.dm(ADMIN_ID)[-1]


@BOTH_BACKENDS
async def test_pairs_without_a_shared_tool_unless_the_program_requires_one(
    program: Program,
) -> None:
    await four_people(program)
    proposal = (await program.propose())["text"]
    assert "Proposed round: 2 pairs, 0 people without a partner" in proposal
    assert f"<@{ANA}> → <@{CARLA}>: Ana Guide can teach ChatGPT" in proposal
    assert (
        f"<@{BEN}> → <@{EVE}>: no shared tool yet — start from what Ben Guide uses every day; "
        "the mirror prompts need none" in proposal
    )

    saved = await set_shared_tool_rule(program, "yes")
    assert "Pairs must share a tool: no → yes" in saved["text"]
    changes = await program.rows(SettingsChange)
    assert [(c.field, c.old_value, c.new_value, c.actor_id) for c in changes] == [
        ("require_shared_tool", "False", "True", ADMIN_ID)
    ]
    strict = (await program.propose())["text"]
    assert "Proposed round: 1 pair, 2 people without a partner" in strict
    # HR reads the reason about Eve; Eve is told it as "you".
    assert f"<@{EVE}>: no guide this round teaches what Eve Exec wants to learn (TikTok)" in strict

    await set_shared_tool_rule(program, "no")
    proposal_message = await program.propose()
    assert "2 pairs" in proposal_message["text"]
    before = len(program.slack.responses())
    await program.click(proposal_message, ActionId.ROUND_APPROVE)
    await program.responses(before + 1)
    await program.deliver_all()
    pairs = {p.shared_tools and p.shared_tools[0] or "": p for p in await program.pairs()}
    assert set(pairs) == {"ChatGPT", ""}  # Ben and Eve share no tool: stored as none
    intro = program.posts(pairs[""].group_channel_id or "")[0]
    blocks = str(intro["blocks"])
    assert f"No shared tool yet — start from what <@{BEN}> uses every day" in blocks
    assert "LinkedIn" in blocks and "need no tool at all" in blocks

    # The weekly "teach me a tool" picks from Ben's tools, and "We met" offers them.
    program.at(datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    await program.tick()
    await program.deliver()
    (prompt,) = await program.prompts_of(pairs[""].id)
    assert (prompt.direction, prompt.tool_name) == ("teach", "LinkedIn")
    assert "LinkedIn" in str(program.posts(pairs[""].group_channel_id or "")[-1]["blocks"])
    program.at(datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    await program.tick()
    await program.deliver()
    checkin = last_checkin(program, EVE)
    assert (await program.click(checkin, ActionId.CHECKIN_MET, EVE)).status_code == 200
    answer = await program.submit(
        EVE,
        {
            BlockId.CHECKIN_COVERED: "LinkedIn",
            BlockId.CHECKIN_RATING: "4",
            BlockId.CHECKIN_DIRECTION: "tool",
        },
    )
    assert answer.status_code == 200 and answer.text in ("", "null")
    assert "LinkedIn" in last_checkin(program, EVE)["text"]


async def test_an_admin_may_pair_people_without_a_shared_tool_unless_required(
    program: Program,
) -> None:
    await four_people(program)
    await program.update_settings(require_shared_tool=True)
    n = len(program.slack.ephemerals(ADMIN_ID))
    await program.command(f"admin pair <@{BEN}> <@{EVE}>")
    refusal = (await program.answers(n + 1))[-1]["text"]
    assert "at least one tool in common, a program setting" in refusal
    await program.update_settings(require_shared_tool=False)
    await program.command(f"admin pair <@{BEN}> <@{EVE}>")
    done = (await program.answers(n + 2))[-1]["text"]
    assert f"Paired <@{BEN}> (guide) with <@{EVE}> (learner)" in done
    (pair,) = await program.pairs()
    assert pair.shared_tools == []


def test_the_environment_sets_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.delenv("ROTNEM_REQUIRE_SHARED_TOOL", raising=False)
    assert defaults_from(load_settings()).require_shared_tool is False
    monkeypatch.setenv("ROTNEM_REQUIRE_SHARED_TOOL", "true")
    assert defaults_from(load_settings()).require_shared_tool is True

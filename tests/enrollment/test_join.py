"""Joining through `/rotnem join` and the profile modal, editing it, and who cannot join."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.ids import BlockId, CallbackId
from models import Participant, StateChange
from tests.factories import (
    BOT_USER,
    BOTH,
    BOTH_BACKENDS,
    DELETED,
    GUEST,
    GUIDE,
    LEARNER,
    MANAGER,
    RunningBot,
    command_modal,
    home_text,
    join,
    open_modal,
    participant,
    participant_tools,
    profile_answers,
    reply,
    rotnem,
    state_log,
    submit,
    tool_ids,
)


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


@BOTH_BACKENDS
async def test_a_guide_joins_with_the_modal_opened_by_the_commands_trigger(
    bot: RunningBot,
) -> None:
    answer = await rotnem(bot, GUIDE, "join")
    assert answer.response.content == b""
    calls = await bot.slack.wait_for("views.open")
    assert calls[-1].ok, calls[-1].response
    view = bot.slack.open_views(GUIDE)[-1]
    assert view["callback_id"] == CallbackId.PROFILE
    assert view["title"]["text"] == "Join Rotnem"
    roles = [o["text"]["text"] for o in block(view, BlockId.PROFILE_ROLE)["element"]["options"]]
    assert roles == [
        "I'll be a guide — I teach tools",
        "I'm a learner — I want to learn tools",
        "Both ways",
    ]
    groups = block(view, BlockId.PROFILE_TEACH)["element"]["option_groups"]
    offered = [o["text"]["text"] for g in groups for o in g["options"]]
    assert "ChatGPT" in offered and 20 <= len(offered) <= 40

    teach = await tool_ids(bot, "ChatGPT", "Canva")
    answers = profile_answers(
        role="guide",
        teach=teach,
        teach_other=" Figma ,  obsidian, figma ",
        department="Design",
        manager=MANAGER,
        capacity="2",
        goals="Help seniors feel at home with AI",
    )
    assert await submit(bot, GUIDE, view, answers) == {}
    confirmation = await reply(bot, answer)
    assert confirmation["response_type"] == "ephemeral"
    assert confirmation["text"].startswith("You're in!")

    row = await participant(bot, GUIDE)
    assert row is not None
    assert (row.role, row.state, row.department, row.capacity) == ("guide", "active", "Design", 2)
    assert (row.manager_id, row.tz, row.display_name) == (MANAGER, "Europe/London", "Gia Guide")
    assert await participant_tools(bot, GUIDE) == {
        "teach": {"ChatGPT", "Canva", "Figma", "obsidian"},
        "learn": set(),
    }
    assert await state_log(bot, GUIDE) == [(None, "active", "command:profile")]
    home = home_text(bot, GUIDE)
    assert "Guide — you teach tools (up to 2 learners)" in home
    assert "ChatGPT" in home and "Figma" in home


async def test_a_learner_and_a_both_ways_participant_join(bot: RunningBot) -> None:
    learn = await tool_ids(bot, "TikTok", "Excel formulas")
    await join(
        bot,
        LEARNER,
        profile_answers(
            role="learner",
            learn=learn,
            share="how budgeting decisions get made",
            department="Finance",
            # Guide-only answers are ignored for a learner.
            teach=await tool_ids(bot, "Canva"),
            capacity="3",
        ),
    )
    row = await participant(bot, LEARNER)
    assert row is not None
    assert (row.role, row.capacity, row.share) == ("learner", 1, "how budgeting decisions get made")
    assert row.tz == "America/New_York"
    assert await participant_tools(bot, LEARNER) == {
        "teach": set(),
        "learn": {"TikTok", "Excel formulas"},
    }

    await join(
        bot,
        BOTH,
        profile_answers(
            role="both",
            teach=await tool_ids(bot, "Notion"),
            learn_other="chatgpt, Blender",  # a typed catalogue name becomes the catalogue tool
            department="Legal",
        ),
    )
    assert await participant_tools(bot, BOTH) == {
        "teach": {"Notion"},
        "learn": {"ChatGPT", "Blender"},
    }


VALID = {"role": "guide", "teach": ["1"], "department": "Sales"}


@pytest.mark.parametrize(
    ("answers", "block_id", "says"),
    [
        ({**VALID, "role": None}, BlockId.PROFILE_ROLE, "how you'd like to take part"),
        ({**VALID, "teach": []}, BlockId.PROFILE_TEACH, "at least one tool you can teach"),
        (
            {"role": "learner", "department": "Sales"},
            BlockId.PROFILE_LEARN,
            "at least one tool you'd like to learn",
        ),
        (
            {"role": "both", "teach": ["1"], "department": "Sales"},
            BlockId.PROFILE_LEARN,
            "at least one tool you'd like to learn",
        ),
        ({**VALID, "teach_other": "x" * 41}, BlockId.PROFILE_TEACH_OTHER, "at most 40"),
        (
            {**VALID, "teach_other": ", ".join(f"tool{i}" for i in range(11))},
            BlockId.PROFILE_TEACH_OTHER,
            "at most 10",
        ),
        (
            {"role": "learner", "learn": ["2"], "learn_other": "y" * 50, "department": "Ops"},
            BlockId.PROFILE_LEARN_OTHER,
            "at most 40",
        ),
        ({**VALID, "department": "   "}, BlockId.PROFILE_DEPARTMENT, "department or team"),
        ({**VALID, "department": "d" * 81}, BlockId.PROFILE_DEPARTMENT, "80 characters"),
        ({**VALID, "goals": "g" * 501}, BlockId.PROFILE_GOALS, "500 characters"),
        (
            {"role": "learner", "learn": ["2"], "share": "s" * 201, "department": "Ops"},
            BlockId.PROFILE_SHARE,
            "200 characters",
        ),
        ({**VALID, "manager": GUIDE}, BlockId.PROFILE_MANAGER, "your own manager"),
    ],
)
async def test_each_rule_is_checked_in_the_modal_next_to_its_field(
    bot: RunningBot, answers: dict[str, Any], block_id: str, says: str
) -> None:
    view = await open_modal(bot, GUIDE)
    values = {BlockId(f"profile_{k}"): v for k, v in answers.items() if v is not None}
    ack = await submit(bot, GUIDE, view, values)
    assert ack["response_action"] == "errors"
    assert list(ack["errors"]) == [block_id]
    assert says in ack["errors"][block_id]
    assert await participant(bot, GUIDE) is None


async def test_profile_opens_the_same_modal_prefilled_and_saves_the_edit(bot: RunningBot) -> None:
    teach = await tool_ids(bot, "ChatGPT", "Canva")
    await join(
        bot,
        GUIDE,
        profile_answers(
            role="guide",
            teach=teach,
            teach_other="Figma",
            department="Design",
            manager=MANAGER,
            goals="Teach AI",
        ),
    )
    for text in ("profile", "join"):
        view = await open_modal(bot, GUIDE, text)
        assert view["title"]["text"] == "Your Rotnem profile"
        assert view["submit"]["text"] == "Save"
        role = block(view, BlockId.PROFILE_ROLE)["element"]["initial_option"]
        assert role["value"] == "guide"
        picked = block(view, BlockId.PROFILE_TEACH)["element"]["initial_options"]
        assert sorted(o["value"] for o in picked) == sorted(teach)
        assert block(view, BlockId.PROFILE_TEACH_OTHER)["element"]["initial_value"] == "Figma"
        assert block(view, BlockId.PROFILE_DEPARTMENT)["element"]["initial_value"] == "Design"
        assert block(view, BlockId.PROFILE_MANAGER)["element"]["initial_user"] == MANAGER
        assert block(view, BlockId.PROFILE_GOALS)["element"]["initial_value"] == "Teach AI"

    answer, view = await command_modal(bot, GUIDE, "profile")
    edited = profile_answers(
        role="both", teach=teach[:1], learn=await tool_ids(bot, "LinkedIn"), department="UX"
    )
    assert await submit(bot, GUIDE, view, edited) == {}
    assert (await reply(bot, answer))["text"] == "Your profile is saved."
    row = await participant(bot, GUIDE)
    assert row is not None
    assert (row.role, row.department, row.manager_id, row.goals) == ("both", "UX", None, None)
    assert await participant_tools(bot, GUIDE) == {"teach": {"ChatGPT"}, "learn": {"LinkedIn"}}
    # An edit is not a change of state.
    assert await state_log(bot, GUIDE) == [(None, "active", "command:profile")]


@BOTH_BACKENDS
async def test_a_double_submitted_modal_leaves_one_participant(bot: RunningBot) -> None:
    view = await open_modal(bot, LEARNER)
    answers = profile_answers(role="learner", learn=await tool_ids(bot, "ChatGPT"))
    acks = await asyncio.gather(*(submit(bot, LEARNER, view, answers) for _ in range(3)))
    assert acks == [{}, {}, {}]
    await bot.slack.wait_for("views.publish", 3)
    async with bot.deps.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Participant)) == 1
        assert await session.scalar(select(func.count()).select_from(StateChange)) == 1
    assert await participant_tools(bot, LEARNER) == {"teach": set(), "learn": {"ChatGPT"}}


@pytest.mark.parametrize(
    ("user", "says"),
    [
        (BOT_USER, "bots and apps can't join"),
        (DELETED, "deactivated"),
        (GUEST, "guest accounts can't join"),
    ],
)
async def test_bots_deleted_users_and_guests_are_refused_politely(
    bot: RunningBot, user: str, says: str
) -> None:
    answer = await rotnem(bot, user, "join")
    message = await reply(bot, answer)
    assert message["response_type"] == "ephemeral"
    assert message["text"].startswith("Sorry — ") and says in message["text"]
    assert bot.slack.count("views.open") == 0
    assert await participant(bot, user) is None


async def test_slack_not_answering_users_info_changes_nothing(bot: RunningBot) -> None:
    bot.slack.fail("users.info", error="user_not_found")
    answer = await rotnem(bot, GUIDE, "join")
    message = await reply(bot, answer)
    assert "couldn't read your Slack profile" in message["text"]
    assert bot.slack.count("views.open") == 0
    assert await participant(bot, GUIDE) is None


async def test_a_profile_keeps_a_tool_hr_removed_and_others_are_no_longer_offered_it(
    bot: RunningBot,
) -> None:
    canva = await tool_ids(bot, "Canva")
    await join(bot, GUIDE, profile_answers(role="guide", teach=canva))
    answer = await rotnem(bot, "UADMIN001", 'admin tools remove "canva"')
    assert "Removed Canva" in (await reply(bot, answer))["text"]

    newcomer = await open_modal(bot, LEARNER)
    offered = json.dumps(block(newcomer, BlockId.PROFILE_TEACH)["element"]["option_groups"])
    assert '"Canva"' not in offered
    mine = await open_modal(bot, GUIDE, "profile")
    groups = block(mine, BlockId.PROFILE_TEACH)["element"]["option_groups"]
    assert groups[-1]["label"]["text"] == "No longer offered"
    assert [o["value"] for o in groups[-1]["options"]] == canva
    assert block(mine, BlockId.PROFILE_TEACH)["element"]["initial_options"][0]["value"] == canva[0]
    assert await participant_tools(bot, GUIDE) == {"teach": {"Canva"}, "learn": set()}

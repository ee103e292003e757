"""The program-channel invite (through the outbox) and HR's tool catalogue commands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.ids import ActionId, BlockId
from bot.sandbox import FakeSlack
from models import OutboxMessage, Tool
from tests.factories import (
    ADMIN_ID,
    BOT_USER,
    GUEST,
    GUIDE,
    LEARNER,
    RunningBot,
    eventually,
    eventually_async,
    find_button,
    join,
    open_modal,
    participant,
    profile_answers,
    reply,
    rotnem,
    rows,
    start_bot,
    submit,
    tool_ids,
)

PROGRAM = "C0PROGRAM1"


@pytest.fixture
async def program_bot(
    database_url: str, people: FakeSlack, clock: ManualClock
) -> AsyncIterator[RunningBot]:
    async with start_bot(
        database_url=database_url,
        slack=people,
        clock=clock,
        rotnem_program_channel=PROGRAM,
    ) as running:
        yield running


async def joined_channel(bot: RunningBot, user: str, channel: str = PROGRAM) -> None:
    event = {
        "type": "member_joined_channel",
        "user": user,
        "channel": channel,
        "channel_type": "C",
        "team": bot.slack.team_id,
    }
    response = await bot.requester.event(event)
    assert response.status_code == 200


async def outbox(bot: RunningBot) -> list[OutboxMessage]:
    return await rows(bot.deps.sessionmaker, OutboxMessage)


async def test_joining_the_program_channel_queues_one_invite_with_a_join_button(
    program_bot: RunningBot,
) -> None:
    bot = program_bot
    await join(bot, LEARNER, profile_answers(role="learner", learn=await tool_ids(bot, "Loom")))
    infos = bot.slack.count("users.info")
    for user, channel in (
        (GUIDE, PROGRAM),
        (GUIDE, PROGRAM),  # left and came back: still one invite
        (GUIDE, "C0OTHER001"),
        (LEARNER, PROGRAM),  # already a participant
        (BOT_USER, PROGRAM),
        (GUEST, PROGRAM),
    ):
        await joined_channel(bot, user, channel)
    await bot.slack.wait_for("users.info", infos + 4)
    rows = await eventually_async(lambda: outbox(bot))
    assert [(r.dedupe_key, r.kind, r.open_users) for r in rows] == [
        (f"invite:{GUIDE}", "invite", [GUIDE])
    ]
    assert bot.slack.count("chat.postMessage") == 0, "proactive messages only leave via the outbox"

    # The dispatcher delivers it; the person clicks Join, fills the modal, and the invite says so.
    dispatcher = bot.dispatcher
    assert await dispatcher.drain() == 1
    dm = bot.slack.dm_channel(GUIDE)
    invite = bot.slack.messages(dm)[-1]
    assert f"<#{PROGRAM}>" in invite["text"]
    button = find_button(invite["blocks"], ActionId.JOIN)
    response = await bot.requester.click(
        user_id=GUIDE,
        action_id=ActionId.JOIN,
        block_id=button["block_id"],
        value=button["value"],
        message=invite,
        channel_id=dm,
    )
    assert response.status_code == 200
    modal = (await eventually(lambda: bot.slack.open_views(GUIDE)))[-1]
    answers = profile_answers(role="guide", teach=await tool_ids(bot, "Canva"))
    assert await submit(bot, GUIDE, modal, answers) == {}
    updated = await eventually(
        lambda: (m := bot.slack.messages(dm)[-1]) and m["text"].startswith("You're in!") and m
    )
    assert ActionId.JOIN not in str(updated.get("blocks"))
    row = await participant(bot, GUIDE)
    assert row is not None and row.role == "guide"


async def test_without_a_program_channel_nobody_is_invited(bot: RunningBot) -> None:
    await joined_channel(bot, GUIDE)
    await bot.requester.event({"type": "app_home_opened", "user": GUIDE, "tab": "home"})
    await bot.slack.wait_for("views.publish")
    assert await outbox(bot) == []


@pytest.mark.parametrize(
    "args",
    ["tools", "tools list", 'tools add "Figma" — design together', 'tools remove "Canva"'],
)
async def test_every_admin_tools_subcommand_refuses_non_admins(bot: RunningBot, args: str) -> None:
    answer = await rotnem(bot, GUIDE, f"admin {args}")
    body = answer.response.json()
    assert body["response_type"] == "ephemeral"
    assert body["text"].startswith("Only program admins can do that.")
    async with bot.deps.sessionmaker() as session:
        tools = list(await session.scalars(select(Tool)))
    assert len(tools) == 27 and all(t.removed_at is None for t in tools)


async def admin(bot: RunningBot, args: str) -> dict[str, Any]:
    answer = await rotnem(bot, ADMIN_ID, f"admin {args}")
    message = await reply(bot, answer)
    assert message["response_type"] == "ephemeral"
    return message


async def test_hr_lists_adds_and_removes_tools(bot: RunningBot) -> None:
    listing = await admin(bot, "tools")
    assert "27 tools offered" in listing["text"]
    assert "Generative AI assistants" in listing["text"]
    assert "LinkedIn — Build a profile" in listing["text"]

    added = await admin(bot, "tools add “Figma” — design screens together in the browser")
    assert added["text"].startswith("Added Figma — design screens together")
    assert "already in the catalogue" in (await admin(bot, 'tools add "figma" - again'))["text"]
    assert "Add a one-line description" in (await admin(bot, 'tools add "Miro2"'))["text"]
    assert "Put the tool's name in quotes" in (await admin(bot, "tools add Figma"))["text"]
    long_name = "x" * 41
    assert "at most 40" in (await admin(bot, f'tools add "{long_name}" — too long'))["text"]

    modal = await open_modal(bot, GUIDE)
    groups = next(b for b in modal["blocks"] if b.get("block_id") == BlockId.PROFILE_TEACH)
    more = groups["element"]["option_groups"][-1]
    assert more["label"]["text"] == "More tools"
    assert [o["text"]["text"] for o in more["options"]] == ["Figma"]

    removed = await admin(bot, 'tools remove "Figma"')
    assert "no longer offered" in removed["text"]
    assert "There is no tool called" in (await admin(bot, 'tools remove "Figma"'))["text"]
    assert "27 tools offered" in (await admin(bot, "tools"))["text"]
    readded = await admin(bot, 'tools add "Figma" — back again')
    assert readded["text"].startswith("Added Figma — back again")
    assert "I don't know `tools frobnicate`" in (await admin(bot, "tools frobnicate"))["text"]

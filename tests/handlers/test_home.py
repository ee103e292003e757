"""The App Home tab: newcomer, participant and HR admin views, its buttons, and what a pair's
check-ins show there and in `/rotnem status`."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.ids import ActionId, BlockId, CallbackId
from tests.factories import (
    ADMIN_ID,
    GUEST,
    GUIDE,
    LEARNER,
    PAIR_GUIDE,
    PAIR_LEARNER,
    Program,
    RunningBot,
    asked,
    button_ids,
    click_home,
    eventually,
    find_button,
    home_of,
    home_text,
    join,
    open_home,
    participant,
    profile_answers,
    state_log,
    submit,
    tool_ids,
)


async def test_a_newcomer_sees_what_the_program_is_and_joins_from_the_button(
    bot: RunningBot,
) -> None:
    home = await open_home(bot, GUIDE)
    text = home_text(bot, GUIDE)
    assert "Welcome to Rotnem" in text and "*guides*" in text and "*learners*" in text
    assert button_ids(home["blocks"]) == {ActionId.JOIN}
    assert "`/rotnem join`" in text
    assert "Program summary" not in text

    await click_home(bot, GUIDE, ActionId.JOIN)
    modal = (await eventually(lambda: bot.slack.open_views(GUIDE)))[-1]
    assert modal["callback_id"] == CallbackId.PROFILE
    assert modal["title"]["text"] == "Join Rotnem"
    answers = profile_answers(role="guide", teach=await tool_ids(bot, "Zapier"))
    publishes = bot.slack.count("views.publish")
    assert await submit(bot, GUIDE, modal, answers) == {}
    await bot.slack.wait_for("views.publish", publishes + 1)
    assert "Your reverse mentoring" in home_text(bot, GUIDE)
    assert (await state_log(bot, GUIDE)) == [(None, "active", "home:profile")]


async def test_a_participant_sees_their_state_and_the_buttons_do_what_the_commands_do(
    bot: RunningBot,
) -> None:
    await join(
        bot,
        LEARNER,
        profile_answers(
            role="learner",
            learn=await tool_ids(bot, "ChatGPT"),
            learn_other="Obsidian",
            share="How procurement works",
            department="Procurement",
            goals="Stop fearing AI",
        ),
    )
    home = await open_home(bot, LEARNER)
    text = home_text(bot, LEARNER)
    for shown in (
        "Active",
        "Learner — you learn tools",
        "ChatGPT, Obsidian",
        "How procurement works",
        "Procurement",
        "None yet",
        "Stop fearing AI",  # goals: only on their own Home
    ):
        assert shown in text, shown
    assert button_ids(home["blocks"]) == {ActionId.EDIT_PROFILE, ActionId.PAUSE, ActionId.LEAVE}
    leave = find_button(home["blocks"], ActionId.LEAVE)
    assert leave["confirm"]["title"]["text"] == "Leave the program?"

    publishes = bot.slack.count("views.publish")
    await click_home(bot, LEARNER, ActionId.PAUSE)
    await bot.slack.wait_for("views.publish", publishes + 1)
    home = home_of(bot, LEARNER)
    assert "Paused until Monday 7 December 2026" in home_text(bot, LEARNER)
    assert ActionId.RESUME in button_ids(home["blocks"])
    assert ActionId.PAUSE not in button_ids(home["blocks"])

    await click_home(bot, LEARNER, ActionId.RESUME)
    await bot.slack.wait_for("views.publish", publishes + 2)
    assert ActionId.PAUSE in button_ids(home_of(bot, LEARNER)["blocks"])

    opened = len(bot.slack.open_views(LEARNER))
    await click_home(bot, LEARNER, ActionId.EDIT_PROFILE)
    modal = await eventually(lambda: len(bot.slack.open_views(LEARNER)) > opened)
    assert modal
    edit = bot.slack.open_views(LEARNER)[-1]
    assert edit["title"]["text"] == "Your Rotnem profile"

    await click_home(bot, LEARNER, ActionId.LEAVE)
    await bot.slack.wait_for("views.publish", publishes + 3)
    assert "Join again" in home_text(bot, LEARNER)
    assert button_ids(home_of(bot, LEARNER)["blocks"]) == {ActionId.JOIN}
    row = await participant(bot, LEARNER)
    assert row is not None and row.state == "left"
    assert [change[2] for change in await state_log(bot, LEARNER)] == [
        "command:profile",
        "home:pause",
        "home:resume",
        "home:leave",
    ]


async def test_hr_admins_also_see_a_program_summary(bot: RunningBot) -> None:
    await join(bot, GUIDE, profile_answers(role="guide", teach=await tool_ids(bot, "Canva")))
    await join(bot, LEARNER, profile_answers(role="learner", learn=await tool_ids(bot, "Canva")))
    await open_home(bot, ADMIN_ID)
    text = home_text(bot, ADMIN_ID)
    assert "Welcome to Rotnem" in text  # an admin who has not joined is still a newcomer
    assert "Program summary (HR)" in text
    assert "Participants: 2*" in text
    assert "0 in a pair · 0 waitlisted · 2 not yet matched · 0 paused" in text
    assert "Guides: 1 · Learners: 1 · Both ways: 0" in text
    await open_home(bot, GUIDE)
    assert "Program summary" not in home_text(bot, GUIDE)


async def test_a_guest_clicking_join_is_told_why_in_a_modal(bot: RunningBot) -> None:
    await open_home(bot, GUEST)
    await click_home(bot, GUEST, ActionId.JOIN)
    notice = (await eventually(lambda: bot.slack.open_views(GUEST)))[-1]
    assert notice["callback_id"] == CallbackId.NOTICE
    assert "guest accounts can't join" in notice["blocks"][0]["text"]["text"]
    assert await participant(bot, GUEST) is None


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

"""Pause (by duration, by date, ending by itself), resume, leave with confirmation, status, help."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.ids import ActionId
from bot.services.enrollment.lifecycle import resume_due_pauses
from tests.factories import (
    BOTH_BACKENDS,
    GUIDE,
    LEARNER,
    RunningBot,
    click_ephemeral,
    ephemeral_text,
    eventually,
    eventually_async,
    join,
    participant,
    profile_answers,
    reply,
    rotnem,
    state_log,
    tool_ids,
)


async def join_guide(bot: RunningBot) -> None:
    teach = await tool_ids(bot, "ChatGPT", "WhatsApp")
    await join(bot, GUIDE, profile_answers(role="guide", teach=teach, department="Sales"))


@BOTH_BACKENDS
async def test_pause_for_two_weeks_then_it_ends_by_itself_on_that_date(bot: RunningBot) -> None:
    await join_guide(bot)
    text = await ephemeral_text(bot, GUIDE, "pause 2w")
    assert "You're paused until Monday 7 December 2026" in text
    row = await participant(bot, GUIDE)
    assert row is not None and row.state == "paused"
    assert row.paused_until == datetime(2026, 12, 7, tzinfo=UTC)  # London midnight
    status = await ephemeral_text(bot, GUIDE, "status")
    assert "Paused until Monday 7 December 2026" in status

    bot.clock.advance(timedelta(days=13, hours=14))  # Sunday 6 December, 23:00
    assert "Paused until" in await ephemeral_text(bot, GUIDE, "status")
    bot.clock.advance(timedelta(hours=1, minutes=1))
    # Over as soon as the date comes, whether or not the job has run yet.
    assert "State: Active" in await ephemeral_text(bot, GUIDE, "status")

    async with bot.deps.sessionmaker.begin() as session:
        assert await resume_due_pauses(session, bot.clock.now()) == 1
    async with bot.deps.sessionmaker.begin() as session:
        assert await resume_due_pauses(session, bot.clock.now()) == 0
    row = await participant(bot, GUIDE)
    assert row is not None and (row.state, row.paused_until) == ("active", None)
    assert await state_log(bot, GUIDE) == [
        (None, "active", "command:profile"),
        ("active", "paused", "command:pause"),
        ("paused", "active", "automatic"),
    ]


async def test_pause_by_days_or_until_a_date_in_the_persons_time_zone(bot: RunningBot) -> None:
    await join(bot, LEARNER, profile_answers(role="learner", learn=await tool_ids(bot, "TikTok")))
    assert "Thursday 3 December 2026" in await ephemeral_text(bot, LEARNER, "pause 10d")
    text = await ephemeral_text(bot, LEARNER, "pause until 2027-01-15")
    assert "You're paused until Friday 15 January 2027" in text
    row = await participant(bot, LEARNER)
    assert row is not None
    assert row.paused_until == datetime(2027, 1, 15, 5, tzinfo=UTC)  # New York midnight
    assert [change[:2] for change in await state_log(bot, LEARNER)] == [
        (None, "active"),
        ("active", "paused"),
        ("paused", "paused"),
    ]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ("", "For how long would you like to pause?"),
        ("soon", "I couldn't read “soon”"),
        ("until 2020-01-01", "2020-01-01 is not in the future"),
        ("400w", "at most 26 weeks"),
        ("0d", "at least one day"),
        ("until 2027-02-30", "I couldn't read"),
    ],
)
async def test_a_pause_that_does_not_parse_says_why_shows_an_example_and_changes_nothing(
    bot: RunningBot, args: str, says: str
) -> None:
    await join_guide(bot)
    text = await ephemeral_text(bot, GUIDE, f"pause {args}")
    assert says in text
    assert "`/rotnem pause 2w`" in text and "`/rotnem pause until 2026-12-07`" in text
    assert text.endswith("Nothing was changed.")
    row = await participant(bot, GUIDE)
    assert row is not None and row.state == "active"
    assert len(await state_log(bot, GUIDE)) == 1


async def test_resume_ends_a_pause_now(bot: RunningBot) -> None:
    await join_guide(bot)
    assert "not paused" in await ephemeral_text(bot, GUIDE, "resume")
    await ephemeral_text(bot, GUIDE, "pause 2w")
    assert "You're active again" in await ephemeral_text(bot, GUIDE, "resume")
    row = await participant(bot, GUIDE)
    assert row is not None and (row.state, row.paused_until) == ("active", None)
    assert (await state_log(bot, GUIDE))[-1] == ("paused", "active", "command:resume")


async def test_leave_asks_first_and_only_the_confirm_button_leaves(bot: RunningBot) -> None:
    await join_guide(bot)
    answer = await rotnem(bot, GUIDE, "leave")
    question = await reply(bot, answer)
    assert question["text"].startswith("Leave the program?")
    row = await participant(bot, GUIDE)
    assert row is not None and row.state == "active"

    url = await click_ephemeral(bot, GUIDE, question, ActionId.LEAVE_CANCEL)
    stayed = await eventually(lambda: bot.slack.responses(url))
    assert stayed[0]["replace_original"] is True
    assert "nothing changed" in stayed[0]["text"]

    publishes = bot.slack.count("views.publish")
    url = await click_ephemeral(bot, GUIDE, question, ActionId.LEAVE_CONFIRM)
    left = await eventually(lambda: bot.slack.responses(url))
    assert left[0]["text"].startswith("You've left the program.")
    await bot.slack.wait_for("views.publish", publishes + 1)
    row = await participant(bot, GUIDE)
    assert row is not None
    assert (row.state, row.left_at) == ("left", bot.clock.now())
    assert (await state_log(bot, GUIDE))[-1] == ("active", "left", "button:leave_confirm")

    # The history stays; the person is out of everything until they join again.
    assert "Left the program on Monday 23 November 2026" in await ephemeral_text(
        bot, GUIDE, "status"
    )
    for command in ("pause 2w", "resume", "leave"):
        assert "not in the program" in await ephemeral_text(bot, GUIDE, command)
    url = await click_ephemeral(bot, GUIDE, question, ActionId.LEAVE_CONFIRM)
    assert "not in the program" in (await eventually(lambda: bot.slack.responses(url)))[0]["text"]


async def test_rejoining_after_leaving_is_logged_as_such(bot: RunningBot) -> None:
    await join_guide(bot)
    answer = await rotnem(bot, GUIDE, "leave")
    url = await click_ephemeral(bot, GUIDE, await reply(bot, answer), ActionId.LEAVE_CONFIRM)
    await eventually(lambda: bot.slack.responses(url))
    await join(bot, GUIDE, profile_answers(role="learner", learn=await tool_ids(bot, "Loom")))
    row = await participant(bot, GUIDE)
    assert row is not None and (row.state, row.role, row.left_at) == ("active", "learner", None)
    assert [change[:2] for change in await state_log(bot, GUIDE)] == [
        (None, "active"),
        ("active", "left"),
        ("left", "active"),
    ]


async def test_status_shows_role_state_partner_and_tools(bot: RunningBot) -> None:
    assert "not in the program yet" in await ephemeral_text(bot, GUIDE, "status")
    await join_guide(bot)
    text = await ephemeral_text(bot, GUIDE, "status")
    assert "Role: Guide — you teach tools" in text
    assert "State: Active" in text
    assert "Partner: None yet" in text
    assert "Teaches: WhatsApp, ChatGPT" in text  # catalogue order
    assert "Department: Sales" in text
    assert "Wants to learn" not in text


async def test_help_lists_every_enrollment_command(bot: RunningBot) -> None:
    answer = await rotnem(bot, GUIDE, "help")
    text = answer.response.json()["text"]
    for usage in ("join", "profile", "pause 2w", "resume", "leave", "status", "help"):
        assert f"`/rotnem {usage}" in text
    assert "admin tools" not in text
    admin = (await rotnem(bot, "UADMIN001", "help")).response.json()["text"]
    assert '`/rotnem admin tools [add "Name"' in admin


async def test_name_and_time_zone_are_refreshed_at_most_once_a_day(bot: RunningBot) -> None:
    await join_guide(bot)
    bot.slack.add_user(GUIDE, real_name="Gia Renamed", tz="Asia/Tokyo")
    calls = bot.slack.count("users.info")
    await ephemeral_text(bot, GUIDE, "status")
    bot.clock.advance(timedelta(hours=23))
    await ephemeral_text(bot, GUIDE, "status")
    assert bot.slack.count("users.info") == calls
    bot.clock.advance(timedelta(hours=2))
    await ephemeral_text(bot, GUIDE, "status")
    await bot.slack.wait_for("users.info", calls + 1)

    async def refreshed() -> bool:
        found = await participant(bot, GUIDE)
        return found is not None and (found.display_name, found.tz) == ("Gia Renamed", "Asia/Tokyo")

    assert await eventually_async(refreshed)

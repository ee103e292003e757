"""Enrollment over signed HTTP: joining through `/rotnem join` and the profile modal, editing
it, who cannot join; pause (by duration, by date, ending by itself), resume, leave with
confirmation, status, help; the program-channel invite through the outbox; and the pause
argument read by value."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.ids import ActionId, BlockId, CallbackId
from bot.sandbox import FakeSlack
from bot.services.enrollment.lifecycle import check_pause_end, resume_due_pauses
from bot.services.errors import InvalidPause
from handlers.commands.enrollment import parse_pause
from models import OutboxMessage, Participant, StateChange
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
    click_ephemeral,
    command_modal,
    ephemeral_text,
    eventually,
    eventually_async,
    find_button,
    home_text,
    join,
    open_modal,
    participant,
    participant_tools,
    profile_answers,
    reply,
    rotnem,
    rows,
    saved,
    start_bot,
    state_log,
    submit,
    tool_ids,
)


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


@BOTH_BACKENDS
async def test_a_guide_joins_with_the_modal_opened_by_the_commands_trigger(bot: RunningBot) -> None:
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
    assert saved(await submit(bot, GUIDE, view, answers))
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
    values: dict[str, Any] = {
        BlockId(f"profile_{k}"): v for k, v in answers.items() if v is not None
    }
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
    assert saved(await submit(bot, GUIDE, view, edited))
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
    assert len(acks) == 3 and all(saved(ack) for ack in acks)
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
    # Twice: the language of someone not in the program is asked of Slack first.
    bot.slack.fail("users.info", error="user_not_found", times=2)
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


PROGRAM = "C0PROGRAM1"


@pytest.fixture
async def program_bot(
    database_url: str, people: FakeSlack, clock: ManualClock
) -> AsyncIterator[RunningBot]:
    async with start_bot(
        database_url=database_url, slack=people, clock=clock, rotnem_program_channel=PROGRAM
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
    assert saved(await submit(bot, GUIDE, modal, answers))
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

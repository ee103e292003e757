"""HR's program commands: the stats figures on a known data set, the settings modal and its
log."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.ids import ActionId, BlockId
from models import OutboxMessage, SettingsChange
from tests.factories import (
    ADMIN_ID,
    BOTH_BACKENDS,
    Program,
    eventually_async,
    known_program,
    settings_errors,
    settings_view,
)


async def test_stats_figures_on_a_known_data_set(program: Program) -> None:
    await known_program(program)
    await program.stalls()  # at-risk pairs are the stalls the stall job found
    await program.command("admin stats")
    (answer,) = await program.answers(1)
    text = answer["text"]
    assert "Participants: 6\n6 in a pair · 0 waitlisted · 0 not yet matched · 0 paused" in text
    assert "Guides: 3 · Learners: 3 · Both ways: 0" in text
    assert "Active pairs: 3" in text
    assert "Sessions this cycle (since 23 Nov 2026): 2" in text
    assert "Meet rate: no pair prompted yet" in text  # one meaning: prompted pair-weeks met
    assert "last 2 weeks" not in text
    assert "3.7/5 from 3 reports (guides 4.0, learners 3.5)" in text
    assert "Sessions covering each tool: ChatGPT (1), LinkedIn (1)" in text  # not 2 reports
    assert "At-risk pairs: 1" in text and "<@U0GC>" in str(answer["blocks"])
    assert "PRIVATE-NOTE" not in str(answer)


async def test_settings_modal_refuses_bad_values_by_field_and_logs_changes(
    program: Program,
) -> None:
    await program.command("admin settings")
    await program.slack.wait_for("views.open", 1)
    view = program.slack.open_views(ADMIN_ID)[-1]
    answers: dict[str, str] = {
        BlockId.SETTINGS_CYCLE_WEEKS: "12",
        BlockId.SETTINGS_NUDGE_DAY: "1",
        BlockId.SETTINGS_NUDGE_HOUR: "9",
        BlockId.SETTINGS_CHECKIN_DELAY: "3",
        BlockId.SETTINGS_STALL_WEEKS: "0",
        BlockId.SETTINGS_TZ: "prefer_close",
        BlockId.SETTINGS_AUTO: "no",
        BlockId.SETTINGS_SHARED_TOOL: "no",
        BlockId.SETTINGS_ANONYMITY_K: "5",
    }
    bad = await program.bot.requester.submit_view(view=view, user_id=ADMIN_ID, answers=answers)
    errors = bad.json()["errors"]
    assert (
        list(errors) == [BlockId.SETTINGS_STALL_WEEKS]
        and "Stall alert" in errors[BlockId.SETTINGS_STALL_WEEKS]
    )
    answers[BlockId.SETTINGS_STALL_WEEKS] = "4"
    ok = await program.bot.requester.submit_view(view=view, user_id=ADMIN_ID, answers=answers)
    assert ok.status_code == 200 and ok.text in ("", "null")
    changes = await program.rows(SettingsChange)
    assert sorted((c.field, c.old_value, c.new_value, c.actor_id) for c in changes) == [
        ("nudge_hour", "10", "9", ADMIN_ID),
        ("nudge_weekday", "0", "1", ADMIN_ID),
        ("stall_weeks", "3", "4", ADMIN_ID),
    ]
    await program.slack.wait_for("chat.postMessage", 1)
    assert "Monday → Tuesday" in str(program.dm(ADMIN_ID)[-1]["blocks"])
    # A non-admin cannot open it.
    await program.command("admin settings", user="U0NOBODY1")
    assert len(program.slack.open_views()) == 1


async def test_a_cadence_that_does_not_fit_the_cycle_or_the_stall_alert_is_refused_on_its_field(
    program: Program,
) -> None:
    view = await settings_view(program)

    async def errors_of(**changed: str) -> dict[str, str]:
        return await settings_errors(program, view, **{BlockId.SETTINGS_CADENCE: "4", **changed})

    # Every four weeks with an alert after three silent weeks: HR would hear of every pair.
    assert await errors_of() == {
        BlockId.SETTINGS_STALL_WEEKS: "Stall alert: with sessions every four weeks, wait 4 weeks "
        "or more, or HR is alerted between two sessions."
    }
    assert await errors_of(
        **{BlockId.SETTINGS_STALL_WEEKS: "4", BlockId.SETTINGS_CYCLE_WEEKS: "6"}
    ) == {
        BlockId.SETTINGS_CYCLE_WEEKS: "Cycle length: 8 weeks or more leaves room for two sessions "
        "every four weeks."
    }
    assert await program.rows(SettingsChange) == []
    assert await errors_of(**{BlockId.SETTINGS_STALL_WEEKS: "5"}) == {}
    changes = await program.rows(SettingsChange)
    assert sorted((c.field, c.old_value, c.new_value) for c in changes) == [
        ("cadence_weeks", "1", "4"),
        ("stall_weeks", "3", "5"),
    ]
    await program.slack.wait_for("chat.postMessage", 1)
    assert "Every week → Every four weeks (about monthly)" in str(
        program.dm(ADMIN_ID)[-1]["blocks"]
    )
    # The modal opens with what is in force.
    await program.command("admin settings")
    await program.slack.wait_for("views.open", 2)
    reopened = program.slack.open_views(ADMIN_ID)[-1]
    cadence = next(b for b in reopened["blocks"] if b.get("block_id") == BlockId.SETTINGS_CADENCE)
    assert cadence["element"]["initial_option"]["value"] == "4"


async def test_hr_starts_from_a_template_and_new_pairs_read_its_kickoff_agreement(
    program: Program,
) -> None:
    settings = await settings_view(program)
    await program.bot.requester.click(
        user_id=ADMIN_ID,
        action_id=ActionId.SETTINGS_TEMPLATE,
        block_id=next(b["block_id"] for b in settings["blocks"] if b.get("accessory")),
        value="open",
        view=settings,
    )
    await program.slack.wait_for("views.push", 1)
    chooser = program.slack.open_views(ADMIN_ID)[-1]
    assert "Six weeks, 30 minutes every week, one tool at a time." in str(chooser["blocks"])
    # Someone else's forged submission changes nothing.
    forged = await program.bot.requester.submit_view(
        view=chooser, user_id="U0NOBODY1", answers={BlockId.TEMPLATE_CHOICE: "tools_sprint"}
    )
    assert forged.json()["response_action"] == "errors"
    applied = await program.bot.requester.submit_view(
        view=chooser, user_id=ADMIN_ID, answers={BlockId.TEMPLATE_CHOICE: "tools_sprint"}
    )
    assert applied.json() == {"response_action": "clear"}
    changes = await program.rows(SettingsChange)
    assert sorted((c.field, c.old_value, c.new_value) for c in changes) == [
        ("cycle_weeks", "12", "6"),
        ("stall_weeks", "3", "2"),
        ("template", None, "tools_sprint"),
    ]
    await program.slack.wait_for("chat.postMessage", 1)
    assert "Program template: (default) → Tools sprint" in str(program.dm(ADMIN_ID)[-1]["blocks"])

    await program.join("U0TGUIDE1", "Tia G", "guide", teaches=["ChatGPT"])
    await program.join("U0TLEARN1", "Tom L", "learner", learns=["ChatGPT"])
    proposal = await program.propose()
    assert (await program.click(proposal, ActionId.ROUND_APPROVE)).status_code == 200
    await program.deliver()
    (pair,) = await program.pairs()
    intro = str(program.posts(pair.group_channel_id or "")[0]["blocks"])
    assert "Six weeks, one 30-minute session a week" in intro


async def test_hr_picks_the_program_channel_and_rotnem_must_be_in_the_channels_it_uses(
    program: Program,
) -> None:
    program.slack.add_channel("C0NOTIN01", name="hr-only", bot_is_member=False)
    program.slack.add_channel("C0OPTIN01", name="reverse-mentoring-opt-in")
    view = await settings_view(program)

    async def submit(**changed: str) -> dict[str, str]:
        return await settings_errors(program, view, **changed)

    # A channel Rotnem is not in: it could neither announce there nor see who joins.
    errors = await submit(**{BlockId.SETTINGS_PROGRAM_CHANNEL: "C0NOTIN01"})
    assert errors == {
        BlockId.SETTINGS_PROGRAM_CHANNEL: "Program channel: Rotnem is not in that channel. "
        "Type /invite @Rotnem in it, then save again."
    }
    errors = await submit(**{BlockId.SETTINGS_CHANNEL: "C0NOTIN01"})
    assert list(errors) == [BlockId.SETTINGS_CHANNEL]
    assert await program.rows(SettingsChange) == []
    assert await submit(**{BlockId.SETTINGS_PROGRAM_CHANNEL: "C0OPTIN01"}) == {}
    changes = await program.rows(SettingsChange)
    assert [(c.field, c.new_value) for c in changes] == [("program_channel", "C0OPTIN01")]

    # Whoever joins that channel is invited, in no other.
    program.slack.add_user("U0NEWBIE1", real_name="Nia Newbie")
    for channel in ("C0OTHER01", "C0OPTIN01"):
        event = {"type": "member_joined_channel", "user": "U0NEWBIE1", "channel": channel}
        assert (await program.bot.requester.event(event)).status_code == 200

    async def invited() -> list[OutboxMessage]:
        return await program.outbox("invite")

    (invite,) = await eventually_async(invited)
    assert invite.open_users == ["U0NEWBIE1"] or invite.channel == "U0NEWBIE1"


@BOTH_BACKENDS
async def test_hr_appoints_a_program_manager_who_runs_the_program_until_removed(
    program: Program,
) -> None:
    manager = "U0MANAGE1"
    program.slack.add_user(manager, real_name="Mo Manager")

    async def settings_as(user: str, **changed: Any) -> dict[str, str]:
        return await settings_errors(program, await settings_view(program, user), user, **changed)

    # Before: a stranger to the admin commands.
    refused = await program.command("admin stats", user=manager)
    assert "Only program admins" in refused.json()["text"]
    assert await settings_as(ADMIN_ID, **{BlockId.SETTINGS_MANAGERS: [manager]}) == {}
    changes = await program.rows(SettingsChange)
    assert [(c.field, c.old_value, c.new_value) for c in changes] == [("managers", None, manager)]

    # The manager runs the program: the help lists the admin commands, the stats answer, and
    # HR's messages reach them too.
    help_text = (await program.command("help", user=manager)).json()["text"]
    assert "admin wording" in help_text
    await program.command("admin stats", user=manager)
    (stats,) = await program.answers(1, user=manager)
    assert "Participants" in stats["text"]
    await known_program(program)
    await program.stalls()  # a pair of the known program has gone quiet
    await program.deliver()
    alerts = [m for m in program.dm(manager) if "reported no session" in m["text"]]
    assert len(alerts) == 1 and alerts[0]["text"] in [m["text"] for m in program.dm(ADMIN_ID)]

    # A manager changes settings, not who the managers are.
    errors = await settings_as(manager, **{BlockId.SETTINGS_MANAGERS: [manager, "U0FRIEND1"]})
    assert errors == {
        BlockId.SETTINGS_MANAGERS: "Program managers: only Rotnem's administrators "
        "(ROTNEM_ADMINS) change this list."
    }
    assert await settings_as(manager, **{BlockId.SETTINGS_STALL_WEEKS: "4"}) == {}

    # Removed: refused at once, whatever the modal they still have open shows.
    assert await settings_as(ADMIN_ID, **{BlockId.SETTINGS_MANAGERS: []}) == {}
    refused = await program.command("admin stats", user=manager)
    assert "Only program admins" in refused.json()["text"]


async def test_hr_pauses_the_whole_program_for_a_break_and_a_day_past_is_refused(
    program: Program,
) -> None:
    view = await settings_view(program)

    async def submit(day: str) -> dict[str, str]:
        return await settings_errors(program, view, **{BlockId.SETTINGS_PAUSED_UNTIL: day})

    # Today is Monday 23 November 2026 in the tests' clock.
    for day in ("2026-11-23", "2026-01-05", "2027-12-01"):
        assert list(await submit(day)) == [BlockId.SETTINGS_PAUSED_UNTIL], day
    assert await program.rows(SettingsChange) == []
    assert await submit("2027-01-04") == {}
    (change,) = await program.rows(SettingsChange)
    assert (change.field, change.old_value, change.new_value) == (
        "paused_until",
        None,
        "2027-01-04",
    )
    await program.slack.wait_for("chat.postMessage", 1)
    assert "Monday 4 January 2027" in str(program.dm(ADMIN_ID)[-1]["blocks"])


async def test_once_a_break_is_over_the_settings_save_without_touching_its_day(
    program: Program,
) -> None:
    await program.update_settings(paused_until=date(2027, 1, 4))
    program.clock.advance(timedelta(weeks=7))  # Monday 11 January 2027: the break is over
    view = await settings_view(program)
    paused = next(b for b in view["blocks"] if b.get("block_id") == BlockId.SETTINGS_PAUSED_UNTIL)
    assert "initial_date" not in paused["element"]  # its day, now past, is not offered again
    # Saved: no error on a field HR never touched.
    assert await settings_errors(program, view, **{BlockId.SETTINGS_STALL_WEEKS: "4"}) == {}
    assert "stall_weeks" in {change.field for change in await program.rows(SettingsChange)}


@BOTH_BACKENDS
async def test_a_program_name_with_a_control_character_is_refused_on_its_field(
    program: Program,
) -> None:
    view = await settings_view(program)
    errors = await settings_errors(program, view, **{BlockId.SETTINGS_NAME: "Pilot\x00 France"})
    assert errors == {
        BlockId.SETTINGS_NAME: "This text holds invisible control characters; please type it again."
    }
    assert await program.rows(SettingsChange) == []


@BOTH_BACKENDS
async def test_the_settings_log_names_every_manager_appointed(program: Program) -> None:
    managers = [f"U0MANAGE{i:02d}" for i in range(20)]  # as many as a program takes
    for user in managers:
        program.slack.add_user(user, real_name=f"Manager {user}")
    view = await settings_view(program)
    appointed: dict[str, Any] = {BlockId.SETTINGS_MANAGERS: managers}
    assert await settings_errors(program, view, **appointed) == {}
    (change,) = await program.rows(SettingsChange)
    assert (change.field, sorted((change.new_value or "").split())) == ("managers", managers)
    await program.slack.wait_for("chat.postMessage", 1)
    confirmation = str(program.dm(ADMIN_ID)[-1]["blocks"])
    assert all(f"<@{user}>" in confirmation for user in managers)

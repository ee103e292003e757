"""A directory that follows the company, over signed HTTP against the fake Slack: a deactivation
mid-cycle, a manager change that puts a running pair inside one reporting line, a guest
conversion, the welcome on team_join, the manager field in the settings modal, and the profile
modal showing Slack's manager read-only from a cache."""

from __future__ import annotations

import asyncio
import copy
from datetime import timedelta
from typing import Any

import httpx

from bot.ids import BlockId
from bot.sandbox.driver import settle
from bot.sandbox.signing import team_join_event, user_change_event
from models import OutboxMessage, Pair, Participant, Round, SettingsChange
from tests.factories import (
    ADMIN_ID,
    BOTH_BACKENDS,
    JSON,
    SETTINGS_AS_OPENED,
    Program,
    command_modal,
    eventually_async,
    profile_answers,
    saved,
    submit,
    tool_ids,
)

GUIDE, LEARNER, OTHER_GUIDE = "U0DIRG001", "U0DIRL001", "U0DIRG002"
# Not in the program: the learner's line manager, and a newcomer.
MIDDLE, NEWCOMER = "U0DIRM001", "U0DIRN001"
MANAGER_FIELD, TEAM_FIELD = "Xf0MANAGER", "Xf0TEAMNAM"


async def delivered(program: Program, event: JSON, **options: Any) -> httpx.Response:
    """Deliver an event and wait for what the bot does after acknowledging it."""
    before = set(asyncio.all_tasks())
    response = await program.bot.requester.event(event, **options)
    await settle(before)
    return response


async def changed(program: Program, user_id: str, **changes: Any) -> None:
    """Slack's user_change for `user_id` with `changes` applied to the stored user object."""
    user = program.slack.user(user_id)
    user.update(changes)
    response = await delivered(program, user_change_event(user))
    assert response.status_code == 200


async def person(program: Program, user_id: str) -> Participant:
    (row,) = await program.rows(Participant, user_id=user_id)
    return row


def texts(messages: list[JSON]) -> str:
    return "\n".join(str(m.get("text", "")) for m in messages)


async def manager_field(program: Program) -> None:
    """The workspace has a person-type manager field and a text field; the program reads
    managers from the first."""
    program.slack.add_profile_field(MANAGER_FIELD, "Manager", type="user")
    program.slack.add_profile_field(TEAM_FIELD, "Team", type="text")
    await program.update_settings(manager_field_id=MANAGER_FIELD)


@BOTH_BACKENDS
async def test_a_deactivation_mid_cycle_ends_the_pair_frees_the_partner_and_reaches_hr(
    program: Program,
) -> None:
    pair_id = await program.pair(GUIDE, LEARNER)
    event = user_change_event({**program.slack.user(GUIDE), "deleted": True})
    response = await delivered(program, event, event_id="Ev0DEACT0001")
    assert response.status_code == 200
    pair = await eventually_async(lambda: _ended(program, pair_id))  # listeners run after the ack
    assert pair.end_reason == "deactivated" and pair.ended_by is None
    gone = await person(program, GUIDE)
    assert gone.state == "left" and gone.left_at == program.clock.now()
    partner = await person(program, LEARNER)
    assert partner.state == "active" and partner.waitlisted_since == program.clock.now()

    # Slack retries the same delivery: acknowledged, nothing twice.
    again = await delivered(program, event, event_id="Ev0DEACT0001", retry_num=1)
    assert again.status_code == 200
    await program.deliver_all()
    told = program.dm(LEARNER)
    assert len(told) == 1
    assert "is no longer part of the workspace" in told[0]["text"]
    assert "first in line for the next round" in told[0]["text"]
    assert program.dm(GUIDE) == []

    # The partner is back in the pool: the next round pairs them with another guide.
    await program.person(OTHER_GUIDE, "guide", "Europe/Paris", ("ChatGPT", "LinkedIn"))
    await program.propose()
    (proposed,) = await program.rows(Round, status="proposed")
    assert [(p["guide"], p["learner"]) for p in proposed.proposal["pairs"]] == [
        (OTHER_GUIDE, LEARNER)
    ]

    # HR reads it in the report.
    await program.command("admin report")
    report = await eventually_async(lambda: _report(program))
    assert "Deactivated in Slack this cycle: 1 participant left the program" in report


async def _ended(program: Program, pair_id: int) -> Pair | None:
    pair = await program.pair_row(pair_id)
    return pair if pair.ended_at is not None else None


async def _report(program: Program) -> str | None:
    found = [m for m in program.dm(ADMIN_ID) if "Deactivated in Slack" in str(m.get("text"))]
    return str(found[-1]["text"]) if found else None


@BOTH_BACKENDS
async def test_a_new_manager_putting_a_pair_inside_one_reporting_line_alerts_hr_privately(
    program: Program,
) -> None:
    await manager_field(program)
    pair_id = await program.pair(GUIDE, LEARNER)
    program.slack.add_user(MIDDLE, real_name="Mia Middle")

    # The learner now reports to someone outside the program: no conflict yet.
    program.slack.set_profile_value(LEARNER, MANAGER_FIELD, MIDDLE)
    await changed(program, LEARNER)
    await program.slack.wait_for("users.profile.get", 1)
    assert await eventually_async(
        lambda: _manager_of(program, LEARNER, MIDDLE)
    )  # what the matching rules read
    assert await program.outbox("reporting_line") == []

    # Then that manager is placed under the guide: the chain runs through a non-participant.
    program.slack.set_profile_value(MIDDLE, MANAGER_FIELD, GUIDE)
    await changed(program, MIDDLE)
    alerts = await eventually_async(lambda: _alerts(program))
    assert [a.channel for a in alerts] == [ADMIN_ID]
    await program.deliver_all()
    (alert,) = program.dm(ADMIN_ID)
    assert f"<@{LEARNER}> reports to <@{GUIDE}>" in alert["text"]
    assert "admin unpair" in str(alert["blocks"]) and "Nothing has been said" in str(
        alert["blocks"]
    )
    # Nothing to the pair; the pair runs on until HR decides.
    assert program.dm(GUIDE) == [] and program.dm(LEARNER) == []
    assert (await program.pair_row(pair_id)).ended_at is None

    # The same change again (another delivery): still one alert.
    await changed(program, MIDDLE)
    await program.slack.wait_for("users.profile.get", 3)
    assert len(await program.outbox("reporting_line")) == 1


async def _manager_of(program: Program, user_id: str, manager_id: str) -> bool:
    return (await person(program, user_id)).manager_id == manager_id


async def _alerts(program: Program) -> list[OutboxMessage] | None:
    return await program.outbox("reporting_line") or None


@BOTH_BACKENDS
async def test_a_guest_conversion_keeps_the_pair_but_stops_new_pairing(program: Program) -> None:
    pair_id = await program.pair(GUIDE, LEARNER)
    await program.person(OTHER_GUIDE, "guide", "Europe/Paris", ("ChatGPT",))
    await program.person("U0DIRL002", "learner", "Europe/Paris", ("ChatGPT",))
    program.clock.advance(timedelta(hours=1))

    await changed(program, OTHER_GUIDE, is_restricted=True, real_name="Gus Guest", tz="Asia/Tokyo")
    await changed(program, GUIDE, is_ultra_restricted=True)
    guest = await eventually_async(lambda: _guest(program, OTHER_GUIDE))
    # Identity comes from the event itself, without waiting for the daily users.info.
    assert (guest.display_name, guest.tz) == ("Gus Guest", "Asia/Tokyo")
    assert guest.identity_refreshed_at == program.clock.now()
    assert program.slack.count("users.info") == 0
    await eventually_async(lambda: _guest(program, GUIDE))

    assert (await program.pair_row(pair_id)).ended_at is None  # the running pair is left alone
    await program.propose()
    (proposed,) = await program.rows(Round, status="proposed")
    assert proposed.proposal["pairs"] == []  # the only free guide is a guest now
    await program.deliver_all()
    assert program.dm(GUIDE) == [] and program.dm(LEARNER) == []


async def _guest(program: Program, user_id: str) -> Participant | None:
    row = await person(program, user_id)
    return row if row.guest_since is not None else None


@BOTH_BACKENDS
async def test_team_join_welcomes_newcomers_only_when_the_program_invites_them(
    program: Program,
) -> None:
    newcomer = program.slack.add_user(NEWCOMER, real_name="Nia New")
    assert (await delivered(program, team_join_event(newcomer))).status_code == 200

    await program.update_settings(invite_new_people=True)
    guest = program.slack.add_user("U0DIRGST1", real_name="Guest", is_restricted=True)
    robot = program.slack.add_user("U0DIRBOT1", real_name="Robot", is_bot=True)
    late = program.slack.add_user("U0DIRN002", real_name="Lou Later")
    for user in (guest, robot, late, late):  # Slack may deliver a join twice
        assert (await delivered(program, team_join_event(user))).status_code == 200
    await eventually_async(lambda: _welcomes(program))
    welcomes = await program.outbox("welcome")
    assert [w.open_users for w in welcomes] == [["U0DIRN002"]]  # nobody before the setting
    await program.deliver_all()
    (welcome,) = program.dm("U0DIRN002")
    assert "Welcome aboard" in str(welcome["blocks"])
    assert "enrollment_join" in str(welcome["blocks"])


async def _welcomes(program: Program) -> list[OutboxMessage] | None:
    return await program.outbox("welcome") or None


async def test_odd_or_unknown_user_events_are_refused_or_ignored_never_a_500(
    program: Program,
) -> None:
    no_object = await delivered(program, {"type": "user_change", "user": "U0NOBODY1"})
    assert no_object.status_code == 400
    stranger = await delivered(
        program, user_change_event({"id": "U0NOBODY1", "deleted": True, "profile": "odd", "tz": 7})
    )
    assert stranger.status_code == 200
    assert await program.rows(Participant) == []


async def test_the_settings_modal_offers_only_person_fields_and_refuses_others(
    program: Program,
) -> None:
    program.slack.add_profile_field(MANAGER_FIELD, "Manager", type="user")
    program.slack.add_profile_field(TEAM_FIELD, "Team", type="text")
    await program.command("admin settings")
    await program.slack.wait_for("views.open", 1)
    view = program.slack.open_views(ADMIN_ID)[-1]
    select = next(b for b in view["blocks"] if b.get("block_id") == BlockId.SETTINGS_MANAGER_FIELD)
    assert [o["value"] for o in select["element"]["options"]] == ["none", MANAGER_FIELD]

    # A forged (or stale) answer naming the text field is refused on its field.
    forged = copy.deepcopy(view)
    for block in forged["blocks"]:
        if block.get("block_id") == BlockId.SETTINGS_MANAGER_FIELD:
            block["element"]["options"].append(
                {"text": {"type": "plain_text", "text": "Team"}, "value": TEAM_FIELD}
            )
    answers = {**SETTINGS_AS_OPENED, BlockId.SETTINGS_INVITE_NEW: "yes"}
    requester = program.bot.requester
    bad = await requester.submit_view(
        view=forged,
        user_id=ADMIN_ID,
        answers={**answers, BlockId.SETTINGS_MANAGER_FIELD: TEAM_FIELD},
    )
    errors = bad.json()["errors"]
    assert (
        list(errors) == [BlockId.SETTINGS_MANAGER_FIELD]
        and "“Team”" in errors[BlockId.SETTINGS_MANAGER_FIELD]
    )
    assert await program.rows(SettingsChange) == []

    ok = await requester.submit_view(
        view=view,
        user_id=ADMIN_ID,
        answers={**answers, BlockId.SETTINGS_MANAGER_FIELD: MANAGER_FIELD},
    )
    assert ok.status_code == 200 and ok.text in ("", "null")
    changes = await program.rows(SettingsChange)
    assert sorted((c.field, c.old_value, c.new_value) for c in changes) == [
        ("invite_new_people", "False", "True"),
        ("manager_field_id", None, MANAGER_FIELD),
    ]
    await program.slack.wait_for("chat.postMessage", 1)
    assert "(default) → Manager" in str(program.dm(ADMIN_ID)[-1]["blocks"])
    # The field list is read once for the modal and both submissions (Tier 3, cached).
    assert program.slack.count("team.profile.get") == 1


@BOTH_BACKENDS
async def test_the_profile_modal_shows_slacks_manager_read_only_from_a_cache(
    program: Program,
) -> None:
    await manager_field(program)
    program.slack.add_user(LEARNER, real_name="Lea Learner")
    program.slack.add_user(MIDDLE, real_name="Mia Middle")
    program.slack.set_profile_value(LEARNER, MANAGER_FIELD, MIDDLE)
    bot = program.bot

    _, view = await command_modal(bot, LEARNER, "join")
    ids = [b.get("block_id") for b in view["blocks"]]
    assert BlockId.PROFILE_MANAGER not in ids  # nothing to type: Slack says who
    shown = [b for b in view["blocks"] if b["type"] == "context" and "My manager" in str(b)]
    assert len(shown) == 1 and f"<@{MIDDLE}>" in str(shown[0])
    assert program.slack.count("users.profile.get") == 1

    learn = await tool_ids(bot, "ChatGPT")
    assert saved(await submit(bot, LEARNER, view, profile_answers(role="learner", learn=learn)))
    assert (await person(program, LEARNER)).manager_id == MIDDLE  # what matching reads

    # Opened again within the cache window: Slack is not asked again.
    await command_modal(bot, LEARNER, "profile")
    assert program.slack.count("users.profile.get") == 1
    # A day later it is.
    program.clock.advance(timedelta(days=1, minutes=1))
    program.slack.set_profile_value(LEARNER, MANAGER_FIELD, None)
    _, later = await command_modal(bot, LEARNER, "profile")
    assert program.slack.count("users.profile.get") == 2
    assert "none on your Slack profile" in str(later["blocks"])
    assert (await person(program, LEARNER)).manager_id is None

"""A workspace with two programs: each runs on its own (profiles, pairs, pauses, cadence, HR),
and the rules that are the company's hold across both — a pair that met in one is a repeat in
the other, a reporting line named anywhere keeps a pair apart everywhere, who someone is in
Slack (and leaving it) reaches every program, and deleting the workspace deletes them all.

Commands still reach the workspace's first program; the second one's work is done as its
stamped buttons and modals do (clicked over signed HTTP), or through the services HR's
commands call."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.blocks.rounds import pair_ended_message
from bot.i18n import speaking
from bot.ids import ActionId, BlockId
from bot.install.keys import in_workspace, program_number
from bot.jobs.learning import FOLLOW_UPS
from bot.jobs.rounds import end_due_cycles_job
from bot.sandbox.driver import settle
from bot.sandbox.signing import user_change_event
from bot.scheduler import run_job
from bot.services.enrollment.lifecycle import pause
from bot.services.errors import PairingRuleBroken
from bot.services.installs import delete_workspace, workspace_rows
from bot.services.program.closing import close_program
from bot.services.program.programs import programs_of_person
from bot.services.rounds.ending import PairEndedNotice
from bot.services.rounds.manual import create_manual_pair, unpair
from bot.services.rounds.propose import propose_round, send_proposal
from models import (
    DirectoryEntry,
    FollowUp,
    OutboxMessage,
    Pair,
    Participant,
    ProgramSettings,
    Round,
    SettingsChange,
    StallAlert,
    TeachBack,
    Workspace,
)
from tests.factories import (
    ADMIN_ID,
    BOTH_BACKENDS,
    JSON,
    START,
    Program,
    eventually,
    eventually_async,
    pick_program,
)

ANA, LEA, GIL, OMAR, BOSS = "U0ANA0001", "U0LEA0001", "U0GIL0001", "U0OMAR001", "U0BOSS001"
# Each program's manager (beside ROTNEM_ADMINS).
FIRST_MANAGER, SECOND_MANAGER = "U0MGR0001", "U0MGR0002"
MANAGER_FIELD = "Xf0MANAGER"
LONDON, PARIS = "Europe/London", "Europe/Paris"


# ---- helpers ---------------------------------------------------------------------------------


async def hand_pair_refused(program: Program, key: str, guide: str, learner: str) -> str:
    """The rule a hand-made pair in program `key` is refused by."""
    with pytest.raises(PairingRuleBroken) as refused:
        await program.pair_by_hand(guide, learner, key)
    return refused.value.rule


async def proposed_to_hr(program: Program, key: str) -> JSON:
    """A round proposed for program `key` (`admin pair`), as HR gets it in their DM."""
    deps = program.bot.deps
    now = program.clock.now()
    async with deps.sessionmaker.begin() as session:
        proposal = await propose_round(
            session, key, now=now, defaults=deps.program_defaults, proposed_by=ADMIN_ID
        )
        await send_proposal(session, key, proposal, admins=deps.settings.rotnem_admins, now=now)
    await program.deliver()
    return program.dm(ADMIN_ID)[-1]


async def pairs_in(program: Program, key: str) -> list[tuple[str, str]]:
    """Program `key`'s running pairs, as (guide, learner)."""
    names = {p.id: p.user_id for p in await program.rows(Participant, team_id=key)}
    return sorted(
        (names[pair.guide_id], names[pair.learner_id])
        for pair in await program.rows(Pair, team_id=key)
        if pair.ended_at is None
    )


async def rows_of(program: Program, user_id: str) -> dict[int, Participant]:
    """The person's rows, by program number."""
    return {
        program_number(row.team_id): row for row in await program.rows(Participant, user_id=user_id)
    }


async def changed(program: Program, user_id: str, **changes: Any) -> None:
    """Slack's user_change for `user_id`, with `changes` made to their user object; returns
    once the bot has done what it does after acknowledging it."""
    user = program.slack.user(user_id)
    user.update(changes)
    before = set(asyncio.all_tasks())
    response = await program.bot.requester.event(user_change_event(user))
    assert response.status_code == 200
    await settle(before)


# ---- each program on its own -----------------------------------------------------------------


@BOTH_BACKENDS
async def test_a_person_takes_part_in_two_programs_with_a_profile_a_pair_and_a_pause_in_each(
    program: Program,
) -> None:
    second = await program.new_program("AI sprint")
    await program.join(ANA, "Ana", "guide", teaches=["ChatGPT"], capacity=2)
    await program.join(ANA, "Ana", "learner", learns=["LinkedIn"], program=second)
    await program.join(LEA, "Lea", "learner", learns=["ChatGPT"])
    await program.join(GIL, "Gil", "guide", teaches=["LinkedIn"], program=second)
    await program.pair_by_hand(ANA, LEA)
    await program.pair_by_hand(GIL, ANA, second)

    profiles = await rows_of(program, ANA)
    assert [(n, row.role, row.capacity) for n, row in sorted(profiles.items())] == [
        (1, "guide", 2),
        (2, "learner", 1),
    ]
    assert await pairs_in(program, program.team_id) == [(ANA, LEA)]
    assert await pairs_in(program, second) == [(GIL, ANA)]
    async with program.bot.deps.sessionmaker() as session:
        joined = await programs_of_person(session, program.team_id, ANA)
    assert [p.key for p in joined] == [program.team_id, second]

    # A pause in the second program leaves her guiding in the first.
    async with program.bot.deps.sessionmaker.begin() as session:
        await pause(session, second, ANA, until=date(2026, 12, 14), now=START, via="test")
    profiles = await rows_of(program, ANA)
    assert (profiles[1].state, profiles[2].state) == ("active", "paused")


@BOTH_BACKENDS
async def test_each_program_prompts_at_its_own_cadence_day_and_hour(program: Program) -> None:
    """The first program every week on Monday 10:00, the second every two weeks on Wednesday
    14:00: over four weeks its pair gets half the prompts, on its own day."""
    second = await program.new_program("AI sprint")
    await program.update_settings(program=second, cadence_weeks=2, nudge_weekday=2, nudge_hour=14)
    weekly = await program.pair(GIL, LEA, LONDON)
    fortnightly = await program.pair(OMAR, ANA, LONDON, program=second)
    for week in range(4):
        program.at(datetime(2026, 11, 23, 10, 0, tzinfo=UTC) + timedelta(weeks=week))
        await program.tick()
        program.at(datetime(2026, 11, 25, 14, 0, tzinfo=UTC) + timedelta(weeks=week))
        await program.tick()

    def when(rows: list[Any]) -> list[tuple[str, str]]:
        return [(r.iso_week, r.due_at.strftime("%a %H:%M")) for r in rows]

    assert when(await program.prompts_of(weekly)) == [
        ("2026-W48", "Mon 10:00"),
        ("2026-W49", "Mon 10:00"),
        ("2026-W50", "Mon 10:00"),
        ("2026-W51", "Mon 10:00"),
    ]
    assert when(await program.prompts_of(fortnightly)) == [
        ("2026-W48", "Wed 14:00"),
        ("2026-W50", "Wed 14:00"),
    ]
    prompts = await program.outbox("prompt")
    assert sorted(row.team_id for row in prompts) == [program.team_id] * 4 + [second] * 2


# ---- rules across programs -------------------------------------------------------------------


@BOTH_BACKENDS
async def test_a_pair_that_met_in_one_program_is_a_repeat_in_the_other(program: Program) -> None:
    second = await program.new_program("AI sprint")
    await program.pair(GIL, LEA)  # they met in the first program
    # In the second, Gil shares both tools with Lea and Omar one: the engine would pick Gil.
    await program.join(GIL, "Gil", "guide", teaches=["ChatGPT", "LinkedIn"], program=second)
    await program.join(OMAR, "Omar", "guide", teaches=["ChatGPT"], program=second)
    await program.join(LEA, "Lea", "learner", learns=["ChatGPT", "LinkedIn"], program=second)

    proposal = await proposed_to_hr(program, second)
    assert f"<@{OMAR}>" in str(proposal["blocks"])
    await program.click(proposal, ActionId.ROUND_APPROVE)  # the button carries its program
    assert await pairs_in(program, second) == [(OMAR, LEA)]
    assert await pairs_in(program, program.team_id) == [(GIL, LEA)]

    # HR pairs Gil and Lea by hand anyway: allowed, and flagged as a repeat, as in one program.
    deps = program.bot.deps
    async with deps.sessionmaker.begin() as session:
        await unpair(session, second, LEA, actor_id=ADMIN_ID, now=program.clock.now())
        made = await create_manual_pair(
            session,
            second,
            GIL,
            LEA,
            actor_id=ADMIN_ID,
            now=program.clock.now(),
            defaults=deps.program_defaults,
            zone=deps.settings.zone,
        )
    assert made.repeat


@BOTH_BACKENDS
async def test_a_manager_named_in_one_programs_profile_keeps_the_pair_apart_in_the_other(
    program: Program,
) -> None:
    second = await program.new_program("AI sprint")
    await program.join(LEA, "Lea", "learner", learns=["ChatGPT"], manager=BOSS)
    # In the second program's profile Lea names no manager; her manager joins it as a guide.
    await program.join(LEA, "Lea", "learner", learns=["ChatGPT", "LinkedIn"], program=second)
    await program.join(BOSS, "Bo", "guide", teaches=["ChatGPT", "LinkedIn"], program=second)
    await program.join(OMAR, "Omar", "guide", teaches=["ChatGPT"], program=second)

    assert await hand_pair_refused(program, second, BOSS, LEA) == "reporting_line"
    proposal = await proposed_to_hr(program, second)
    await program.click(proposal, ActionId.ROUND_APPROVE)
    assert await pairs_in(program, second) == [(OMAR, LEA)]

    # A manager named in the second program's profile counts in the first one too.
    await program.join(OMAR, "Omar", "learner", learns=["ChatGPT"], manager=GIL, program=second)
    await program.join(GIL, "Gil", "guide", teaches=["ChatGPT"])
    await program.join(OMAR, "Omar", "learner", learns=["ChatGPT"])
    assert await hand_pair_refused(program, program.team_id, GIL, OMAR) == "reporting_line"


@BOTH_BACKENDS
async def test_the_workspaces_manager_field_gives_every_program_its_reporting_lines(
    program: Program,
) -> None:
    """Set in the first program's settings; someone only in the second program is read under
    it, and the second program's settings show it rather than choose one of their own."""
    program.slack.add_profile_field(MANAGER_FIELD, "Line manager", type="user")
    await program.update_settings(manager_field_id=MANAGER_FIELD)
    second = await program.new_program("AI sprint")
    await program.join(LEA, "Lea", "learner", learns=["ChatGPT"], program=second)
    await program.join(BOSS, "Bo", "guide", teaches=["ChatGPT"], program=second)

    program.slack.set_profile_value(LEA, MANAGER_FIELD, BOSS)
    await changed(program, LEA)
    assert program.slack.count("users.profile.get") == 1
    assert (await rows_of(program, LEA))[2].manager_id == BOSS
    (entry,) = await program.rows(DirectoryEntry)
    assert (entry.team_id, entry.user_id, entry.manager_id) == (program.team_id, LEA, BOSS)
    assert await hand_pair_refused(program, second, BOSS, LEA) == "reporting_line"

    # The second program's settings (its Home button carries its program).
    opened = program.slack.count("views.open")
    home = {"type": "home", "id": "V0HOME001", "blocks": [], "private_metadata": ""}
    response = await program.bot.requester.click(
        user_id=ADMIN_ID,
        action_id=ActionId.HOME_SETTINGS,
        block_id="home_admin",
        value="~2~settings",
        view=home,
    )
    assert response.status_code == 200
    await program.slack.wait_for("views.open", opened + 1)
    view = program.slack.open_views(ADMIN_ID)[-1]
    assert BlockId.SETTINGS_MANAGER_FIELD not in [b.get("block_id") for b in view["blocks"]]
    assert "profile field “Line manager”, for every program" in str(view["blocks"])
    as_opened: dict[str, str] = {
        BlockId.SETTINGS_CYCLE_WEEKS: "6",
        BlockId.SETTINGS_NUDGE_DAY: "0",
        BlockId.SETTINGS_NUDGE_HOUR: "9",  # the one change
        BlockId.SETTINGS_CHECKIN_DELAY: "3",
        BlockId.SETTINGS_STALL_WEEKS: "2",
        BlockId.SETTINGS_TZ: "prefer_close",
        BlockId.SETTINGS_AUTO: "no",
        BlockId.SETTINGS_SHARED_TOOL: "no",
        BlockId.SETTINGS_ANONYMITY_K: "5",
    }
    logged = len(await program.rows(SettingsChange))
    saved = await program.bot.requester.submit_view(view=view, user_id=ADMIN_ID, answers=as_opened)
    assert saved.status_code == 200 and saved.text in ("", "null")
    changes = (await program.rows(SettingsChange))[logged:]
    assert [(c.team_id, c.field, c.old_value, c.new_value) for c in changes] == [
        (second, "nudge_hour", "10", "9")
    ]
    rows = {row.team_id: row for row in await program.rows(ProgramSettings)}
    assert rows[program.team_id].manager_field_id == MANAGER_FIELD
    assert rows[second].manager_field_id is None and rows[second].nudge_hour == 9


# ---- HR of each program ----------------------------------------------------------------------


@BOTH_BACKENDS
async def test_a_stall_alert_goes_to_its_own_programs_managers(program: Program) -> None:
    for manager in (FIRST_MANAGER, SECOND_MANAGER):
        program.slack.add_user(manager, real_name=f"Manager {manager}")
    second = await program.new_program("AI sprint")
    await program.update_settings(managers=[FIRST_MANAGER])
    await program.update_settings(program=second, managers=[SECOND_MANAGER])
    await program.pair(GIL, LEA)
    await program.pair(OMAR, ANA, program=second)
    program.at(START + timedelta(weeks=4))  # no session since they met
    await program.stalls()
    assert sorted(a.team_id for a in await program.rows(StallAlert)) == [program.team_id, second]
    await program.deliver()

    def alerts(user: str) -> list[str]:
        return [m["text"] for m in program.dm(user) if "no session" in m["text"]]

    (first,) = alerts(FIRST_MANAGER)
    (other,) = alerts(SECOND_MANAGER)
    assert f"<@{GIL}>" in first and f"<@{OMAR}>" not in first
    assert f"<@{OMAR}>" in other and f"<@{GIL}>" not in other
    assert len(alerts(ADMIN_ID)) == 2  # ROTNEM_ADMINS run every program


# ---- who someone is in Slack, and leaving it -------------------------------------------------


@BOTH_BACKENDS
async def test_a_new_name_zone_and_language_in_slack_reach_every_program(program: Program) -> None:
    second = await program.new_program("AI sprint")
    await program.join(ANA, "Ana", "guide", teaches=["ChatGPT"])
    await program.join(ANA, "Ana", "learner", learns=["ChatGPT"], program=second)
    await program.join(GIL, "Gil", "guide", teaches=["ChatGPT"], program=second)
    await program.pair_by_hand(GIL, ANA, second)

    await changed(program, ANA, real_name="Ana Nueva", tz="America/New_York")
    assert {(r.display_name, r.tz) for r in (await rows_of(program, ANA)).values()} == {
        ("Ana Nueva", "America/New_York")
    }

    # She reads Slack in Spanish now; opening her profile (in the first program) reads it.
    program.slack.add_user(ANA, real_name="Ana Nueva", tz="America/New_York", locale="es-ES")
    await pick_program(program.bot, ANA, "profile", "Reverse mentoring")
    await eventually(lambda: program.slack.open_views(ANA))
    assert {r.locale for r in (await rows_of(program, ANA)).values()} == {"es-ES"}
    # The second program speaks Spanish to her.
    async with program.bot.deps.sessionmaker.begin() as session:
        await unpair(session, second, ANA, actor_id=ADMIN_ID, now=program.clock.now())
    await program.deliver()
    (told,) = program.dm(ANA)
    with speaking("es"):
        spanish = pair_ended_message(PairEndedNotice(partner=GIL, why="unpaired")).text
    assert told["text"] == spanish


@BOTH_BACKENDS
async def test_a_deactivation_ends_the_persons_pairs_in_every_program(program: Program) -> None:
    second = await program.new_program("AI sprint")
    await program.join(ANA, "Ana", "guide", teaches=["ChatGPT"])
    await program.join(LEA, "Lea", "learner", learns=["ChatGPT"])
    await program.join(ANA, "Ana", "learner", learns=["ChatGPT"], program=second)
    await program.join(GIL, "Gil", "guide", teaches=["ChatGPT"], program=second)
    first_pair = await program.pair_by_hand(ANA, LEA)
    second_pair = await program.pair_by_hand(GIL, ANA, second)

    await changed(program, ANA, deleted=True)
    ended = [await program.pair_row(first_pair), await program.pair_row(second_pair)]
    assert [(p.end_reason, p.ended_at) for p in ended] == [("deactivated", START)] * 2
    assert {r.state for r in (await rows_of(program, ANA)).values()} == {"left"}
    partners = {r.user_id: r for r in await program.rows(Participant) if r.user_id != ANA}
    assert {p.waitlisted_since for p in partners.values()} == {START}  # first in line, both

    await program.deliver_all()
    told = await program.outbox("pair_ended")
    assert sorted((row.team_id, row.channel) for row in told) == [
        (program.team_id, LEA),
        (second, GIL),
    ]
    assert all("is no longer part of the workspace" in program.dm(u)[0]["text"] for u in (LEA, GIL))
    assert program.dm(ANA) == []


# ---- a closed program, an uninstall, a deleted workspace -------------------------------------


@BOTH_BACKENDS
async def test_a_closed_program_asks_no_follow_up(program: Program) -> None:
    """Learned in a pair of each program; the second closes: a month after the cycles ended,
    only the first program's learner is asked."""
    second = await program.new_program("AI sprint")
    first_pair = await program.pair(GIL, LEA)
    second_pair = await program.pair(OMAR, ANA, program=second)
    async with program.bot.deps.sessionmaker.begin() as session:
        for key, pair_id in ((program.team_id, first_pair), (second, second_pair)):
            pair = await session.get(Pair, pair_id)
            assert pair is not None
            # The guide confirmed the learner showed the tool back (the check-in's button).
            session.add(
                TeachBack(
                    team_id=key,
                    pair_id=pair_id,
                    learner_id=pair.learner_id,
                    tool_name="ChatGPT",
                    confirmed_by=ADMIN_ID,
                    confirmed_at=START,
                )
            )
        await close_program(session, second, actor_id=ADMIN_ID, now=START)
    (cycle,) = await program.rows(Round, team_id=program.team_id)
    assert cycle.ends_on is not None
    program.at(datetime.combine(cycle.ends_on, time(9), tzinfo=UTC))
    await end_due_cycles_job(program.bot.deps)
    program.at(program.clock.now() + timedelta(days=31))
    await run_job(FOLLOW_UPS, program.bot.deps)

    follow_ups = {f.team_id: f for f in await program.rows(FollowUp)}
    assert follow_ups[program.team_id].asked_at is not None
    assert follow_ups[second].asked_at is None
    assert [row.channel for row in await program.outbox("learning_follow_up")] == [LEA]


@BOTH_BACKENDS
async def test_uninstalled_no_program_is_prompted_and_deleting_the_workspace_removes_them_all(
    program: Program,
) -> None:
    second = await program.new_program("AI sprint")
    await program.pair(GIL, LEA)
    await program.pair(OMAR, ANA, program=second)
    assert (await program.bot.requester.event({"type": "app_uninstalled"})).status_code == 200
    await eventually_async(lambda: _uninstalled(program))
    assert await program.nudge_now() == 0  # neither program's pairs are listed

    deps = program.bot.deps
    async with deps.sessionmaker.begin() as session:
        kept = await workspace_rows(session, program.team_id)
        assert (kept["participants"], kept["pairs"]) == (4, 2)
        deleted = await delete_workspace(session, program.team_id)
    assert deleted == kept
    async with deps.sessionmaker() as session:
        left = await session.scalars(
            select(OutboxMessage.id).where(in_workspace(OutboxMessage.team_id, program.team_id))
        )
        assert list(left) == []
    assert await program.rows(Participant) == [] and await program.rows(ProgramSettings) == []


async def _uninstalled(program: Program) -> bool:
    (workspace,) = await program.rows(Workspace)
    return workspace.uninstalled_at is not None

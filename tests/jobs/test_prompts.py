"""Weekly prompts as the jobs send them: the right local hour in three zones, alternation, no
repeats in a pair, paused pairs skipped, `nudge --now` idempotent, a restarted or late scheduler,
and the quiet minutes in between (a pair added or a learner moving zones while nothing is due)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.jobs import for_each_team
from bot.sandbox.driver import settle
from bot.sandbox.signing import user_change_event
from bot.services.enrollment import lifecycle
from bot.services.enrollment.identity import Identity, refresh_identity
from models import Pair, Participant, WeeklyPrompt
from tests.factories import BOTH_BACKENDS, Program, two_programs

TOKYO, LONDON, NEW_YORK = "Asia/Tokyo", "Europe/London", "America/New_York"


async def three_zones(program: Program) -> dict[str, int]:
    return {
        TOKYO: await program.pair("U0G1", "U0L1", TOKYO),
        LONDON: await program.pair("U0G2", "U0L2", LONDON),
        NEW_YORK: await program.pair("U0G3", "U0L3", NEW_YORK),
    }


async def test_prompts_arrive_on_monday_10_00_in_each_learners_zone(program: Program) -> None:
    program.at(datetime(2026, 11, 23, 16, 0, tzinfo=UTC))  # after this Monday's nudges everywhere
    pairs = await three_zones(program)
    sent_at: dict[str, datetime] = {}
    moment = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)  # Sunday: last week's nudges are past
    while moment <= datetime(2026, 12, 1, 0, 0, tzinfo=UTC):
        program.at(moment)
        await program.tick()
        for tz, pair_id in pairs.items():
            if tz not in sent_at and await program.prompts_of(pair_id):
                sent_at[tz] = moment
        moment += timedelta(minutes=30)
    # 10:00 local: Tokyo is UTC+9, London UTC+0, New York UTC-5 in winter.
    assert sent_at == {
        TOKYO: datetime(2026, 11, 30, 1, 0, tzinfo=UTC),
        LONDON: datetime(2026, 11, 30, 10, 0, tzinfo=UTC),
        NEW_YORK: datetime(2026, 11, 30, 15, 0, tzinfo=UTC),
    }
    await program.deliver()
    for pair_id in pairs.values():
        (row,) = await program.prompts_of(pair_id)
        assert row.iso_week == "2026-W49" and row.direction == "teach"
        channel = (await program.pair_row(pair_id)).group_channel_id
        assert channel is not None and row.channel == channel
        (post,) = [p for p in program.posts(channel) if "teach me a tool" in p["text"]]
        assert "20-minute exercise" in str(post["blocks"])


@BOTH_BACKENDS
async def test_alternates_never_repeats_and_never_sends_twice(program: Program) -> None:
    pair_id = await program.pair("U0G1", "U0L1", LONDON, tools=("ChatGPT", "LinkedIn", "Canva"))
    start = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    for week in range(6):
        program.at(start + timedelta(weeks=week))
        await program.tick()
        await program.tick()  # a second run in the same minute
        program.at(start + timedelta(weeks=week, days=2))
        await program.tick()  # and later in the week
    rows = await program.prompts_of(pair_id)
    assert [r.direction for r in rows] == ["teach", "mirror"] * 3
    assert len({r.prompt_id for r in rows}) == 6
    # Each teach week covers a tool of the overlap not covered yet.
    assert sorted((r.tool_name for r in rows if r.direction == "teach"), key=str) == [
        "Canva",
        "ChatGPT",
        "LinkedIn",
    ]
    assert len(await program.outbox("prompt")) == 6
    await program.deliver()
    channel = (await program.pair_row(pair_id)).group_channel_id
    weekly = [p for p in program.posts(channel or "") if "This week" in str(p["blocks"])]
    assert len(weekly) == 6


async def test_paused_pairs_get_nothing_that_week(program: Program) -> None:
    pair_id = await program.pair("U0G1", "U0L1", LONDON)
    async with program.bot.deps.sessionmaker.begin() as session:
        await lifecycle.pause(
            session,
            program.team_id,
            "U0L1",
            until=program.clock.now().date() + timedelta(days=10),
            now=program.clock.now(),
            via="test",
        )
    program.at(datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    await program.tick()
    (row,) = await program.prompts_of(pair_id)
    assert row.prompt_id is None and row.skipped_reason == "paused"
    # Back on Wednesday: still nothing this week, the prompt comes next Monday.
    async with program.bot.deps.sessionmaker.begin() as session:
        await lifecycle.resume(
            session, program.team_id, "U0L1", now=program.clock.now(), via="test"
        )
    program.at(datetime(2026, 12, 2, 10, 0, tzinfo=UTC))
    await program.tick()
    assert await program.nudge_now() == 0
    assert await program.outbox("prompt") == []
    program.at(datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
    await program.tick()
    rows = await program.prompts_of(pair_id)
    assert [r.skipped_reason for r in rows] == ["paused", None]


@BOTH_BACKENDS
async def test_nudge_now_twice_sends_once_even_at_the_same_time(program: Program) -> None:
    pairs = await three_zones(program)  # introduced this week: the tick leaves them for next week
    await program.tick()
    assert await program.outbox("prompt") == []
    results = await asyncio.gather(program.nudge_now(), program.nudge_now())
    assert sorted(results) in ([0, 3], [1, 2], [2, 1], [3, 0]) and sum(results) == 3
    assert await program.nudge_now() == 0
    await program.tick()
    assert len(await program.outbox("prompt")) == 3
    for pair_id in pairs.values():
        assert len(await program.prompts_of(pair_id)) == 1


async def test_a_scheduler_down_for_days_or_restarted_sends_once_and_misses_nothing(
    program: Program,
) -> None:
    pairs = await three_zones(program)
    program.at(datetime(2026, 11, 30, 10, 30, tzinfo=UTC))  # Tokyo and London are due
    await program.tick()
    assert len(await program.outbox("prompt")) == 2
    # The process dies; a new one starts on Wednesday (New York's Monday passed meanwhile).
    program.at(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))
    await program.tick()
    await program.tick()
    keys = sorted(row.dedupe_key for row in await program.outbox("prompt"))
    assert keys == sorted(f"prompt:{pair_id}:2026-W49" for pair_id in pairs.values())
    rows = await program.rows(WeeklyPrompt)
    ny = next(r for r in rows if r.pair_id == pairs[NEW_YORK])
    assert ny.due_at == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


@BOTH_BACKENDS
async def test_a_pair_added_while_nothing_is_due_gets_its_prompt_on_time(program: Program) -> None:
    program.at(datetime(2026, 11, 29, 20, 0, tzinfo=UTC))
    await program.pair("U0G1", "U0L1", NEW_YORK)  # due Monday 15:00 UTC
    program.at(datetime(2026, 11, 30, 0, 50, tzinfo=UTC))
    await program.tick()  # nothing is due before New York's Monday
    program.at(datetime(2026, 11, 30, 0, 55, tzinfo=UTC))
    tokyo = await program.pair("U0G2", "U0L2", TOKYO)  # Tokyo's Monday 10:00 is 01:00 UTC
    program.at(datetime(2026, 11, 30, 1, 0, tzinfo=UTC))
    await program.tick()
    (row,) = await program.prompts_of(tokyo)
    assert row.due_at == datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    assert len(await program.outbox("prompt")) == 1


async def test_a_learner_who_moves_to_a_zone_already_due_gets_the_prompt_within_minutes(
    program: Program,
) -> None:
    program.at(datetime(2026, 11, 29, 20, 0, tzinfo=UTC))
    pair_id = await program.pair("U0G1", "U0L1", NEW_YORK)
    program.at(datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    await program.tick()  # New York's Monday 10:00 is hours away
    async with program.bot.deps.sessionmaker.begin() as session:
        moved = Identity("U0L1", "U0L1 L", TOKYO)  # where Monday 10:00 has passed
        await refresh_identity(session, program.team_id, moved, now=program.clock.now())
    moment = datetime(2026, 11, 30, 2, 5, tzinfo=UTC)
    while not await program.prompts_of(pair_id):
        program.at(moment)
        await program.tick()
        moment += timedelta(minutes=5)
    assert moment - timedelta(minutes=5) <= datetime(2026, 11, 30, 2, 15, tzinfo=UTC)
    assert len(await program.outbox("prompt")) == 1


@BOTH_BACKENDS
async def test_every_two_or_four_weeks_pairs_get_prompts_and_check_ins_at_that_cadence(
    program: Program,
) -> None:
    """Counted from each pair's first prompt week: a pair introduced before this week's prompt
    starts this week, one introduced after it the next."""
    await program.update_settings(cadence_weeks=2)
    program.at(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))  # Monday, before London's 10:00
    early = await program.pair("U0G1", "U0L1", LONDON)
    program.at(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))  # Tuesday, after it
    late = await program.pair("U0G2", "U0L2", LONDON)
    for week in range(6):
        program.at(datetime(2026, 11, 30, 10, 0, tzinfo=UTC) + timedelta(weeks=week))
        await program.tick()
        program.at(datetime(2026, 12, 3, 10, 0, tzinfo=UTC) + timedelta(weeks=week))
        await program.tick()  # Thursday: the check-ins of that week's prompt
    weeks = {pair: [r.iso_week for r in await program.prompts_of(pair)] for pair in (early, late)}
    assert weeks == {
        early: ["2026-W49", "2026-W51", "2026-W53"],
        late: ["2026-W50", "2026-W52", "2027-W01"],
    }
    checkins = await program.checkins("U0L1") + await program.checkins("U0L2")
    assert sorted(c.iso_week for c in checkins) == sorted(weeks[early] + weeks[late])

    # Every four weeks from then on: the same anchor, a quarter of the weeks.
    await program.update_settings(cadence_weeks=4, stall_weeks=4)
    for week in range(6, 14):
        program.at(datetime(2026, 11, 30, 10, 0, tzinfo=UTC) + timedelta(weeks=week))
        await program.tick()
    # (2026 has 53 ISO weeks.)
    assert [r.iso_week for r in await program.prompts_of(early)][3:] == ["2027-W04", "2027-W08"]
    assert [r.iso_week for r in await program.prompts_of(late)][3:] == ["2027-W05", "2027-W09"]


@BOTH_BACKENDS
async def test_a_paused_program_sends_no_prompts_or_check_ins_until_it_runs_again(
    program: Program,
) -> None:
    pair_id = await program.pair("U0G1", "U0L1", LONDON)
    # A two-week holiday break: the weeks of 30 Nov and 7 Dec.
    await program.update_settings(paused_until=date(2026, 12, 14))
    for week in range(3):
        program.at(datetime(2026, 11, 30, 10, 0, tzinfo=UTC) + timedelta(weeks=week))
        await program.tick()
        program.at(datetime(2026, 12, 3, 10, 0, tzinfo=UTC) + timedelta(weeks=week))
        await program.tick()
    rows = await program.prompts_of(pair_id)
    assert [(r.iso_week, r.skipped_reason) for r in rows] == [
        ("2026-W49", "paused"),
        ("2026-W50", "paused"),
        ("2026-W51", None),
    ]
    assert len(await program.outbox("prompt")) == 1
    assert {c.iso_week for c in await program.checkins("U0L1")} == {"2026-W51"}
    # Paused weeks are not silent weeks: no stall alert for the break.
    await program.stalls()
    assert await program.outbox("stall_alert") == []


@BOTH_BACKENDS
async def test_a_pairs_prompt_and_check_ins_still_waiting_when_it_ends_are_never_sent(
    program: Program,
) -> None:
    tokyo = await program.pair("U0G1", "U0L1", TOKYO)
    london = await program.pair("U0G2", "U0L2", LONDON)
    # Tokyo's prompt went out and its check-ins wait; London's prompt waits (the fan-out is
    # paced), and HR unpairs both pairs before the dispatcher gets to them.
    program.at(datetime(2026, 11, 30, 1, 30, tzinfo=UTC))
    await program.tick()
    await program.deliver()
    assert await program.checkin_now() == 2
    program.at(datetime(2026, 11, 30, 10, 30, tzinfo=UTC))
    await program.tick()
    assert [r.status for r in await program.outbox("prompt")] == ["sent", "pending"]
    await program.command("admin unpair <@U0L1>")
    await program.command("admin unpair <@U0L2>")
    assert all("Ended" in answer["text"] for answer in await program.answers(2))
    await program.deliver_all()

    # Each person hears privately that their pair ended, and nothing after it asks them to meet.
    for person in ("U0G1", "U0L1", "U0G2", "U0L2"):
        assert any("changed by HR" in m["text"] for m in program.dm(person))
    prompts = [m for m in program.slack.messages() if "teach me a tool" in m["text"]]
    assert len(prompts) == 1  # Tokyo's, sent before the pair ended
    assert not [m for m in program.slack.messages() if "Did you two meet" in m["text"]]
    statuses = {r.dedupe_key: r.status for r in await program.outbox()}
    assert statuses[f"prompt:{london}:2026-W49"] == "withdrawn"
    assert statuses[f"checkin:{tokyo}:U0L1:2026-W49"] == "withdrawn"
    assert statuses[f"checkin:{tokyo}:U0G1:2026-W49"] == "withdrawn"
    # London's week was not prompted after all: the meet rate leaves it out; Tokyo's counts.
    (london_week,) = await program.prompts_of(london)
    assert london_week.prompt_id is None and london_week.skipped_reason == "pair_ended"
    (tokyo_week,) = await program.prompts_of(tokyo)
    assert tokyo_week.prompt_id is not None and tokyo_week.skipped_reason is None


@BOTH_BACKENDS
async def test_a_prompt_and_check_ins_written_as_their_pair_ended_are_withdrawn_when_due_to_send(
    program: Program,
) -> None:
    first = await program.pair("U0G1", "U0L1", LONDON)
    second = await program.pair("U0G2", "U0L2", LONDON)
    program.at(datetime(2026, 11, 30, 10, 30, tzinfo=UTC))
    await program.tick()
    await program.deliver()
    assert await program.checkin_now() == 4
    program.at(datetime(2026, 12, 7, 10, 30, tzinfo=UTC))
    await program.tick()
    # The first pair ends in the same moment: its end committed before the tick's writes, so
    # the withdrawal that comes with an end did not see them (as with a row a dispatcher had
    # claimed already). What that leaves: its check-ins and next prompt waiting, pair ended.
    async with program.bot.deps.sessionmaker.begin() as session:
        await session.execute(
            update(Pair)
            .where(Pair.id == first)
            .values(ended_at=program.clock.now(), end_reason="unpaired")
        )
    await program.deliver_all()

    for person in ("U0G1", "U0L1"):
        assert not [m for m in program.dm(person) if "Did you two meet" in m["text"]]
    rows = {r.dedupe_key: r for r in await program.outbox()}
    in_slack = {m["metadata"]["event_payload"]["outbox_id"] for m in program.slack.messages()}
    assert rows[f"prompt:{first}:2026-W50"].id not in in_slack
    assert rows[f"prompt:{second}:2026-W50"].id in in_slack
    statuses = {key: row.status for key, row in rows.items()}
    assert statuses[f"prompt:{first}:2026-W50"] == "withdrawn"
    assert statuses[f"checkin:{first}:U0L1:2026-W49"] == "withdrawn"
    assert statuses[f"prompt:{second}:2026-W50"] == "sent"
    assert statuses[f"checkin:{second}:U0L2:2026-W49"] == "sent"
    # The first pair's second week was not prompted after all; its first week was.
    assert [(r.prompt_id is None, r.skipped_reason) for r in await program.prompts_of(first)] == [
        (False, None),
        (True, "pair_ended"),
    ]


async def test_a_program_break_until_monday_ends_on_monday_in_each_learners_zone(
    program: Program,
) -> None:
    sydney = await program.pair("U0G1", "U0L1", "Australia/Sydney")
    await program.update_settings(paused_until=date(2027, 1, 4))
    # Monday 4 Jan 10:00 in Sydney is Sunday 3 Jan 23:00 UTC: the program runs again there.
    program.at(datetime(2027, 1, 3, 23, 0, tzinfo=UTC))
    await program.tick()
    week = (await program.prompts_of(sydney))[-1]
    assert (week.iso_week, week.skipped_reason) == ("2027-W01", None)
    assert week.prompt_id is not None


async def _prompt_weeks_over(program: Program, pair_id: int, days: range, hour: int) -> list[str]:
    for day in days:
        program.at(datetime(2026, 11, 23, hour, 0, tzinfo=UTC) + timedelta(days=day))
        await program.tick()
    return [r.iso_week for r in await program.prompts_of(pair_id)]


@BOTH_BACKENDS
async def test_a_two_week_cadence_keeps_its_weeks_when_hr_moves_the_prompts_hour(
    program: Program,
) -> None:
    await program.update_settings(cadence_weeks=2, stall_weeks=2)
    # Paired on Monday 23 Nov at 11:00, after that day's 10:00 prompt: first prompted in W49.
    program.at(datetime(2026, 11, 23, 11, 0, tzinfo=UTC))
    pair_id = await program.pair("U0G1", "U0L1", LONDON)
    assert await _prompt_weeks_over(program, pair_id, range(9), 15) == ["2026-W49"]
    await program.update_settings(nudge_hour=14)  # Tuesday 1 Dec
    weeks = await _prompt_weeks_over(program, pair_id, range(9, 37), 15)
    assert weeks == ["2026-W49", "2026-W51", "2026-W53"]


async def test_a_two_week_cadence_keeps_its_weeks_when_the_learner_moves_zone(
    program: Program,
) -> None:
    await program.update_settings(cadence_weeks=2, stall_weeks=2)
    program.at(datetime(2026, 11, 23, 11, 0, tzinfo=UTC))  # after 10:00 in London, not New York
    pair_id = await program.pair("U0G1", "U0L1", LONDON)
    assert await _prompt_weeks_over(program, pair_id, range(9), 16) == ["2026-W49"]
    # Tuesday 1 Dec, the learner moves to New York in Slack.
    user = program.slack.user("U0L1")
    user["tz"] = NEW_YORK
    before = set(asyncio.all_tasks())
    assert (await program.bot.requester.event(user_change_event(user))).status_code == 200
    await settle(before)
    weeks = await _prompt_weeks_over(program, pair_id, range(9, 37), 16)
    assert weeks == ["2026-W49", "2026-W51", "2026-W53"]
    (learner,) = await program.rows(Participant, user_id="U0L1")
    assert learner.tz == NEW_YORK


async def test_a_program_whose_share_of_a_tick_fails_does_not_hold_up_the_others(
    program: Program, caplog: pytest.LogCaptureFixture
) -> None:
    sprint = await two_programs(program)
    await program.pair("U0G1", "U0L1", LONDON)
    await program.pair("U0G2", "U0L2", LONDON, program=sprint)
    done: list[str] = []

    async def share(_session: AsyncSession, team_id: str) -> str:
        if team_id == program.team_id:  # the first program listed: a row no version foresaw
            raise ValueError("a bad row")
        done.append(team_id)
        return team_id

    assert await for_each_team(program.bot.deps, share) == [sprint]
    assert done == [sprint]
    assert f"Program {program.team_id} was skipped in this run" in caplog.text

"""Two programs in one workspace, a person in both, end to end: separate pairs, prompts and
check-ins at each program's cadence, a check-in answered in the program it came from, figures
per program, and a program's manager refused on the other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.ids import ActionId, BlockId
from models import PairSession, WeeklyPrompt
from tests.factories import (
    ADMIN_ID,
    BOTH_BACKENDS,
    JSON,
    Program,
    asked_which,
    click_ephemeral,
    eventually,
    one_choice,
    reply,
    rotnem,
)

ANA, GUIDE_1, GUIDE_2, MAX = "U0ANA00001", "U0GUIDEA01", "U0GUIDEB01", "U0MAX00001"
# Monday of 2026-W49, before London's 10:00 prompt.
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def checkins_from(program: Program, user: str, partner: str) -> list[JSON]:
    """The check-ins `user` got about `partner`."""
    return [
        m
        for m in program.dm(user)
        if "meet this week" in m["text"] and f"<@{partner}>" in m["text"]
    ]


@BOTH_BACKENDS
async def test_a_person_in_two_programs_meets_each_at_its_own_cadence_and_figures(
    program: Program,
) -> None:
    program.at(MONDAY)
    sprint = await program.new_program("AI sprint", template="reverse_mentoring")  # fortnightly
    program.slack.add_user(MAX, real_name="Max", tz="Europe/London")
    await program.update_settings(program=sprint, managers=[MAX])
    # Ana learns in both: one pair each, with a different guide and her own profile in each.
    await program.join(GUIDE_1, "Gus", "guide", teaches=["ChatGPT"])
    await program.join(GUIDE_2, "Gil", "guide", teaches=["LinkedIn"], program=sprint)
    await program.join(ANA, "Ana", "learner", learns=["ChatGPT"])
    await program.join(ANA, "Ana", "learner", learns=["LinkedIn"], program=sprint)
    first = await program.pair(GUIDE_1, ANA)
    second = await program.pair(GUIDE_2, ANA, program=sprint)

    for week in range(4):
        program.at(MONDAY + timedelta(weeks=week, hours=1))  # Monday 10:00: prompts
        await program.tick()
        program.at(MONDAY + timedelta(weeks=week, days=3, hours=1))  # Thursday: check-ins
        await program.tick()
    prompts = {
        key: [r.iso_week for r in await program.rows(WeeklyPrompt, team_id=key)]
        for key in (program.team_id, sprint)
    }
    assert prompts == {
        program.team_id: ["2026-W49", "2026-W50", "2026-W51", "2026-W52"],
        sprint: ["2026-W49", "2026-W51"],
    }
    await program.deliver()
    assert len(checkins_from(program, ANA, GUIDE_1)) == 4
    assert len(checkins_from(program, ANA, GUIDE_2)) == 2

    # Ana says they met on the sprint's last check-in: the session is the sprint's.
    message = checkins_from(program, ANA, GUIDE_2)[-1]
    assert (await program.click(message, ActionId.CHECKIN_MET, ANA)).status_code == 200
    done = await program.submit(
        ANA,
        {
            BlockId.CHECKIN_COVERED: "LinkedIn",
            BlockId.CHECKIN_RATING: "5",
            BlockId.CHECKIN_DIRECTION: "tool",
        },
    )
    assert done.text in ("", "null")
    sessions = await program.rows(PairSession)
    assert [(s.team_id, s.pair_id) for s in sessions] == [(sprint, second)]
    assert first != second

    # Figures per program: the sprint's manager reads the sprint's, without being asked which.
    stats = await reply(program.bot, await rotnem(program.bot, MAX, "admin stats"))
    assert "Active pairs: 1" in stats["text"]
    assert "Sessions this cycle (since 30 Nov 2026): 1" in stats["text"], stats["text"]
    # HR's admin picks the first program: its own session count.
    asked = await asked_which(program.bot, ADMIN_ID, "admin stats")
    first_only = one_choice(asked, "Reverse mentoring")
    url = await click_ephemeral(program.bot, ADMIN_ID, first_only, ActionId.PICK_PROGRAM)
    figures = (await eventually(lambda: program.slack.responses(url)))[-1]["text"]
    assert "Sessions this cycle (since 30 Nov 2026): 0" in figures, figures
    # The same button, clicked by the sprint's manager: refused, no figures.
    url = await click_ephemeral(program.bot, MAX, first_only, ActionId.PICK_PROGRAM)
    refused = (await eventually(lambda: program.slack.responses(url)))[-1]["text"]
    assert "Sessions this cycle" not in refused

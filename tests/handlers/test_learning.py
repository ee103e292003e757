"""Learning over signed HTTP: the confidence baseline after the profile (kept on edit, bad
ratings refused), confidence and direction from "We met", the guide's teach-back (only the
guide, once, told to the pair), and the follow-up a month after the cycle ends."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, select

from bot.blocks.checkins import OTHER
from bot.blocks.learning import rating_block
from bot.ids import ActionId, BlockId, CallbackId
from bot.jobs.learning import FOLLOW_UPS
from bot.jobs.rounds import end_due_cycles_job
from bot.sandbox.fake_slack.blockkit import validate_view
from bot.sandbox.signing import state_values_for
from bot.scheduler import run_job
from bot.services import learning
from bot.services.report.learning import confidence_progress, learning_figures
from bot.services.report.outcomes import COLUMNS, outcome_rows
from bot.services.rounds.ending import end_pairs
from models import (
    EndReason,
    FollowUp,
    Pair,
    PairSession,
    Participant,
    Round,
    SessionReport,
    TeachBack,
    ToolBaseline,
)
from tests.factories import (
    BOTH_BACKENDS,
    JSON,
    LEARNER,
    LEARNING_LEARNERS,
    PAIR_GUIDE,
    PAIR_LEARNER,
    Program,
    RunningBot,
    asked,
    command_modal,
    last_checkin,
    learning_program,
    participant_ids,
    profile_answers,
    rows,
    submit,
    tool_ids,
)


def labels(view: JSON) -> list[str]:
    return [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]


def ratings_of(step: JSON) -> dict[str, str]:
    """The step's rating blocks by the tool their question names."""
    return {
        b["label"]["text"].split(" with ")[1].removesuffix(" today?"): b["block_id"]
        for b in step["blocks"]
        if b["type"] == "input"
    }


def buttons(message: JSON) -> list[str]:
    return [
        e["action_id"]
        for b in message.get("blocks", [])
        for e in b.get("elements", [])
        if "action_id" in e
    ]


async def baselines(bot: RunningBot) -> list[tuple[str, str, int]]:
    found = await rows(bot.deps.sessionmaker, ToolBaseline)
    return sorted((b.direction, b.tool_name, b.rating) for b in found)


async def profile_step(bot: RunningBot, user: str, answers: dict[str, Any]) -> JSON:
    """Submit the profile modal; the "How confident are you today?" step it moves on to."""
    _, view = await command_modal(bot, user, "profile")
    ack = await submit(bot, user, view, answers)
    assert ack["response_action"] == "update", ack
    step: JSON = ack["view"]
    assert validate_view(step, expected_type="modal") == []
    assert step["callback_id"] == CallbackId.BASELINE
    return step


async def forged(bot: RunningBot, user: str, view: JSON, values: JSON) -> JSON:
    response = await bot.requester.submit_view(view=view, user_id=user, values=values)
    assert response.status_code == 200
    body: JSON = response.json() if response.content else {}
    return body


# ---- the baseline -------------------------------------------------------------------------------


@BOTH_BACKENDS
async def test_a_learner_rates_each_tool_after_the_profile_and_the_first_rating_stays(
    bot: RunningBot,
) -> None:
    learn = await tool_ids(bot, "ChatGPT", "LinkedIn")
    step = await profile_step(
        bot, LEARNER, profile_answers(role="learner", learn=learn, learn_other="Figma")
    )
    by_tool = ratings_of(step)
    assert list(by_tool) == ["LinkedIn", "ChatGPT", "Figma"]  # the profile's order
    scale = [o["text"]["text"] for o in step["blocks"][1]["element"]["options"]]
    assert scale[0] == "1 — never used it" and scale[-1] == "5 — could teach it"
    # The learner's ratings are required; nothing is written until all are there.
    missing = await submit(bot, LEARNER, step, {by_tool["ChatGPT"]: "2"})
    assert missing["errors"].keys() == {by_tool["LinkedIn"], by_tool["Figma"]}
    assert await baselines(bot) == []
    answers = {by_tool["ChatGPT"]: "2", by_tool["LinkedIn"]: "1", by_tool["Figma"]: "3"}
    assert await submit(bot, LEARNER, step, answers) == {}
    first = [("learn", "ChatGPT", 2), ("learn", "Figma", 3), ("learn", "LinkedIn", 1)]
    assert await baselines(bot) == first

    # Editing the profile asks only about the new tool; the first ratings stay.
    more = await tool_ids(bot, "ChatGPT", "LinkedIn", "Canva")
    edit = await profile_step(
        bot, LEARNER, profile_answers(role="learner", learn=more, learn_other="Figma")
    )
    assert labels(edit) == ["How confident are you with Canva today?"]
    assert await submit(bot, LEARNER, edit, {rating_block(0): "4"}) == {}
    # The old step submitted again (a second tab) closes, and moves no baseline.
    assert await submit(bot, LEARNER, step, {k: "5" for k in answers}) == {}
    assert await baselines(bot) == sorted([*first, ("learn", "Canva", 4)])


@BOTH_BACKENDS
async def test_ratings_outside_one_to_five_or_for_tools_not_chosen_are_refused(
    bot: RunningBot,
) -> None:
    step = await profile_step(
        bot,
        LEARNER,
        profile_answers(
            role="both", teach=await tool_ids(bot, "Canva"), learn=await tool_ids(bot, "ChatGPT")
        ),
    )
    # A guide's rating of a tool they teach is offered, and optional.
    assert labels(step) == [
        "How confident are you with ChatGPT today?",
        "How confident are you teaching Canva? (optional)",
    ]
    values = state_values_for(step, {rating_block(0): "3", rating_block(1): "4"})
    values[rating_block(1)][ActionId.LEARNING_ANSWER]["selected_option"]["value"] = "7"
    refused = await forged(bot, LEARNER, step, values)
    assert refused["response_action"] == "errors"
    assert "from 1 to 5" in refused["errors"][rating_block(1)]
    # A form naming a tool that is not on the profile (old or forged).
    metadata = json.loads(step["private_metadata"])
    metadata["t"][1] = ["teach", "Excel formulas"]
    stale = {**step, "private_metadata": json.dumps(metadata)}
    refused = await submit(bot, LEARNER, stale, {rating_block(0): "3", rating_block(1): "4"})
    assert "not among the tools on your profile" in refused["errors"][rating_block(1)]
    assert await baselines(bot) == []
    # The teaching rating may be left out.
    assert await submit(bot, LEARNER, step, {rating_block(0): "3"}) == {}
    assert await baselines(bot) == [("learn", "ChatGPT", 3)]


# ---- "We met": confidence now and which way the learning went -----------------------------------


@BOTH_BACKENDS
async def test_we_met_stores_the_learners_confidence_and_which_way_the_learning_went(
    program: Program,
) -> None:
    pair_id, guide_msg, learner_msg = await asked(program)
    (learner,) = await program.rows(Participant, user_id=PAIR_LEARNER)
    async with program.bot.deps.sessionmaker.begin() as db:
        before = program.clock.now() - timedelta(days=7)
        db.add(
            ToolBaseline(
                team_id=program.team_id,
                participant_id=learner.id,
                direction="learn",
                tool_name="ChatGPT",
                rating=1,
                rated_at=before,
            )
        )
    await program.click(learner_msg, ActionId.CHECKIN_MET, PAIR_LEARNER)
    modal = program.slack.open_views(PAIR_LEARNER)[-1]
    assert "How confident do you feel now with the tool you covered?" in labels(modal)
    bad = await program.submit(
        PAIR_LEARNER,
        {
            BlockId.CHECKIN_COVERED: OTHER,
            BlockId.CHECKIN_OTHER: "Budgets",
            BlockId.CHECKIN_RATING: "4",
            BlockId.CHECKIN_CONFIDENCE: "3",
        },
    )
    assert bad.json()["errors"].keys() == {BlockId.CHECKIN_CONFIDENCE, BlockId.CHECKIN_DIRECTION}
    values = state_values_for(
        modal,
        {
            BlockId.CHECKIN_COVERED: "ChatGPT",
            BlockId.CHECKIN_RATING: "4",
            BlockId.CHECKIN_DIRECTION: "both",
            BlockId.CHECKIN_CONFIDENCE: "3",
        },
    )
    values[BlockId.CHECKIN_CONFIDENCE][ActionId.CHECKIN_ANSWER]["selected_option"]["value"] = "0"
    out_of_range = await program.bot.requester.submit_view(
        view=modal, user_id=PAIR_LEARNER, values=values
    )
    assert out_of_range.json()["errors"].keys() == {BlockId.CHECKIN_CONFIDENCE}
    await program.submit(
        PAIR_LEARNER,
        {
            BlockId.CHECKIN_COVERED: "ChatGPT",
            BlockId.CHECKIN_RATING: "4",
            BlockId.CHECKIN_DIRECTION: "both",
            BlockId.CHECKIN_CONFIDENCE: "3",
        },
    )
    # The guide is not asked about confidence; they only say which way it went.
    await program.click(guide_msg, ActionId.CHECKIN_MET, PAIR_GUIDE)
    guide_modal = program.slack.open_views(PAIR_GUIDE)[-1]
    assert not any("confident" in label for label in labels(guide_modal))
    await program.submit(
        PAIR_GUIDE,
        {
            BlockId.CHECKIN_COVERED: "LinkedIn",
            BlockId.CHECKIN_RATING: "5",
            BlockId.CHECKIN_DIRECTION: "mirror",
        },
    )
    (session,) = await program.rows(PairSession, pair_id=pair_id)
    reports = await program.rows(SessionReport, session_id=session.id)
    assert sorted((r.reporter_role, r.tool_name, r.confidence, r.direction) for r in reports) == [
        ("guide", "LinkedIn", None, "mirror"),
        ("learner", "ChatGPT", 3, "both"),
    ]
    # "Confidence before → now" for HR: from the baseline to this rating.
    (baseline,) = await program.rows(ToolBaseline, participant_id=learner.id)
    assert (baseline.rating, baseline.latest_rating) == (1, 3)
    # The learner's check-in offers no teach-back: that is the guide's to confirm.
    assert buttons(last_checkin(program, PAIR_LEARNER)) == []


# ---- the teach-back ---------------------------------------------------------------------------


async def guide_met(program: Program, guide_msg: JSON, tool: str = "ChatGPT") -> JSON:
    """The guide reports the session covering `tool`; their check-in as it is then."""
    await program.click(guide_msg, ActionId.CHECKIN_MET, PAIR_GUIDE)
    await program.submit(
        PAIR_GUIDE,
        {
            BlockId.CHECKIN_COVERED: tool,
            BlockId.CHECKIN_RATING: "4",
            BlockId.CHECKIN_DIRECTION: "tool",
        },
    )
    return last_checkin(program, PAIR_GUIDE)


async def confirm(program: Program, checkin: JSON, what: str | None = None) -> None:
    await program.click(checkin, ActionId.TEACH_BACK, PAIR_GUIDE)
    modal = program.slack.open_views(PAIR_GUIDE)[-1]
    assert modal["callback_id"] == CallbackId.TEACH_BACK
    answers: dict[str, Any] = {BlockId.TEACH_BACK_WHAT: what} if what else {}
    response = await program.submit(PAIR_GUIDE, answers)
    assert response.text in ("", "null"), response.text


@BOTH_BACKENDS
async def test_the_guide_confirms_a_teach_back_once_and_the_pair_sees_it(program: Program) -> None:
    pair_id, guide_msg, _ = await asked(program)
    checkin = await guide_met(program, guide_msg)
    assert buttons(checkin) == [ActionId.TEACH_BACK]
    assert "showed ChatGPT back" in json.dumps(checkin["blocks"])

    # Someone else pressing it (a forged click): refused, nothing opens or changes.
    before = len(program.slack.responses())
    await program.click(checkin, ActionId.TEACH_BACK, PAIR_LEARNER)
    assert "Only the pair's guide" in program.slack.responses()[before]["text"]
    assert program.slack.open_views(PAIR_LEARNER) == []

    await program.click(checkin, ActionId.TEACH_BACK, PAIR_GUIDE)
    modal = program.slack.open_views(PAIR_GUIDE)[-1]
    too_long = await program.submit(PAIR_GUIDE, {BlockId.TEACH_BACK_WHAT: "x" * 151})
    assert BlockId.TEACH_BACK_WHAT in too_long.json()["errors"]
    what = "built a custom GPT for <!here> her own reports"
    await program.submit(PAIR_GUIDE, {BlockId.TEACH_BACK_WHAT: what})
    (row,) = await program.rows(TeachBack)
    assert (row.pair_id, row.tool_name, row.confirmed_by) == (pair_id, "ChatGPT", PAIR_GUIDE)
    updated = last_checkin(program, PAIR_GUIDE)
    assert buttons(updated) == [] and "You confirmed" in json.dumps(updated["blocks"])

    # A second submit of the same modal (a double click): refused, nothing twice.
    again = await program.bot.requester.submit_view(
        view=modal, user_id=PAIR_GUIDE, answers={BlockId.TEACH_BACK_WHAT: what}
    )
    assert "already confirmed" in json.dumps(again.json()["errors"])
    before = len(program.slack.responses())
    await program.click(checkin, ActionId.TEACH_BACK, PAIR_GUIDE)  # the old button
    assert "Already confirmed" in program.slack.responses()[before]["text"]
    assert await program.count(TeachBack) == 1

    await program.deliver()
    told = [m for m in program.slack.messages() if "showed ChatGPT back" in m["text"]]
    assert len(told) == 1 and len(await program.outbox("learning_teach_back")) == 1
    members = program.slack.conversation_members(told[0]["channel"])
    assert {PAIR_GUIDE, PAIR_LEARNER} <= set(members)
    assert "&lt;!here&gt;" in told[0]["text"] and "<!here>" not in json.dumps(told[0])


# ---- the follow-up ----------------------------------------------------------------------------


@BOTH_BACKENDS
async def test_learners_are_asked_still_using_it_thirty_days_after_the_cycle(
    program: Program,
) -> None:
    pair_id, guide_msg, _ = await asked(program)
    await confirm(program, await guide_met(program, guide_msg), "made a GPT")
    deps = program.bot.deps
    (pair,) = await program.rows(Pair, id=pair_id)
    (cycle,) = await program.rows(Round, id=pair.round_id)
    assert cycle.ends_on is not None
    program.at(datetime.combine(cycle.ends_on, time(9), tzinfo=UTC))
    await end_due_cycles_job(deps)
    (pair,) = await program.rows(Pair, id=pair_id)
    assert pair.end_reason == EndReason.CYCLE_ENDED and pair.ended_at is not None

    await run_job(FOLLOW_UPS, deps)
    (follow_up,) = await program.rows(FollowUp)
    assert follow_up.due_at == pair.ended_at + timedelta(days=30)
    assert follow_up.asked_at is None and await program.outbox("learning_follow_up") == []
    program.at(pair.ended_at + timedelta(days=30) - timedelta(minutes=1))
    await run_job(FOLLOW_UPS, deps)
    assert await program.outbox("learning_follow_up") == []
    program.at(pair.ended_at + timedelta(days=30))
    await run_job(FOLLOW_UPS, deps)
    await run_job(FOLLOW_UPS, deps)
    assert len(await program.outbox("learning_follow_up")) == 1
    await program.deliver()
    (asked_dm,) = [m for m in program.dm(PAIR_LEARNER) if "Still using it?" in m["text"]]
    assert "ChatGPT" in asked_dm["text"]
    assert buttons(asked_dm) == [
        ActionId.STILL_USING_YES,
        ActionId.STILL_USING_SOMETIMES,
        ActionId.STILL_USING_NO,
    ]

    # Not theirs: the guide's click (forged) changes nothing; an unknown one neither.
    before = len(program.slack.responses())
    await program.click(asked_dm, ActionId.STILL_USING_NO, PAIR_GUIDE)
    assert "someone else's" in program.slack.responses()[before]["text"]
    gone = json.loads(json.dumps(asked_dm).replace(f'"value": "{follow_up.id}"', '"value": "999"'))
    await program.click(gone, ActionId.STILL_USING_NO, PAIR_LEARNER)
    assert "can't find that question" in program.slack.responses()[before + 1]["text"]
    assert (await program.rows(FollowUp))[0].answer is None

    await program.click(asked_dm, ActionId.STILL_USING_SOMETIMES, PAIR_LEARNER)
    noted = [m for m in program.dm(PAIR_LEARNER) if "Still using it?" in m["text"]][-1]
    assert "Thanks — noted: Sometimes" in noted["text"]
    (row,) = await program.rows(FollowUp)
    assert (row.answer, row.answered_at) == ("sometimes", program.clock.now())
    # Changing one's mind is allowed: the latest answer counts.
    await program.click(noted, ActionId.STILL_USING_YES, PAIR_LEARNER)
    assert (await program.rows(FollowUp))[0].answer == "yes"
    assert len(await program.outbox("learning_follow_up")) == 1


async def _learned_again_with_a_new_guide(program: Program, reason: EndReason) -> int:
    """The first learner's pair ends (`reason`); a new guide teaches them ChatGPT, which they
    had learned already, and confirms it: a second teach-back for the same learner and tool.
    Returns the new pair."""
    learner = LEARNING_LEARNERS[0]
    deps = program.bot.deps
    async with deps.sessionmaker.begin() as session:
        ids = await participant_ids(session)
        first = await session.scalar(select(Pair).where(Pair.learner_id == ids[learner]))
        assert first is not None
        await end_pairs(session, [first], reason=reason, now=deps.clock.now(), ended_by=None)
    await program.person("U0RG9", "guide", "Europe/Paris", ("ChatGPT",))
    pair_id = await program.pair_by_hand("U0RG9", learner)
    now = deps.clock.now()
    async with deps.sessionmaker.begin() as session:
        ids = await participant_ids(session)
        met = PairSession(
            team_id=program.team_id, pair_id=pair_id, iso_week="2026-W51", created_at=now
        )
        session.add(met)
        await session.flush()
        session.add(
            SessionReport(
                team_id=program.team_id,
                session_id=met.id,
                iso_week="2026-W51",
                participant_id=ids["U0RG9"],
                reporter_role="guide",
                tool_name="ChatGPT",
                rating=4,
                direction="tool",
                created_at=now,
            )
        )
        await session.flush()
        await learning.confirm_teach_back(
            session, program.team_id, met.id, "U0RG9", None, now=now + timedelta(minutes=1)
        )
    return pair_id


@BOTH_BACKENDS
async def test_a_tool_confirmed_by_a_second_guide_is_learned_once_and_followed_up_once(
    program: Program,
) -> None:
    await learning_program(program)
    second = await _learned_again_with_a_new_guide(program, EndReason.CYCLE_ENDED)
    deps = program.bot.deps
    async with deps.sessionmaker() as session:
        figures = await learning_figures(session, program.team_id, k=5, since=None)
    chatgpt = next(t for t in figures.learned.tools if t.tool == "ChatGPT")
    assert (figures.learned.learned, figures.learned.learners, chatgpt.learned) == (5, 5, 5)
    # Both of the learner's pairs ended with their cycle: "Still using ChatGPT?" once.
    async with deps.sessionmaker.begin() as session:
        pair = await session.get(Pair, second)
        assert pair is not None
        await end_pairs(
            session, [pair], reason=EndReason.CYCLE_ENDED, now=deps.clock.now(), ended_by=None
        )
        await learning.schedule_follow_ups(session)
    (learner,) = await program.rows(Participant, user_id=LEARNING_LEARNERS[0])
    asked = await program.rows(FollowUp, participant_id=learner.id, tool_name="ChatGPT")
    assert len(asked) == 1


async def test_the_outcomes_export_shows_the_latest_rating_after_the_baseline(
    program: Program,
) -> None:
    await learning_program(program)
    deps = program.bot.deps
    learner = LEARNING_LEARNERS[0]
    # The learner skipped the starting point, rated ChatGPT in "We met", then rated where they
    # started: a baseline later than every rating.
    async with deps.sessionmaker.begin() as session:
        ids = await participant_ids(session)
        await session.execute(
            delete(ToolBaseline).where(
                ToolBaseline.participant_id == ids[learner], ToolBaseline.tool_name == "ChatGPT"
            )
        )
    async with deps.sessionmaker.begin() as session:
        await learning.record_baselines(
            session,
            program.team_id,
            learner,
            [learning.Rating("learn", "ChatGPT", 1)],
            now=deps.clock.now(),
        )
    async with deps.sessionmaker() as session:
        progress, _learners = await confidence_progress(session, program.team_id)
        rows = await outcome_rows(session, program.team_id)
    assert sum(p.learners for p in progress if p.tool == "ChatGPT") == 4  # not them: no later
    row = next(r for r in rows if r[0] == learner and r[3] == "ChatGPT")
    header = list(COLUMNS)
    assert row[header.index("baseline_confidence_1_to_5")] == 1
    assert row[header.index("latest_confidence_1_to_5")] == ""  # none after it, as the report

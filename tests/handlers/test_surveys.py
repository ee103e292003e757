"""Mid- and end-of-cycle surveys over signed HTTP: sent by the job as the clock reaches each
stage, one reminder, answers stored and changeable until the next stage, field errors, and a
stale survey button answered politely."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.blocks.surveys import confidence_block
from bot.ids import ActionId, BlockId
from bot.jobs.rounds import end_due_cycles_job
from bot.jobs.surveys import surveys_tick
from models import Participant, Survey, SurveyConfidence
from tests.factories import BOTH_BACKENDS, PAIR_GUIDE, PAIR_LEARNER, Program

GUIDE, LEARNER = PAIR_GUIDE, PAIR_LEARNER
# A hand-made pair from Monday 23 Nov 2026 runs 12 weeks, until 15 Feb 2027 (UTC): the mid
# survey is due on day 42, the end survey five days before the end.
MID = datetime(2027, 1, 4, 0, 0, tzinfo=UTC)
END = datetime(2027, 2, 10, 0, 0, tzinfo=UTC)
CYCLE_END = datetime(2027, 2, 15, 0, 0, tzinfo=UTC)


async def tick_at(program: Program, moment: datetime) -> None:
    program.at(moment)
    await surveys_tick(program.bot.deps)
    await program.deliver()


def survey_dm(program: Program, user: str, words: str) -> dict[str, Any]:
    return [m for m in program.dm(user) if words in m["text"]][-1]


def modal_blocks(program: Program, user: str) -> dict[str, dict[str, Any]]:
    view = program.slack.open_views(user)[-1]
    return {b["block_id"]: b for b in view["blocks"] if "block_id" in b}


async def said(program: Program, before: int) -> str:
    return str((await program.responses(before + 1))[-1]["text"])


async def surveys_of(program: Program, user: str) -> list[Survey]:
    (person,) = await program.rows(Participant, user_id=user)
    return await program.rows(Survey, participant_id=person.id)


@BOTH_BACKENDS
async def test_mid_survey_answered_changed_validated_and_reminded_once(program: Program) -> None:
    await program.pair(GUIDE, LEARNER)
    await tick_at(program, MID - timedelta(minutes=1))
    assert await program.outbox("survey") == []
    await tick_at(program, MID)
    await tick_at(program, MID + timedelta(minutes=15))  # a second run asks nobody twice
    assert len(await program.outbox("survey")) == 2
    message = survey_dm(program, LEARNER, "halfway")
    assert f"<@{GUIDE}>" in message["text"]

    await program.click(message, ActionId.SURVEY_OPEN, LEARNER)
    blocks = modal_blocks(program, LEARNER)
    assert BlockId.SURVEY_CONTINUE not in blocks  # the end survey's question only
    assert "ChatGPT" in blocks[confidence_block(0)]["label"]["text"]
    assert "LinkedIn" in blocks[confidence_block(1)]["label"]["text"]
    missing = await program.submit(LEARNER, {BlockId.SURVEY_OTHER_SIDE: "x" * 201})
    assert missing.json()["response_action"] == "errors"
    assert missing.json()["errors"].keys() == {
        BlockId.SURVEY_USEFULNESS,
        BlockId.SURVEY_RECOMMEND,
        BlockId.SURVEY_OTHER_SIDE,
    }
    ok = await program.submit(
        LEARNER,
        {
            BlockId.SURVEY_USEFULNESS: "4",
            BlockId.SURVEY_RECOMMEND: "yes",
            confidence_block(0): "3",
            BlockId.SURVEY_OTHER_SIDE: "Sales plans by the quarter",
        },
    )
    assert ok.status_code == 200 and ok.text in ("", "null")
    saved = survey_dm(program, LEARNER, "survey is saved")
    (survey,) = await surveys_of(program, LEARNER)
    assert (survey.usefulness, survey.recommend, survey.learned_other_side) == (
        4,
        True,
        "Sales plans by the quarter",
    )
    assert [(c.tool_name, c.rating) for c in await program.rows(SurveyConfidence)] == [
        ("ChatGPT", 3)
    ]

    # Reopened: pre-filled; changed.
    await program.click(saved, ActionId.SURVEY_OPEN, LEARNER)
    blocks = modal_blocks(program, LEARNER)
    assert blocks[BlockId.SURVEY_USEFULNESS]["element"]["initial_option"]["value"] == "4"
    assert blocks[confidence_block(0)]["element"]["initial_option"]["value"] == "3"
    await program.submit(
        LEARNER,
        {BlockId.SURVEY_USEFULNESS: "5", BlockId.SURVEY_RECOMMEND: "no", confidence_block(1): "2"},
    )
    (survey,) = await surveys_of(program, LEARNER)
    assert (survey.usefulness, survey.recommend, survey.learned_other_side) == (5, False, None)
    assert [(c.tool_name, c.rating) for c in await program.rows(SurveyConfidence)] == [
        ("LinkedIn", 2)
    ]

    # One reminder, three days later, to the one who hasn't answered.
    await tick_at(program, MID + timedelta(days=3))
    await tick_at(program, MID + timedelta(days=4))
    assert len(await program.outbox("survey")) == 3
    reminder = survey_dm(program, GUIDE, "gentle reminder")
    assert f"<@{LEARNER}>" in reminder["text"]
    assert [m for m in program.dm(LEARNER) if "gentle reminder" in m["text"]] == []


@BOTH_BACKENDS
async def test_end_survey_goes_out_before_the_cycle_ends_and_the_mid_one_closes(
    program: Program,
) -> None:
    await program.pair(GUIDE, LEARNER)
    await tick_at(program, MID)
    mid = survey_dm(program, GUIDE, "halfway")
    await tick_at(program, END - timedelta(minutes=1))
    assert [s.stage for s in await surveys_of(program, GUIDE)] == ["mid"]
    await tick_at(program, END)
    assert sorted(s.stage for s in await surveys_of(program, GUIDE)) == ["end", "mid"]
    # The mid survey closed when the end one began.
    before = len(program.slack.responses())
    await program.click(mid, ActionId.SURVEY_OPEN, GUIDE)
    assert "closed" in await said(program, before)

    end = survey_dm(program, GUIDE, "ends soon")
    await program.click(end, ActionId.SURVEY_OPEN, GUIDE)
    blocks = modal_blocks(program, GUIDE)
    assert BlockId.SURVEY_CONTINUE in blocks
    assert not any(block.startswith(BlockId.SURVEY_CONFIDENCE) for block in blocks)  # a guide
    answers: dict[str, str] = {BlockId.SURVEY_USEFULNESS: "5", BlockId.SURVEY_RECOMMEND: "yes"}
    missing = await program.submit(GUIDE, answers)
    assert missing.json()["errors"].keys() == {BlockId.SURVEY_CONTINUE}
    await program.submit(GUIDE, {**answers, BlockId.SURVEY_CONTINUE: "yes"})

    # The cycle ends; the end survey can still be changed for a week.
    program.at(CYCLE_END)
    await end_due_cycles_job(program.bot.deps)
    assert all(p.ended_at is not None for p in await program.pairs())
    await program.click(survey_dm(program, GUIDE, "survey is saved"), ActionId.SURVEY_OPEN, GUIDE)
    await program.submit(GUIDE, {**answers, BlockId.SURVEY_CONTINUE: "no"})
    (end_survey,) = [s for s in await surveys_of(program, GUIDE) if s.stage == "end"]
    assert end_survey.continue_pair is False
    program.at(CYCLE_END + timedelta(days=7))
    before = len(program.slack.responses())
    await program.click(end, ActionId.SURVEY_OPEN, GUIDE)
    assert "closed" in await said(program, before)


async def test_a_pair_made_after_a_survey_opened_is_not_asked_it_on_its_first_day(
    program: Program,
) -> None:
    await program.pair(PAIR_GUIDE, PAIR_LEARNER)  # Monday 23 Nov: the cycle starts
    await tick_at(program, MID + timedelta(hours=9))
    assert len(await surveys_of(program, PAIR_LEARNER)) == 1
    # Two days past the halfway day, HR pairs two newcomers by hand into the running cycle.
    program.at(MID + timedelta(days=2, hours=9))
    await program.pair("U0G2", "U0L2")
    await tick_at(program, MID + timedelta(days=2, hours=9, minutes=15))
    assert await surveys_of(program, "U0L2") == []
    assert not [m for m in program.dm("U0L2") if "halfway" in m["text"]]
    # They are asked how it went at the end, with everyone.
    await tick_at(program, END + timedelta(hours=9))
    assert [s.stage for s in await surveys_of(program, "U0L2")] == ["end"]

"""Pair fit over signed HTTP: asked after a pair's first session only, answers stored and
changeable, "Not a good fit" to HR privately, HR's Re-pair (a round HR approves, which ends the
old pair kindly) and Keep the pair, and a re-pair the rules cannot satisfy."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from bot.ids import ActionId, BlockId
from bot.jobs.rounds import end_due_cycles_job
from models import EndReason, FitCheck, Participant, Round, RoundSource
from tests.factories import (
    ADMIN_ID,
    ANNOUNCE,
    BOTH_BACKENDS,
    PAIR_GUIDE,
    PAIR_LEARNER,
    Program,
    asked,
    last_checkin,
)

GUIDE, LEARNER = PAIR_GUIDE, PAIR_LEARNER
# People waiting for a partner: a guide for the learner, a learner for the guide.
WAITING_GUIDE, WAITING_LEARNER = "U0WAITG1", "U0WAITL1"


async def we_met(program: Program, user: str) -> None:
    """`user` answers their latest check-in with "We met" (ChatGPT, 4/5)."""
    await program.click(last_checkin(program, user), ActionId.CHECKIN_MET, user)
    response = await program.submit(
        user,
        {
            BlockId.CHECKIN_COVERED: "ChatGPT",
            BlockId.CHECKIN_RATING: "4",
            BlockId.CHECKIN_DIRECTION: "tool",
        },
    )
    assert response.status_code == 200 and response.text in ("", "null")


def fit_question(program: Program, user: str) -> dict[str, Any]:
    return [m for m in program.dm(user) if "how is the fit" in m["text"]][-1]


async def said(program: Program, before: int) -> str:
    """The text of the newest reply below a clicked message."""
    return str((await program.responses(before + 1))[-1]["text"])


async def first_session(program: Program) -> int:
    """A pair whose first session both reported; the fit questions delivered."""
    pair_id, _, _ = await asked(program)
    await we_met(program, GUIDE)
    await we_met(program, LEARNER)
    await program.deliver()
    return pair_id


async def bad_fit(program: Program) -> int:
    """The learner finds the pair not a good fit; HR's alert delivered."""
    pair_id = await first_session(program)
    await program.click(fit_question(program, LEARNER), ActionId.FIT_BAD, LEARNER)
    await program.deliver()
    return pair_id


def hr_alert(program: Program) -> dict[str, Any]:
    return [m for m in program.dm(ADMIN_ID) if "Not a good fit" in m["text"]][-1]


@BOTH_BACKENDS
async def test_fit_is_asked_after_the_first_session_only_and_answers_are_stored(
    program: Program,
) -> None:
    pair_id = await first_session(program)
    assert len(await program.outbox("fit")) == 2
    question = fit_question(program, GUIDE)
    assert f"<@{LEARNER}>" in question["text"]
    # A second session a week later asks nothing new.
    program.at(datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
    await program.tick()
    program.at(datetime(2026, 12, 10, 10, 0, tzinfo=UTC))
    await program.tick()
    await program.deliver()
    await we_met(program, GUIDE)
    assert len(await program.outbox("fit")) == 2
    assert len(await program.rows(FitCheck, pair_id=pair_id)) == 2
    # Answered, then changed on the same message.
    before = len(program.slack.responses())
    await program.click(question, ActionId.FIT_DECIDING, GUIDE)
    assert "noted" in await said(program, before)
    await program.click(fit_question(program, GUIDE), ActionId.FIT_GOOD, GUIDE)
    assert "You answered: 👍 Good fit" in fit_question(program, GUIDE)["text"]
    ids = {p.user_id: p.id for p in await program.rows(Participant)}
    answers = {c.participant_id: c.answer for c in await program.rows(FitCheck, pair_id=pair_id)}
    assert answers == {ids[GUIDE]: "good", ids[LEARNER]: None}
    # Someone else's button changes nothing.
    before = len(program.slack.responses())
    await program.click(question, ActionId.FIT_BAD, LEARNER)
    assert "someone else's" in await said(program, before)
    assert await program.outbox("fit_alert") == []


@BOTH_BACKENDS
async def test_not_a_good_fit_reaches_hr_privately_and_only_admins_may_act(
    program: Program,
) -> None:
    pair_id = await first_session(program)
    guide_dms = len(program.dm(GUIDE))
    await program.click(fit_question(program, LEARNER), ActionId.FIT_BAD, LEARNER)
    await program.click(fit_question(program, LEARNER), ActionId.FIT_BAD, LEARNER)  # twice
    await program.deliver()
    alert = hr_alert(program)
    assert f"<@{LEARNER}>" in alert["text"] and f"<@{GUIDE}>" in alert["text"]
    assert [row.channel for row in await program.outbox("fit_alert")] == [ADMIN_ID]
    # The partner is told nothing.
    assert len(program.dm(GUIDE)) == guide_dms
    assert "Not a good fit" not in str(program.posts(ANNOUNCE))
    # Not an admin: refused, nothing proposed.
    before = len(program.slack.responses())
    await program.click(alert, ActionId.FIT_REPAIR, LEARNER)
    assert "Only program admins" in await said(program, before)
    await program.click(alert, ActionId.FIT_KEEP, GUIDE)
    assert await program.rows(Round, source=RoundSource.REPAIR) == []
    # Keep the pair: handled once; the learner's answer can't change any more.
    await program.click(alert, ActionId.FIT_KEEP)
    assert "kept the pair" in str(hr_alert(program)["blocks"])
    before = len(program.slack.responses())
    await program.click(alert, ActionId.FIT_KEEP)
    assert "already followed up" in await said(program, before)
    before = len(program.slack.responses())
    await program.click(fit_question(program, LEARNER), ActionId.FIT_GOOD, LEARNER)
    assert "already followed up" in await said(program, before)
    assert (await program.pair_row(pair_id)).ended_at is None


@BOTH_BACKENDS
async def test_re_pair_proposes_new_partners_and_approval_ends_the_old_pair_kindly(
    program: Program,
) -> None:
    pair_id = await bad_fit(program)
    await program.join(WAITING_GUIDE, "Wanda Guide", "guide", teaches=["ChatGPT"])
    await program.join(WAITING_LEARNER, "Walt Learner", "learner", learns=["LinkedIn"])
    alert = hr_alert(program)
    before = len(program.slack.responses())
    await program.click(alert, ActionId.FIT_REPAIR)
    assert "re-pair proposal is in your DMs: 2 new pairs" in await said(program, before)
    await program.click(alert, ActionId.FIT_REPAIR)  # a double click proposes nothing more
    (repair,) = await program.rows(Round, source=RoundSource.REPAIR)
    assert sorted((p["guide"], p["learner"]) for p in repair.proposal["pairs"]) == [
        (GUIDE, WAITING_LEARNER),
        (WAITING_GUIDE, LEARNER),
    ]
    await program.deliver()
    proposal = [m for m in program.dm(ADMIN_ID) if "Re-pair after" in m["text"]][-1]
    assert (await program.pair_row(pair_id)).ended_at is None  # nothing before approval
    await program.click(proposal, ActionId.ROUND_APPROVE)
    old = await program.pair_row(pair_id)
    assert old.end_reason == EndReason.NOT_A_FIT and old.ended_by == ADMIN_ID
    ids = {p.user_id: p.id for p in await program.rows(Participant)}
    active = {(p.guide_id, p.learner_id) for p in await program.pairs() if p.ended_at is None}
    assert active == {(ids[GUIDE], ids[WAITING_LEARNER]), (ids[WAITING_GUIDE], ids[LEARNER])}
    await program.deliver()
    for me, other in ((GUIDE, LEARNER), (LEARNER, GUIDE)):
        (ended,) = [m for m in program.dm(me) if "fresh start" in m["text"]]
        assert f"<@{other}>" in ended["text"] and "nobody's fault" in ended["text"]
        assert "Not a good fit" not in ended["text"]
    assert len(await program.outbox("intro")) == 3  # the old pair's, and the two new
    assert program.posts(ANNOUNCE) == []  # a re-pair is not announced
    # The new pairs end with the old pair's cycle.
    (old_round,) = await program.rows(Round, id=old.round_id)
    assert (await program.rows(Round, id=repair.id))[0].ends_on == old_round.ends_on


@BOTH_BACKENDS
async def test_a_re_pair_the_rules_cannot_satisfy_says_why(program: Program) -> None:
    pair_id = await bad_fit(program)
    # Someone waits, but is the learner's manager; nobody waits to learn from the guide.
    await program.join(WAITING_GUIDE, "Wanda Boss", "guide", teaches=["ChatGPT"])
    (learner,) = await program.rows(Participant, user_id=LEARNER)
    async with program.bot.deps.sessionmaker.begin() as session:
        found = await session.get(Participant, learner.id)
        assert found is not None
        found.manager_id = WAITING_GUIDE
    before = len(program.slack.responses())
    await program.click(hr_alert(program), ActionId.FIT_REPAIR)
    text = await said(program, before)
    assert "Nobody can be re-paired right now" in text
    assert f"<@{GUIDE}>" in text and "nobody waiting for a partner" in text
    assert f"<@{LEARNER}>" in text and "reporting line" in text
    assert "what you " not in text and "your reporting line" not in text  # written about them
    await program.deliver()
    proposal = [m for m in program.dm(ADMIN_ID) if "Re-pair after" in m["text"]][-1]
    await program.click(proposal, ActionId.ROUND_APPROVE)
    assert (await program.pair_row(pair_id)).end_reason == EndReason.NOT_A_FIT
    waiting = {p.user_id for p in await program.rows(Participant) if p.waitlisted_since}
    assert {GUIDE, LEARNER} <= waiting


@BOTH_BACKENDS
async def test_someone_in_the_cycle_and_its_re_pair_is_thanked_once_when_it_ends(
    program: Program,
) -> None:
    """A guide with two learners, one found not a good fit: the re-pair's round ends with the
    cycle, and the guide hears one thank-you naming both partners they still had."""
    pair_id = await bad_fit(program)
    second = "U0SECONDL"
    await program.join(GUIDE, "Gia Guide", "guide", teaches=["ChatGPT", "LinkedIn"], capacity=2)
    await program.join(second, "Sam Second", "learner", learns=["ChatGPT"])
    assert (await program.command(f"admin pair <@{GUIDE}> <@{second}>")).status_code == 200
    await program.join(WAITING_GUIDE, "Wanda Guide", "guide", teaches=["ChatGPT"])
    await program.join(WAITING_LEARNER, "Walt Learner", "learner", learns=["LinkedIn"])
    await program.click(hr_alert(program), ActionId.FIT_REPAIR)
    await program.deliver()
    proposal = [m for m in program.dm(ADMIN_ID) if "Re-pair after" in m["text"]][-1]
    await program.click(proposal, ActionId.ROUND_APPROVE)
    rounds = {p.round_id for p in await program.pairs() if p.ended_at is None}
    assert len(rounds) == 2, "the guide's partners come from the cycle's round and the re-pair's"

    (old,) = await program.rows(Round, id=(await program.pair_row(pair_id)).round_id)
    assert old.ends_on is not None
    program.at(datetime.combine(old.ends_on, time(12, 0), tzinfo=UTC))
    await end_due_cycles_job(program.bot.deps)
    await program.deliver_all()
    (thanks,) = [m for m in program.dm(GUIDE) if "cycle has ended" in m["text"]]
    assert f"<@{second}>" in thanks["text"] and f"<@{WAITING_LEARNER}>" in thanks["text"]
    for user in (second, WAITING_LEARNER, LEARNER, WAITING_GUIDE):
        assert len([m for m in program.dm(user) if "cycle has ended" in m["text"]]) == 1


async def _repair_approved(program: Program) -> None:
    """HR clicks Re-pair on the alert, then Approve on the proposal in their DMs."""
    await program.click(hr_alert(program), ActionId.FIT_REPAIR)
    await program.deliver()
    proposal = [m for m in program.dm(ADMIN_ID) if "Re-pair after" in m["text"]][-1]
    await program.click(proposal, ActionId.ROUND_APPROVE)


@BOTH_BACKENDS
async def test_a_pair_that_was_not_a_good_fit_is_never_proposed_again(program: Program) -> None:
    pair_id = await bad_fit(program)
    await _repair_approved(program)  # nobody waits: the pair ends, both wait for a partner
    assert (await program.pair_row(pair_id)).end_reason == EndReason.NOT_A_FIT
    proposal = await program.propose()
    assert f"<@{GUIDE}> → <@{LEARNER}>" not in proposal["text"]
    told = len(program.slack.ephemerals(ADMIN_ID))
    await program.command(f"admin pair <@{GUIDE}> <@{LEARNER}>")
    refused = (await program.answers(told + 1))[-1]["text"]
    # Refused by the rule, without saying which of the two said it.
    assert "asked not to be paired with the other (rule: personal exclusion)" in refused


async def test_a_re_pair_leaves_guest_accounts_out(program: Program) -> None:
    await bad_fit(program)
    await program.join(WAITING_GUIDE, "Wanda Guide", "guide", teaches=["ChatGPT"])
    await program.join(WAITING_LEARNER, "Walt Learner", "learner", learns=["LinkedIn"])
    (walt,) = await program.rows(Participant, user_id=WAITING_LEARNER)
    async with program.bot.deps.sessionmaker.begin() as session:
        row = await session.get(Participant, walt.id)
        assert row is not None
        row.guest_since = program.clock.now()  # Slack made him a guest
    before = len(program.slack.responses())
    await program.click(hr_alert(program), ActionId.FIT_REPAIR)
    assert "1 new pair" in await said(program, before)
    (repair,) = await program.rows(Round, source=RoundSource.REPAIR)
    assert [(p["guide"], p["learner"]) for p in repair.proposal["pairs"]] == [
        (WAITING_GUIDE, LEARNER)
    ]


async def test_a_re_pair_says_why_a_guide_still_guiding_someone_has_no_new_partner(
    program: Program,
) -> None:
    await bad_fit(program)
    # The guide took a second learner, then lowered her capacity to one (running pairs stay).
    await program.join(GUIDE, "Gia Guide", "guide", teaches=["ChatGPT", "LinkedIn"], capacity=2)
    await program.join("U0SECONDL", "Sam Second", "learner", learns=["ChatGPT"])
    await program.pair_by_hand(GUIDE, "U0SECONDL")
    await program.join(GUIDE, "Gia Guide", "guide", teaches=["ChatGPT", "LinkedIn"], capacity=1)
    before = len(program.slack.responses())
    await program.click(hr_alert(program), ActionId.FIT_REPAIR)
    text = await said(program, before)
    assert "Gia Guide is still in another pair, with no room for one more" in text
    assert "left the program" not in text
    assert "puts whoever is not in another pair on the waitlist" in text

"""A pairing round end to end: `/rotnem admin pair`, Approve / Discard clicks, the outbox
drained into the fake Slack (one group DM and one introduction per pair), waitlist DMs, the
announcement, manual pairs, unpairing, leaving, the end of a cycle."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from sqlalchemy import select

from bot.ids import ActionId
from bot.jobs.rounds import end_due_cycles_job
from bot.services.enrollment import lifecycle
from models import Participant, Round
from tests.factories import (
    ADMIN_ID,
    ANA,
    ANNOUNCE,
    BEN,
    BOSS,
    BOTH_BACKENDS,
    CARLA,
    DEV,
    EVE,
    GOALS,
    JSON,
    ROOT,
    Program,
    cohort,
)


async def approve(program: Program) -> JSON:
    return await approve_clicked(program, await program.propose())


@BOTH_BACKENDS
async def test_propose_then_approve_introduces_each_pair_once(program: Program) -> None:
    await cohort(program)
    proposal = await program.propose()
    text = proposal["text"]
    assert "Proposed round: 2 pairs" in text
    assert f"<@{ANA}> → <@{CARLA}>" in text and "ChatGPT" in text
    assert f"<@{BEN}> → <@{DEV}>" in text
    # The unmatched, with the reason, written to HR about Eve (she is told it as "you").
    assert (
        f"<@{EVE}>: " in text and "no guide teaches what Eve Exec wants to learn (TikTok)" in text
    )
    assert program.slack.calls("chat.postMessage") == []  # nothing sent before approval

    answer = await approve_clicked(program, proposal)
    assert answer["replace_original"] is True
    assert "Round approved" in answer["text"] and "2 pairs" in answer["text"]

    await program.deliver_all()
    opens = [c for c in program.slack.calls("conversations.open") if c.ok]
    assert sorted(c.args["users"] for c in opens) == sorted(
        ",".join(sorted(p)) for p in ((ANA, CARLA), (BEN, DEV))
    )
    pairs = await program.pairs()
    assert len(pairs) == 2
    for pair in pairs:
        assert pair.group_channel_id is not None and pair.group_channel_id.startswith("G")
        members = program.slack.conversation_members(pair.group_channel_id)
        assert program.slack.bot_user_id in members
        intros = program.posts(pair.group_channel_id)
        assert len(intros) == 1
        intro = intros[0]
        assert "is the guide" in str(intro["blocks"]) and intro["text"]
        assert GOALS not in str(intro) and BOSS not in str(intro)
        assert "30-minute session within a week" in str(intro["blocks"])

    carla_intro = next(
        program.posts(p.group_channel_id or "")[0] for p in pairs if p.shared_tools == ["ChatGPT"]
    )
    assert "Europe/Paris" in str(carla_intro["blocks"])
    assert "America/New_York" in str(carla_intro["blocks"])

    announcement = program.posts(ANNOUNCE)
    assert len(announcement) == 1
    body = str(announcement[0])
    assert f"<@{ANA}>" in body and f"<@{DEV}>" in body and f"<@{EVE}>" not in body
    for private in (GOALS, BOSS, "TikTok"):
        assert private not in body

    waitlist = program.dm(EVE)
    assert len(waitlist) == 1 and "waitlist" in waitlist[0]["text"]
    assert "first in line" in waitlist[0]["text"]
    assert "no guide teaches what you want to learn (TikTok)" in waitlist[0]["text"]
    async with program.bot.deps.sessionmaker() as session:
        eve = (await session.scalars(select(Participant).where(Participant.user_id == EVE))).one()
        assert eve.waitlisted_since is not None

    # The proposal message is gone: clicking the old one again changes nothing.
    again = await program.click(proposal, ActionId.ROUND_APPROVE)
    assert again.status_code == 200
    last = (await program.responses(len(program.slack.responses()) + 0))[-1]
    await program.deliver_all()
    assert len(await program.pairs()) == 2
    assert len([c for c in program.slack.calls("conversations.open") if c.ok]) == 2
    assert last is not None


async def approve_clicked(program: Program, proposal: JSON) -> JSON:
    before = len(program.slack.responses())
    response = await program.click(proposal, ActionId.ROUND_APPROVE)
    assert response.status_code == 200
    return (await program.responses(before + 1))[-1]


@BOTH_BACKENDS
async def test_double_click_and_two_admins_at_once_create_the_round_once(program: Program) -> None:
    await cohort(program)
    proposal = await program.propose()
    before = len(program.slack.responses())
    clicks = await asyncio.gather(
        *(program.click(proposal, ActionId.ROUND_APPROVE) for _ in range(3))
    )
    assert all(c.status_code == 200 for c in clicks)
    answers = (await program.responses(before + 3))[before:]
    approved = [a for a in answers if "Round approved" in a["text"]]
    refused = [a for a in answers if "already approved" in a["text"]]
    assert len(approved) == 1 and len(refused) == 2
    assert all(a["replace_original"] is False for a in refused)
    assert len(await program.pairs()) == 2
    assert len(await program.outbox("intro")) == 2
    assert len(await program.outbox("announcement")) == 1
    await program.deliver_all()
    assert len([c for c in program.slack.calls("conversations.open") if c.ok]) == 2


async def test_only_admins_can_approve_and_discard_empties_nothing(program: Program) -> None:
    await cohort(program)
    proposal = await program.propose()
    before = len(program.slack.responses())
    await program.click(proposal, ActionId.ROUND_APPROVE, user=CARLA)
    refused = (await program.responses(before + 1))[-1]
    assert "Only program admins" in refused["text"]
    assert await program.pairs() == []

    await program.click(proposal, ActionId.ROUND_DISCARD)
    discarded = (await program.responses(before + 2))[-1]
    assert discarded["replace_original"] is True and "discarded" in discarded["text"]
    await program.click(proposal, ActionId.ROUND_APPROVE)
    late = (await program.responses(before + 3))[-1]
    assert "discarded" in late["text"]
    assert await program.pairs() == [] and await program.outbox() == []


async def test_a_non_admin_cannot_propose(program: Program) -> None:
    await cohort(program)
    answer = (await program.command("admin pair", user=CARLA)).json()
    assert "Only program admins" in answer["text"]
    async with program.bot.deps.sessionmaker() as session:
        assert (await session.scalars(select(Round))).all() == []


async def test_someone_who_left_since_the_proposal_is_dropped_and_reported(
    program: Program,
) -> None:
    await cohort(program)
    proposal = await program.propose()
    async with program.bot.deps.sessionmaker.begin() as session:
        await lifecycle.leave(
            session, program.team_id, CARLA, now=program.bot.clock.now(), via="test"
        )
    answer = await approve_clicked(program, proposal)
    assert "1 pair introduced" in answer["text"]
    assert f"<@{CARLA}>: Carla Lead left the program" in answer["text"]
    await program.deliver_all()
    # Ana lost her proposed partner: she is told she waits, and goes first next time.
    assert any("waitlist" in m["text"] for m in program.dm(ANA))
    assert program.dm(CARLA) == []


async def test_manual_pairs_respect_the_hard_rules(program: Program) -> None:
    await cohort(program)
    await program.update_settings(require_shared_tool=True)  # a tool in common is a rule too
    await program.join(BOSS, "Bo Boss", "learner", learns=["LinkedIn"])
    await program.join("U0FAY00001", "Fay Guide", "guide", teaches=["LinkedIn"], manager=BOSS)

    bad = (await program.command("admin pair ana ben")).json()
    assert "couldn't read “ana”" in bad["text"] and "admin pair @guide @learner" in bad["text"]
    one = (await program.command(f"admin pair <@{ANA}|ana>")).json()
    assert "exactly two people" in one["text"]

    n = len(program.slack.ephemerals(ADMIN_ID))
    await program.command(f"admin pair <@U0FAY00001|fay> <@{BOSS}|bo>")
    refusal = (await program.answers(n + 1))[-1]["text"]
    assert "reporting line" in refusal
    await program.command(f"admin pair <@{ANA}|ana> <@{DEV}>")
    refusal = (await program.answers(n + 2))[-1]["text"]
    assert "at least one tool in common" in refusal and "ChatGPT" in refusal
    await program.command(f"admin pair <@{CARLA}> <@{ANA}>")
    refusal = (await program.answers(n + 3))[-1]["text"]
    assert "rule: roles" in refusal
    assert await program.pairs() == []

    await program.command(f"admin pair <@{ANA}|ana> <@{CARLA}|carla>")
    done = (await program.answers(n + 4))[-1]["text"]
    assert f"Paired <@{ANA}> (guide) with <@{CARLA}> (learner)" in done
    await program.command(f"admin pair <@{BEN}> <@{CARLA}>")
    busy = (await program.answers(n + 5))[-1]["text"]
    assert "already in a pair" in busy
    await program.deliver_all()
    (pair,) = await program.pairs()
    assert len(program.posts(pair.group_channel_id or "")) == 1
    # No announcement for a pair made by hand.
    assert program.posts(ANNOUNCE) == []


def test_the_manifest_has_slack_escape_mentions_in_the_command_text() -> None:
    manifest = (ROOT / "manifest.yml").read_text(encoding="utf-8")
    assert re.findall(r"^\s*should_escape:\s*(\S+)", manifest, re.MULTILINE) == ["true"]


async def test_admin_pair_reads_the_text_slack_sends_for_the_shipped_manifest(
    program: Program,
) -> None:
    """With `should_escape: true`, a person picked from Slack's @ list arrives as
    `<@U…|name>` (or `<@U…>`); a name typed without picking one arrives as plain `@name`."""
    await cohort(program)
    typed = (await program.command("admin pair @ana @carla")).json()
    assert "“@ana” reached me as plain text, not as a person" in typed["text"]
    assert "pick them from the list Slack shows" in typed["text"]
    assert "admin pair @guide @learner" in typed["text"]
    unpair_typed = (await program.command("admin unpair @carla")).json()
    assert "“@carla” reached me as plain text" in unpair_typed["text"]
    assert await program.pairs() == []

    n = len(program.slack.ephemerals(ADMIN_ID))
    await program.command(f"admin pair <@{ANA}|ana> <@{CARLA}|Carla Lead>")
    done = (await program.answers(n + 1))[-1]["text"]
    assert f"Paired <@{ANA}> (guide) with <@{CARLA}> (learner)" in done
    await program.command(f"admin unpair <@{CARLA}>")
    undone = (await program.answers(n + 2))[-1]["text"]
    assert f"<@{ANA}> → <@{CARLA}>" in undone
    [pair] = await program.pairs()
    assert pair.end_reason == "unpaired"


async def test_unpair_ends_the_pair_and_tells_both_privately(program: Program) -> None:
    await cohort(program)
    await approve(program)
    n = len(program.slack.ephemerals(ADMIN_ID))
    await program.command(f"admin unpair <@{CARLA}|carla>")
    answer = (await program.answers(n + 1))[-1]["text"]
    assert f"<@{ANA}> → <@{CARLA}>" in answer
    pairs = {p.shared_tools[0]: p for p in await program.pairs()}
    assert pairs["ChatGPT"].end_reason == "unpaired" and pairs["ChatGPT"].ended_by == ADMIN_ID
    assert pairs["LinkedIn"].ended_at is None
    await program.deliver_all()
    assert any("changed by HR" in m["text"] for m in program.dm(ANA))
    assert any("changed by HR" in m["text"] for m in program.dm(CARLA))

    await program.command(f"admin unpair <@{CARLA}>")
    again = (await program.answers(n + 2))[-1]["text"]
    assert "isn't in a pair" in again
    # A fresh pair comes before a repeat, even without a shared tool: Ana and Eve (waitlisted).
    proposal = await program.propose()
    assert f"<@{ANA}> → <@{EVE}>: no shared tool yet" in proposal["text"]
    # Unpaired people can be paired again in the next round (history keeps the old pair).
    await program.update_settings(require_shared_tool=True)
    proposal = await program.propose()
    assert f"<@{ANA}> → <@{CARLA}>" in proposal["text"] and "paired before" in proposal["text"]


async def test_leaving_ends_the_pair_and_the_partner_goes_first_in_line(program: Program) -> None:
    await cohort(program)
    await approve(program)
    async with program.bot.deps.sessionmaker.begin() as session:
        await lifecycle.leave(
            session, program.team_id, DEV, now=program.bot.clock.now(), via="test"
        )
    ended = [p for p in await program.pairs() if p.ended_at is not None]
    assert [p.end_reason for p in ended] == ["left"]
    await program.deliver_all()
    assert any("has left the program" in m["text"] for m in program.dm(BEN))
    async with program.bot.deps.sessionmaker() as session:
        ben = (await session.scalars(select(Participant).where(Participant.user_id == BEN))).one()
        assert ben.waitlisted_since is not None


async def test_first_session_button_records_it_once(program: Program) -> None:
    await cohort(program)
    await approve(program)
    await program.deliver_all()
    pair = (await program.pairs())[0]
    intro = program.posts(pair.group_channel_id or "")[0]
    before = len(program.slack.responses())
    guide = await _user_of(program, pair.guide_id)
    await program.click(intro, ActionId.FIRST_SESSION_SCHEDULED, user=guide)
    answer = (await program.responses(before + 1))[-1]
    assert answer["replace_original"] is True
    assert "First session scheduled" in str(answer["blocks"])
    assert ActionId.FIRST_SESSION_SCHEDULED not in str(answer["blocks"])
    stored = (await program.pairs())[0]
    assert stored.first_session_scheduled_at is not None
    assert stored.first_session_marked_by == guide
    # Someone outside the pair cannot record it.
    await program.click(intro, ActionId.FIRST_SESSION_SCHEDULED, user=EVE)
    refused = (await program.responses(before + 2))[-1]
    assert "Only the two people" in refused["text"]


async def _user_of(program: Program, participant_id: int) -> str:
    async with program.bot.deps.sessionmaker() as session:
        participant = await session.get(Participant, participant_id)
        assert participant is not None
        return participant.user_id


async def test_end_of_cycle_thanks_everyone_and_proposes_the_next_round(program: Program) -> None:
    await cohort(program)
    await program.update_settings(cycle_weeks=6, auto_propose_next_round=True)
    await approve(program)
    await program.deliver_all()

    program.bot.clock.advance(timedelta(weeks=6) - timedelta(days=1))
    await end_due_cycles_job(program.bot.deps)
    assert all(p.ended_at is None for p in await program.pairs())

    program.bot.clock.advance(timedelta(days=1))
    await end_due_cycles_job(program.bot.deps)
    await end_due_cycles_job(program.bot.deps)  # a second run changes nothing
    pairs = await program.pairs()
    assert [p.end_reason for p in pairs] == ["cycle_ended", "cycle_ended"]
    await program.deliver_all()
    for user in (ANA, BEN, CARLA, DEV):
        (thanks,) = [m for m in program.dm(user) if "cycle has ended" in m["text"]]
        assert "continue into the next cycle" in thanks["text"]
    proposals = [m for m in program.dm(ADMIN_ID) if "here is the next round" in m["text"]]
    assert len(proposals) == 1

    # Carla takes a break: paused for one cycle, out of the next proposal.
    thanks = next(m for m in program.dm(CARLA) if "cycle has ended" in m["text"])
    before = len(program.slack.responses())
    await program.click(thanks, ActionId.CYCLE_BREAK, user=CARLA)
    answer = (await program.responses(before + 1))[-1]
    assert "Enjoy the break" in answer["text"] and answer["replace_original"] is True
    async with program.bot.deps.sessionmaker() as session:
        carla = (
            await session.scalars(select(Participant).where(Participant.user_id == CARLA))
        ).one()
        assert carla.state == "paused"
    thanks = next(m for m in program.dm(DEV) if "cycle has ended" in m["text"])
    await program.click(thanks, ActionId.CYCLE_CONTINUE, user=DEV)
    answer = (await program.responses(before + 2))[-1]
    assert "next round" in answer["text"]


async def _cycle_end_message(program: Program, user: str) -> JSON:
    return next(m for m in program.dm(user) if "cycle has ended" in m["text"])


async def _state_of(program: Program, user: str) -> Participant:
    async with program.bot.deps.sessionmaker() as session:
        query = select(Participant).where(Participant.user_id == user)
        return (await session.scalars(query)).one()


async def test_a_year_long_cycle_offers_the_longest_break_a_pause_allows(program: Program) -> None:
    await cohort(program)
    await program.update_settings(cycle_weeks=52, cadence_weeks=4, stall_weeks=6)
    await approve(program)
    program.bot.clock.advance(timedelta(weeks=52))
    await end_due_cycles_job(program.bot.deps)
    await program.deliver_all()
    thanks = await _cycle_end_message(program, CARLA)
    labels = [
        e["text"]["text"] for b in thanks["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert "Take a break (26 weeks)" in labels  # not the cycle's 52: a pause lasts 26 at most

    before = len(program.slack.responses())
    await program.click(thanks, ActionId.CYCLE_BREAK, user=CARLA)
    answer = (await program.responses(before + 1))[-1]
    assert "Enjoy the break" in answer["text"]
    carla = await _state_of(program, CARLA)
    assert carla.state == "paused" and carla.paused_until is not None
    assert carla.paused_until - program.bot.clock.now() <= timedelta(weeks=26)
    assert carla.paused_until - program.bot.clock.now() > timedelta(weeks=25)


async def test_pair_me_again_ends_a_pause_so_the_next_round_includes_them(program: Program) -> None:
    await cohort(program)
    await program.update_settings(cycle_weeks=6)
    await approve(program)
    program.bot.clock.advance(timedelta(weeks=6))
    await end_due_cycles_job(program.bot.deps)
    await program.deliver_all()
    told = len(program.slack.ephemerals(CARLA))
    await program.command("pause 8w", user=CARLA)
    await program.answers(told + 1, user=CARLA)
    assert (await _state_of(program, CARLA)).state == "paused"

    before = len(program.slack.responses())
    await program.click(
        await _cycle_end_message(program, CARLA), ActionId.CYCLE_CONTINUE, user=CARLA
    )
    answer = (await program.responses(before + 1))[-1]
    assert "you're in the next round" in answer["text"]
    assert (await _state_of(program, CARLA)).state == "active"
    proposal = await program.propose()
    assert f"<@{CARLA}>" in str(proposal)


async def test_the_home_tab_shows_the_partner_and_past_partners(program: Program) -> None:
    await cohort(program)
    await approve(program)
    home_event = {"type": "app_home_opened", "user": CARLA, "channel": "D0CARLA01", "tab": "home"}
    await program.bot.requester.event(home_event)
    await program.slack.wait_for("views.publish", 1)
    home = str(program.slack.home_view(CARLA))
    assert f"<@{ANA}> since" in home and "ChatGPT" in home
    assert "Past partners" not in home

    async with program.bot.deps.sessionmaker.begin() as session:
        await lifecycle.leave(
            session, program.team_id, ANA, now=program.bot.clock.now(), via="test"
        )
    await program.bot.requester.event(home_event)
    await program.slack.wait_for("views.publish", 2)
    home = str(program.slack.home_view(CARLA))
    assert "Past partners" in home and f"<@{ANA}>" in home and "left the program" in home


async def test_the_announcement_goes_to_the_channel_hr_set_in_the_program_settings(
    program: Program,
) -> None:
    elsewhere = "C0ELSEWHERE"
    program.slack.add_channel(elsewhere, name="mentoring-news")
    await program.update_settings(announce_channel=elsewhere)
    await cohort(program)
    await approve(program)
    await program.deliver_all()
    assert len(program.posts(elsewhere)) == 1
    assert program.posts(ANNOUNCE) == []


async def test_approval_drops_a_pair_whose_guide_now_only_learns(program: Program) -> None:
    await cohort(program)
    proposal = await program.propose()
    assert f"<@{ANA}> → <@{CARLA}>" in proposal["text"]
    # Before HR approves, Ana changes her profile: she now only wants to learn LinkedIn.
    await program.join(ANA, "Ana Guide", "learner", learns=["LinkedIn"], tz="Europe/Paris")
    answer = await approve_clicked(program, proposal)
    assert "Ana Guide now takes part as a learner only" in answer["text"]
    (ana,) = await program.rows(Participant, user_id=ANA)
    assert [p for p in await program.pairs() if ana.id in (p.guide_id, p.learner_id)] == []
    # Carla waits first in line; Ana, whose own change it was, is not told her partner left.
    await program.deliver_all()
    assert [m for m in program.dm(CARLA) if "first in line" in m["text"]]
    assert not [m for m in program.dm(ANA) if "first in line" in m["text"]]


async def test_approval_introduces_a_pair_with_the_tools_its_people_have_now(
    program: Program,
) -> None:
    await cohort(program)
    proposal = await program.propose()
    assert f"<@{ANA}> → <@{CARLA}>" in proposal["text"] and "ChatGPT" in proposal["text"]
    # Ana stopped teaching ChatGPT before HR approved: the pair still stands, without it.
    await program.join(ANA, "Ana Guide", "guide", teaches=["Excel formulas"], tz="Europe/Paris")
    await approve_clicked(program, proposal)
    await program.deliver_all()
    (ana,) = await program.rows(Participant, user_id=ANA)
    (pair,) = [p for p in await program.pairs() if p.guide_id == ana.id]
    assert pair.shared_tools == []
    intro = str(program.posts(pair.group_channel_id or "")[0]["blocks"])
    assert "can teach Excel formulas" in intro and "No shared tool yet" in intro
    assert "idea:* ChatGPT" not in intro

"""Check-ins over signed block_actions and view_submission payloads: every button, the modals,
stale clicks, both partners reporting one session, the Not-yet reminder."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.blocks.checkins import OTHER
from bot.ids import ActionId, BlockId
from models import CheckInStatus, Pair, PairSession, SessionReport
from tests.factories import (
    ADMIN_ID,
    BOTH_BACKENDS,
    PAIR_GUIDE,
    PAIR_LEARNER,
    Program,
    asked,
    last_checkin,
)

GUIDE, LEARNER = PAIR_GUIDE, PAIR_LEARNER
SECRET = "secret-note-for-hr-only"


def buttons(message: dict[str, Any]) -> list[str]:
    return [
        e["action_id"]
        for b in message.get("blocks", [])
        for e in b.get("elements", [])
        if "action_id" in e
    ]


async def ephemeral(program: Program, user: str, count: int) -> str:
    """The text of the `count`-th reply (the user's, as only they see it)."""
    return str((await program.responses(count))[-1]["text"])


@BOTH_BACKENDS
async def test_both_partners_say_we_met_and_share_one_session(program: Program) -> None:
    pair_id, guide_msg, learner_msg = await asked(program)
    assert f"<@{LEARNER}>" in guide_msg["text"] and f"<@{GUIDE}>" in learner_msg["text"]
    assert buttons(guide_msg) == [
        ActionId.CHECKIN_MET,
        ActionId.CHECKIN_NOT_YET,
        ActionId.CHECKIN_SKIP,
        ActionId.CHECKIN_CANT,
    ]
    assert (await program.click(guide_msg, ActionId.CHECKIN_MET, GUIDE)).status_code == 200
    response = await program.submit(
        GUIDE,
        {
            BlockId.CHECKIN_COVERED: "ChatGPT",
            BlockId.CHECKIN_RATING: "4",
            BlockId.CHECKIN_DIRECTION: "tool",
            BlockId.CHECKIN_LEARNED: "Prompts need context",
            BlockId.CHECKIN_HR_NOTE: SECRET,
        },
    )
    assert response.status_code == 200 and response.text in ("", "null")
    updated = last_checkin(program, GUIDE)
    assert "We met" in updated["text"] and "ChatGPT" in updated["text"]
    # The check-in's answers are gone; the guide may confirm the teach-back of what they covered.
    assert buttons(updated) == [ActionId.TEACH_BACK]
    assert (await program.click(learner_msg, ActionId.CHECKIN_MET, LEARNER)).status_code == 200
    bad = await program.submit(
        LEARNER,
        {
            BlockId.CHECKIN_COVERED: OTHER,
            BlockId.CHECKIN_RATING: "5",
            BlockId.CHECKIN_DIRECTION: "tool",
        },
    )
    assert (
        bad.json()["response_action"] == "errors" and BlockId.CHECKIN_OTHER in bad.json()["errors"]
    )
    ok = await program.submit(
        LEARNER,
        {
            BlockId.CHECKIN_COVERED: OTHER,
            BlockId.CHECKIN_OTHER: "Budget approvals",
            BlockId.CHECKIN_RATING: "5",
            BlockId.CHECKIN_DIRECTION: "tool",
        },
    )
    assert ok.status_code == 200
    (session,) = await program.rows(PairSession, pair_id=pair_id)
    reports = await program.rows(SessionReport, session_id=session.id)
    assert sorted((r.reporter_role, r.tool_name, r.other_text, r.rating) for r in reports) == [
        ("guide", "ChatGPT", None, 4),
        ("learner", None, "Budget approvals", 5),
    ]
    # The private note went nowhere in Slack.
    assert SECRET not in str(program.slack.messages()) and SECRET not in str(program.slack.calls())
    # A stale click on the original message: a polite answer, nothing changes.
    before = len(program.slack.responses())
    await program.click(guide_msg, ActionId.CHECKIN_SKIP, GUIDE)
    assert "Already recorded" in await ephemeral(program, GUIDE, before + 1)
    assert [c.status for c in await program.checkins(GUIDE)] == [CheckInStatus.MET]


async def test_not_yet_asks_again_once_two_days_later(program: Program) -> None:
    _, guide_msg, learner_msg = await asked(program)
    await program.click(learner_msg, ActionId.CHECKIN_NOT_YET, LEARNER)
    assert "ask again in 2 days" in last_checkin(program, LEARNER)["text"]
    assert buttons(last_checkin(program, LEARNER)) == []
    program.at(datetime(2026, 12, 5, 9, 59, tzinfo=UTC))
    await program.tick()
    assert await program.outbox("checkin") and len(await program.outbox("checkin")) == 2
    program.at(datetime(2026, 12, 5, 10, 0, tzinfo=UTC))
    await program.tick()
    await program.tick()
    await program.deliver()
    again = last_checkin(program, LEARNER)
    assert "asking again" in again["text"] and len(buttons(again)) == 4
    # The first message's buttons no longer count.
    before = len(program.slack.responses())
    await program.click(learner_msg, ActionId.CHECKIN_SKIP, LEARNER)
    assert "out of date" in await ephemeral(program, LEARNER, before + 1)
    await program.click(again, ActionId.CHECKIN_NOT_YET, LEARNER)
    (checkin,) = await program.checkins(LEARNER)
    assert checkin.status == CheckInStatus.NOT_YET and checkin.attempt == 2
    program.clock.advance(timedelta(days=3))
    await program.tick()
    assert len(await program.outbox("checkin")) == 3  # asked again only once
    # Skip on the guide's side: recorded, no reminder.
    await program.click(guide_msg, ActionId.CHECKIN_SKIP, GUIDE)
    assert [c.status for c in await program.checkins(GUIDE)] == [CheckInStatus.SKIPPED]


async def test_no_reminder_or_new_check_in_once_the_pair_reported(program: Program) -> None:
    pair_id, guide_msg, learner_msg = await asked(program)
    await program.click(learner_msg, ActionId.CHECKIN_NOT_YET, LEARNER)
    await program.click(guide_msg, ActionId.CHECKIN_MET, GUIDE)
    await program.submit(
        GUIDE,
        {
            BlockId.CHECKIN_COVERED: "LinkedIn",
            BlockId.CHECKIN_RATING: "3",
            BlockId.CHECKIN_DIRECTION: "tool",
        },
    )
    program.clock.advance(timedelta(days=3))
    await program.tick()
    assert await program.checkin_now() == 0
    assert len(await program.outbox("checkin")) == 2
    (checkin,) = await program.checkins(LEARNER)
    assert checkin.reminded_at is not None and checkin.status == CheckInStatus.NOT_YET
    assert len(await program.rows(PairSession, pair_id=pair_id)) == 1


@BOTH_BACKENDS
async def test_cant_make_it_ends_the_pair_tells_hr_and_not_the_partner_why(
    program: Program,
) -> None:
    pair_id, guide_msg, learner_msg = await asked(program)
    await program.click(learner_msg, ActionId.CHECKIN_CANT, LEARNER)
    missing = await program.submit(LEARNER, {BlockId.CANT_REASON: "x"})
    assert missing.json()["errors"].keys() == {BlockId.CANT_CHOICE}
    reason = "we never find a slot, private"
    response = await program.submit(
        LEARNER, {BlockId.CANT_CHOICE: "end", BlockId.CANT_REASON: reason}
    )
    assert response.status_code == 200
    assert "can't make this work" in last_checkin(program, LEARNER)["text"]
    assert (await program.pair_row(pair_id)).ended_at is not None
    await program.deliver()
    hr = [m for m in program.dm(ADMIN_ID) if "can't work" in m["text"]]
    assert len(hr) == 1 and reason in str(hr[0]["blocks"])
    partner = [m for m in program.dm(GUIDE) if "has ended" in m["text"]]
    assert len(partner) == 1 and reason not in str(
        program.slack.messages(program.slack.dm_channel(GUIDE))
    )
    # The guide's check-in belongs to an ended pair now.
    before = len(program.slack.responses())
    await program.click(guide_msg, ActionId.CHECKIN_MET, GUIDE)
    assert "nothing changed" in await ephemeral(program, GUIDE, before + 1)


async def test_tell_hr_only_keeps_the_pair_and_someone_elses_button_changes_nothing(
    program: Program,
) -> None:
    pair_id, guide_msg, _ = await asked(program)
    before = len(program.slack.responses())
    await program.click(guide_msg, ActionId.CHECKIN_SKIP, LEARNER)  # not the learner's check-in
    assert "someone else's" in await ephemeral(program, LEARNER, before + 1)
    await program.click(guide_msg, ActionId.CHECKIN_CANT, GUIDE)
    await program.submit(GUIDE, {BlockId.CANT_CHOICE: "tell_hr"})
    (pair,) = await program.rows(Pair, id=pair_id)
    assert pair.ended_at is None
    assert [c.cant_make_it_choice for c in await program.checkins(GUIDE)] == ["tell_hr"]
    assert len(await program.outbox("checkin_cant_make_it")) == 1


async def test_no_not_yet_reminder_to_someone_who_paused_since(program: Program) -> None:
    _, _guide_message, learner_message = await asked(program)  # Thursday 3 Dec 10:00
    await program.click(learner_message, ActionId.CHECKIN_NOT_YET, LEARNER)
    program.at(datetime(2026, 12, 4, 12, 0, tzinfo=UTC))  # Friday: a break until the 21st
    told = len(program.slack.ephemerals(LEARNER))
    await program.command("pause until 2026-12-21", user=LEARNER)
    assert "paused" in (await program.answers(told + 1, user=LEARNER))[-1]["text"]
    program.at(datetime(2026, 12, 5, 10, 0, tzinfo=UTC))  # when the reminder was due
    await program.tick()
    await program.deliver()
    assert not [m for m in program.dm(LEARNER) if "asking again" in m["text"]]
    assert not [r for r in await program.outbox() if r.dedupe_key.startswith("checkin-again:")]


async def test_no_check_ins_while_hr_has_the_program_on_a_break(program: Program) -> None:
    await program.pair(GUIDE, LEARNER, "Europe/London")
    program.at(datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    await program.tick()  # Monday's prompt
    await program.deliver()
    program.at(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))  # Tuesday: a holiday break until 4 Jan
    await program.update_settings(paused_until=date(2027, 1, 4))
    for day in (3, 10, 17):  # Thursdays, when check-ins would be due
        program.at(datetime(2026, 12, day, 10, 0, tzinfo=UTC))
        await program.tick()
    assert await program.outbox("checkin") == []
    # Back from the break, nobody is asked about a week long past.
    program.at(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))
    await program.tick()
    assert await program.outbox("checkin") == []

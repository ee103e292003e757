"""Stalled pairs: HR's alert and its follow-ups (the nudge in the pair's DM, the talk).

Privacy: a stall alert shows each person's last check-in answer (what they clicked), never a
note to HR or a private reason; the nudge in the pair's DM says nothing about HR's alert.
"""

from __future__ import annotations

from collections.abc import Mapping

from slack_sdk.models.blocks import ActionsBlock, Block

from bot.blocks.checkins import ANSWER_TEXT
from bot.blocks.kit import button, context, say, section
from bot.blocks.message import Message
from bot.ids import ActionId, BlockId
from bot.services.stalls import StallNudgeNotice, StallTalkNotice, StallView

STATUS_TEXT = {**ANSWER_TEXT, "asked": "no answer yet"}


def _answers_text(view: StallView) -> str:
    if not view.answers:
        return "No check-in answered yet."
    return "\n".join(
        f"• <@{user}> ({week}): {STATUS_TEXT.get(status, status)}"
        for user, week, status in view.answers
    )


def stall_alert_message(view: StallView, done: Mapping[str, str] | None = None) -> Message:
    """To each HR admin, once per stall: who, since when, last answers, Nudge / Talk buttons."""
    done = done or {}
    text = (
        f"⚠️ <@{view.guide}> and <@{view.learner}> have reported no session for "
        f"{view.silent_weeks} week(s), since the week of {view.since:%d %b %Y}."
    )
    blocks: list[Block] = [
        section(text),
        section(f"*Last check-in answers*\n{_answers_text(view)}"),
    ]
    buttons = []
    if "nudged" not in done:
        buttons.append(
            button("Nudge them", ActionId.STALL_NUDGE, str(view.alert_id), style="primary")
        )
    if "talked" not in done:
        buttons.append(button("Talk to them", ActionId.STALL_TALK, str(view.alert_id)))
    if buttons:
        blocks.append(ActionsBlock(block_id=BlockId.STALL_ACTIONS, elements=buttons))
    for action, admin in sorted(done.items()):
        what = "sent them a friendly nudge" if action == "nudged" else "opened a DM with each"
        blocks.append(context(f"✅ <@{admin}> {what}."))
    blocks.append(context("Private notes and reasons stay out of this alert."))
    return Message(text=text, blocks=blocks)


def stall_nudge_message(notice: StallNudgeNotice) -> Message:
    return say(
        f"👋 Hi <@{notice.guide}> and <@{notice.learner}>! It's been a little while since your "
        "last session. Even 20 minutes this week counts: pick a time that works for both of you?"
    )


def stall_talk_message(notice: StallTalkNotice) -> Message:
    return say(
        f"Hi <@{notice.person}>, <@{notice.admin}> from HR here. How is reverse mentoring going "
        "for you? Anything I can help with? Just reply here."
    )


def stall_action_answer(action: str, already: bool) -> str:
    if already:
        return "That was already done for this pair, so nothing new was sent."
    if action == "nudged":
        return "Done: a friendly nudge is on its way to their group DM."
    return "Done: I'm opening a conversation between you and each of them."

"""Stalled pairs: HR's alert and its follow-ups (the nudge in the pair's DM, the talk).

Privacy: a stall alert shows each person's last check-in answer (what they clicked), never a
note to HR or a private reason; the nudge in the pair's DM says nothing about HR's alert.
"""

from __future__ import annotations

from collections.abc import Mapping

from slack_sdk.models.blocks import ActionsBlock, Block

from bot.blocks.checkins import answer_text
from bot.blocks.kit import button, context, mention, say, section
from bot.blocks.message import Message
from bot.blocks.wording import worded
from bot.i18n import _, day_month_year
from bot.ids import ActionId, BlockId
from bot.services.stalls import StallNudgeNotice, StallTalkNotice, StallView


def status_text(status: str) -> str:
    """A person's latest check-in as HR reads it: the answer they clicked, or none yet."""
    return _("no answer yet") if status == "asked" else answer_text(status)


def _answers_text(view: StallView) -> str:
    if not view.answers:
        return _("No check-in answered yet.")
    return "\n".join(
        _("• <@{user}> ({week}): {answer}").format(user=user, week=week, answer=status_text(status))
        for user, week, status in view.answers
    )


def stall_alert_message(view: StallView, done: Mapping[str, str] | None = None) -> Message:
    """To each HR admin, once per stall: who, since when, last answers, Nudge / Talk buttons."""
    done = done or {}
    text = worded(
        "stall_alert",
        guide=mention(view.guide),
        learner=mention(view.learner),
        weeks=view.silent_weeks,
        since=day_month_year(view.since),
    )
    blocks: list[Block] = [
        section(text),
        section(_("*Last check-in answers*\n{answers}").format(answers=_answers_text(view))),
    ]
    buttons = []
    if "nudged" not in done:
        buttons.append(
            button(_("Nudge them"), ActionId.STALL_NUDGE, str(view.alert_id), style="primary")
        )
    if "talked" not in done:
        buttons.append(button(_("Talk to them"), ActionId.STALL_TALK, str(view.alert_id)))
    if buttons:
        blocks.append(ActionsBlock(block_id=BlockId.STALL_ACTIONS, elements=buttons))
    for action, admin in sorted(done.items()):
        done_text = (
            _("✅ <@{admin}> sent them a friendly nudge.")
            if action == "nudged"
            else _("✅ <@{admin}> opened a DM with each.")
        )
        blocks.append(context(done_text.format(admin=admin)))
    blocks.append(context(_("Private notes and reasons stay out of this alert.")))
    return Message(text=text, blocks=blocks)


def stall_nudge_message(notice: StallNudgeNotice) -> Message:
    return say(worded("stall_nudge", guide=mention(notice.guide), learner=mention(notice.learner)))


def stall_talk_message(notice: StallTalkNotice) -> Message:
    return say(
        _(
            "Hi <@{person}>, <@{admin}> from HR here. How is reverse mentoring going for you? "
            "Anything I can help with? Just reply here."
        ).format(person=notice.person, admin=notice.admin)
    )


def stall_action_answer(action: str, already: bool) -> str:
    if already:
        return _("That was already done for this pair, so nothing new was sent.")
    if action == "nudged":
        return _("Done: a friendly nudge is on its way to their group DM.")
    return _("Done: I'm opening a conversation between you and each of them.")

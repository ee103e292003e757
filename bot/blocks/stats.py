"""What HR admins see: the stalled-pair alert and its follow-ups, and `/rotnem admin stats`.

Privacy: a stall alert shows each person's last check-in answer (what they clicked), never a
note to HR or a private reason; the nudge in the pair's DM says nothing about HR's alert.
"""

from __future__ import annotations

from collections.abc import Mapping

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.checkins import ANSWER_TEXT
from bot.blocks.message import Message
from bot.ids import ActionId, BlockId
from bot.services.reports import StatsView
from bot.services.stalls import StallNudgeNotice, StallTalkNotice, StallView


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text[:2900]))


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text[:2900])])


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
        _section(text),
        _section(f"*Last check-in answers*\n{_answers_text(view)}"),
    ]
    buttons = []
    if "nudged" not in done:
        buttons.append(
            ButtonElement(
                text="Nudge them",
                action_id=ActionId.STALL_NUDGE,
                value=str(view.alert_id),
                style="primary",
            )
        )
    if "talked" not in done:
        buttons.append(
            ButtonElement(
                text="Talk to them", action_id=ActionId.STALL_TALK, value=str(view.alert_id)
            )
        )
    if buttons:
        blocks.append(ActionsBlock(block_id=BlockId.STALL_ACTIONS, elements=buttons))
    for action, admin in sorted(done.items()):
        what = "sent them a friendly nudge" if action == "nudged" else "opened a DM with each"
        blocks.append(_context(f"✅ <@{admin}> {what}."))
    blocks.append(_context("Private notes and reasons stay out of this alert."))
    return Message(text=text, blocks=blocks)


def stall_nudge_message(notice: StallNudgeNotice) -> Message:
    text = (
        f"👋 Hi <@{notice.guide}> and <@{notice.learner}>! It's been a little while since your "
        "last session. Even 20 minutes this week counts: pick a time that works for both of you?"
    )
    return Message(text=text, blocks=[_section(text)])


def stall_talk_message(notice: StallTalkNotice) -> Message:
    text = (
        f"Hi <@{notice.person}>, <@{notice.admin}> from HR here. How is reverse mentoring going "
        "for you? Anything I can help with? Just reply here."
    )
    return Message(text=text, blocks=[_section(text)])


def stall_action_answer(action: str, already: bool) -> str:
    if already:
        return "That was already done for this pair, so nothing new was sent."
    if action == "nudged":
        return "Done: a friendly nudge is on its way to their group DM."
    return "Done: I'm opening a conversation between you and each of them."


# ---- /rotnem admin stats --------------------------------------------------------------------


ROLES = ("guide", "learner", "both")
ROLE_HEADINGS = {"guide": "Guides", "learner": "Learners", "both": "Both ways"}
STATES = ("active", "paused", "left")


def stats_message(stats: StatsView) -> Message:
    lines = []
    for role in ROLES:
        counts = [f"{stats.participants.get((role, state), 0)} {state}" for state in STATES]
        lines.append(f"• {ROLE_HEADINGS[role]}: " + ", ".join(counts))
    people = "\n".join(lines)
    since = f" (since {stats.cycle_start:%d %b %Y})" if stats.cycle_start else ""
    rate = (
        f"{stats.meet_rate:.0%} ({stats.met_recently} of {stats.active_pairs} pairs met in the "
        "last 2 weeks)"
        if stats.meet_rate is not None
        else "no active pairs"
    )
    ratings = (
        ", ".join(
            f"{ROLE_HEADINGS[role].lower()} {stats.rating_by_role[role]:.1f}/5"
            for role in ("guide", "learner")
            if role in stats.rating_by_role
        )
        or "no ratings yet"
    )
    tools = ", ".join(f"{name} ({count})" for name, count in stats.top_tools) or "none yet"
    risk = (
        "\n".join(
            f"• <@{guide}> & <@{learner}>: {weeks} silent week(s)"
            for guide, learner, weeks in stats.at_risk[:10]
        )
        if stats.at_risk
        else "none"
    )
    more = f"\n…and {len(stats.at_risk) - 10} more" if len(stats.at_risk) > 10 else ""
    summary = (
        f"*Active pairs:* {stats.active_pairs}\n"
        f"*Sessions this cycle{since}:* {stats.sessions_this_cycle}\n"
        f"*Meet rate:* {rate}\n"
        f"*Average usefulness:* {ratings}\n"
        f"*Tools taught most:* {tools}"
    )
    blocks: list[Block] = [
        HeaderBlock(text="Reverse mentoring: program stats"),
        _section(f"*Participants*\n{people}"),
        _section(summary),
        _section(f"*At-risk pairs ({len(stats.at_risk)})*\n{risk}{more}"),
        _context("Figures only: nobody's conversation or private notes are read."),
    ]
    text = "Program stats\n" + f"{people}\n{summary}\nAt-risk pairs: {len(stats.at_risk)}"
    return Message(text=text.replace("*", ""), blocks=blocks)

"""What a person reads about their own participation: ephemeral answers and shared wording.

The builders read the enrollment service's frozen read models (`Profile`); they never change them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.message import Message
from bot.ids import ActionId

if TYPE_CHECKING:
    from bot.blocks.home import PartnerSummary
    from bot.services.enrollment import Profile, ToolRef

from bot.services.enrollment import InviteNotice

# How a role reads inside a sentence ("You joined as …").
ROLE_NOUNS = {"guide": "a guide", "learner": "a learner", "both": "both a guide and a learner"}

ROLE_LABELS = {
    "guide": "Guide — you teach tools",
    "learner": "Learner — you learn tools and share how things get done",
    "both": "Both ways — you teach some tools and learn others",
}


def long_date(day: date | datetime) -> str:
    """Monday 7 December 2026."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def role_line(profile: Profile) -> str:
    line = ROLE_LABELS[profile.role]
    if profile.role != "learner" and profile.capacity > 1:
        line += f" (up to {profile.capacity} learners)"
    return line


def state_line(profile: Profile) -> str:
    """Active / paused until … / waitlisted / left, in the person's own time zone."""
    zone = profile.zone
    if profile.status == "left":
        when = f" on {long_date(profile.left_at.astimezone(zone))}" if profile.left_at else ""
        return f"Left the program{when}"
    if profile.status == "paused" and profile.resume_on is not None:
        return f"Paused until {long_date(profile.resume_on)} — you'll be back automatically"
    if profile.status == "waitlisted":
        since = profile.waitlisted_since
        when = f" since {long_date(since.astimezone(zone))}" if since else ""
        return f"Waitlisted{when} — you'll be paired as soon as someone fits"
    return "Active"


def tools_text(tools: Sequence[ToolRef]) -> str:
    if not tools:
        return "—"
    return ", ".join(tool.name for tool in tools)


def partner_line(partner: PartnerSummary | None) -> str:
    if partner is None:
        return "None yet — you'll hear from me when you're paired."
    tools = f" · {', '.join(partner.tools)}" if partner.tools else ""
    return f"<@{partner.user_id}> since {long_date(partner.since)}{tools}"


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def not_participant_message(command: str) -> Message:
    text = f"You're not in the program yet. Join with `{command} join` or from the Home tab."
    return Message(text=text, blocks=[_section(text)])


def not_eligible_message(reason: str) -> Message:
    text = f"Sorry — {reason}"
    return Message(text=text, blocks=[_section(text)])


def slack_unavailable_message() -> Message:
    text = (
        "I couldn't read your Slack profile just now, so nothing was changed. "
        "Please try again in a minute."
    )
    return Message(text=text, blocks=[_section(text)])


def error_message(reason: str) -> Message:
    """A domain error's sentence, as it is."""
    return Message(text=reason, blocks=[_section(reason)])


def invalid_pause_message(command: str, reason: str, example: str) -> Message:
    examples = f"`{command} pause 2w`, `{command} pause 10d` or `{command} {example}`"
    text = f"{reason}\nFor example: {examples}. Nothing was changed."
    return Message(text=text, blocks=[_section(text)])


def paused_message(command: str, profile: Profile) -> Message:
    resume_on = profile.resume_on
    until = long_date(resume_on) if resume_on else "further notice"
    text = (
        f"You're paused until *{until}*: no pairing, nudges or check-ins until then, and "
        f"you'll be back automatically. Back sooner? `{command} resume`."
    )
    return Message(text=text.replace("*", ""), blocks=[_section(text)])


def resumed_message() -> Message:
    text = "Welcome back! You're active again and in the next pairing round."
    return Message(text=text, blocks=[_section(text)])


def leave_confirm_message() -> Message:
    text = (
        "Leave the program? You won't be paired in future rounds and your current pair, if any, "
        "ends. Your history stays in the program's records, and you can join again any time."
    )
    return Message(
        text=text,
        blocks=[
            _section(text),
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Yes, leave",
                        action_id=ActionId.LEAVE_CONFIRM,
                        value="leave",
                        style="danger",
                    ),
                    ButtonElement(text="Stay", action_id=ActionId.LEAVE_CANCEL, value="stay"),
                ]
            ),
        ],
    )


def left_message(command: str) -> Message:
    text = (
        "You've left the program. Thank you for taking part! "
        f"You can join again any time with `{command} join`."
    )
    return Message(text=text, blocks=[_section(text)])


def stayed_message() -> Message:
    text = "Good to have you — nothing changed."
    return Message(text=text, blocks=[_section(text)])


def saved_message(command: str, kind: str, profile: Profile) -> Message:
    """After the profile modal: joined, rejoined or updated."""
    if kind == "updated":
        text = "Your profile is saved."
    else:
        again = " again" if kind == "rejoined" else ""
        text = (
            f"You're in{again}! You joined as *{ROLE_NOUNS[profile.role]}*; you'll hear from me "
            f"when you're paired. See it all in the Home tab or with `{command} status`."
        )
    return Message(text=text.replace("*", ""), blocks=[_section(text)])


def status_message(
    command: str, profile: Profile | None, partner: PartnerSummary | None = None
) -> Message:
    """`/rotnem status`: role, state, current partner, tools."""
    if profile is None:
        return not_participant_message(command)
    lines = [
        f"*Role:* {role_line(profile)}",
        f"*State:* {state_line(profile)}",
    ]
    if profile.status != "left":
        lines.append(f"*Partner:* {partner_line(partner)}")
    if profile.role != "learner":
        lines.append(f"*Teaches:* {tools_text(profile.teaches)}")
    if profile.role != "guide":
        lines.append(f"*Wants to learn:* {tools_text(profile.learns)}")
    lines.append(f"*Department:* {profile.department}")
    body = "\n".join(lines)
    if profile.status == "left":
        hint = f"Join again with `{command} join`."
    elif profile.status == "paused":
        hint = f"`{command} resume` · `{command} profile` · `{command} leave`"
    else:
        hint = f"`{command} profile` · `{command} pause 2w` · `{command} leave`"
    blocks: list[Block] = [_section(f"*Your Rotnem status*\n{body}"), _context(hint)]
    text = "Your Rotnem status\n" + body.replace("*", "")
    return Message(text=text, blocks=blocks)


def invite_message(notice: InviteNotice) -> Message:
    """The DM to someone who joined the program channel."""
    command, channel_id = notice.command, notice.channel_id
    text = (
        f"Hi! You've joined <#{channel_id}>. Rotnem pairs people who grew up with today's tools "
        "(*guides*) with colleagues who want to learn them (*learners*), who share how things "
        "get done here in return. Want to take part? It takes a minute."
    )
    return Message(
        text=f"You've joined <#{channel_id}>: want to take part in reverse mentoring?",
        blocks=[
            _section(text),
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Join", action_id=ActionId.JOIN, value="invite", style="primary"
                    )
                ]
            ),
            _context(f"Or type `{command} join` any time. Not interested? Just ignore this."),
        ],
    )

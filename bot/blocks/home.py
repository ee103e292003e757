"""The App Home tab: what the program is and how to join, or one's own participation; and for
HR admins, a small program summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.checkins import progress_blocks
from bot.blocks.enrollment import partner_line, role_line, state_line, tools_text
from bot.ids import ActionId
from bot.services.reports import PairProgress

if TYPE_CHECKING:
    from bot.services.enrollment import Profile, ProgramSummary

INTRO = (
    "Rotnem pairs people who grew up with today's tools (*guides*) with senior colleagues who "
    "want to learn them (*learners*).\n"
    "Each pair meets every week or two: the guide teaches a tool, the learner shares how things "
    "get done here.\n"
    "HR runs the program; your check-ins stay private."
)
PAUSE_FROM_HOME = "2w"


@dataclass(frozen=True)
class PartnerSummary:
    """The current partner as the Home tab and `status` show it (filled by the pairing feature).

    Only what a partner may see of the other: never their manager or goals.
    """

    user_id: str
    since: date
    tools: tuple[str, ...] = ()


def _join_button(label: str = "Join") -> ButtonElement:
    return ButtonElement(text=label, action_id=ActionId.JOIN, value="home", style="primary")


def _newcomer(command: str) -> list[Block]:
    return [
        HeaderBlock(text="Welcome to Rotnem"),
        SectionBlock(text=MarkdownTextObject(text=INTRO)),
        ActionsBlock(elements=[_join_button()]),
        ContextBlock(
            elements=[MarkdownTextObject(text=f"Or type `{command} join` in any channel.")]
        ),
    ]


def _returning(command: str, profile: Profile) -> list[Block]:
    return [
        HeaderBlock(text="Rotnem"),
        SectionBlock(text=MarkdownTextObject(text=f"*{state_line(profile)}.*")),
        SectionBlock(text=MarkdownTextObject(text=INTRO)),
        ActionsBlock(elements=[_join_button("Join again")]),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Your earlier pairs stay in the program's records. Or type "
                    f"`{command} join` in any channel."
                )
            ]
        ),
    ]


@dataclass(frozen=True)
class PastPartner:
    """Someone the person was paired with before (filled by the pairing feature)."""

    user_id: str
    since: date
    until: date
    reason: str = ""


PAST_REASONS = {
    "cycle_ended": "cycle ended",
    "left": "left the program",
    "unpaired": "changed by HR",
    "paused_long": "paused",
}
MAX_PAST_PARTNERS = 10


def _partners_blocks(others: Sequence[PartnerSummary], past: Sequence[PastPartner]) -> list[Block]:
    """Further current partners (a guide may have several) and the person's past partners."""
    blocks: list[Block] = []
    if others:
        lines = "\n".join(f"• {partner_line(p)}" for p in others)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*Also paired with:*\n{lines}")))
    if past:
        lines = "\n".join(
            f"• <@{p.user_id}> · {p.since:%b %Y} – {p.until:%b %Y}"
            + (f" ({PAST_REASONS.get(p.reason, p.reason)})" if p.reason else "")
            for p in past[:MAX_PAST_PARTNERS]
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*Past partners:*\n{lines}")))
    return blocks


def _participant(
    profile: Profile,
    partner: PartnerSummary | None,
    others: Sequence[PartnerSummary] = (),
    past: Sequence[PastPartner] = (),
) -> list[Block]:
    fields = [MarkdownTextObject(text=f"*Role*\n{role_line(profile)}")]
    fields.append(MarkdownTextObject(text=f"*Department*\n{profile.department}"))
    if profile.role != "learner":
        fields.append(MarkdownTextObject(text=f"*Teaches*\n{tools_text(profile.teaches)}"))
    if profile.role != "guide":
        fields.append(MarkdownTextObject(text=f"*Wants to learn*\n{tools_text(profile.learns)}"))
    if profile.role != "guide" and profile.share:
        fields.append(MarkdownTextObject(text=f"*Shares in return*\n{profile.share}"))
    paused = profile.status == "paused"
    pause_or_resume = (
        ButtonElement(text="Resume", action_id=ActionId.RESUME, value="resume", style="primary")
        if paused
        else ButtonElement(
            text="Pause for 2 weeks", action_id=ActionId.PAUSE, value=PAUSE_FROM_HOME
        )
    )
    blocks: list[Block] = [
        HeaderBlock(text="Your reverse mentoring"),
        SectionBlock(text=MarkdownTextObject(text=f"*State:* {state_line(profile)}")),
        SectionBlock(fields=fields),
        SectionBlock(text=MarkdownTextObject(text=f"*Current partner:* {partner_line(partner)}")),
        *_partners_blocks(others, past),
        ActionsBlock(
            elements=[
                ButtonElement(text="Edit profile", action_id=ActionId.EDIT_PROFILE, value="edit"),
                pause_or_resume,
                ButtonElement(
                    text="Leave",
                    action_id=ActionId.LEAVE,
                    value="leave",
                    style="danger",
                    confirm=ConfirmObject(
                        title="Leave the program?",
                        text="You won't be paired in future rounds and your current pair, if "
                        "any, ends. Your history stays, and you can join again any time.",
                        confirm="Leave",
                        deny="Stay",
                        style="danger",
                    ),
                ),
            ]
        ),
    ]
    if profile.goals:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=f"Your goals (only you see them): {profile.goals}")
                ]
            )
        )
    return blocks


def _admin(summary: ProgramSummary) -> list[Block]:
    roles = (
        f"Guides: {summary.by_role('guide')} · Learners: {summary.by_role('learner')} · "
        f"Both ways: {summary.by_role('both')}"
    )
    states = (
        f"Active: {summary.by_status('active')} · Paused: {summary.by_status('paused')} · "
        f"Waitlisted: {summary.by_status('waitlisted')} · Left: {summary.by_status('left')}"
    )
    return [
        DividerBlock(),
        HeaderBlock(text="Program summary (HR)"),
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*{summary.total} participants*\n{roles}\n{states}",
            )
        ),
    ]


def home_view(
    *,
    command: str,
    profile: Profile | None,
    partner: PartnerSummary | None = None,
    program: ProgramSummary | None = None,
    other_partners: Sequence[PartnerSummary] = (),
    past_partners: Sequence[PastPartner] = (),
    progress: PairProgress | None = None,
) -> View:
    """The whole Home tab; `program` is given only for HR admins; `progress` is the current
    pair's last sessions, tools covered and next prompt."""
    if profile is None:
        blocks = _newcomer(command)
    elif profile.status == "left":
        blocks = _returning(command, profile)
    else:
        blocks = _participant(profile, partner, other_partners, past_partners)
        # After the current partner, before the other and past partners.
        blocks[4:4] = progress_blocks(progress)
    if program is not None:
        blocks += _admin(program)
    return View(type="home", blocks=blocks)


def welcome_home(command: str) -> View:
    """What a newcomer sees: what the program is and how to join."""
    return home_view(command=command, profile=None)

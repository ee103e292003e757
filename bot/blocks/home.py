"""The App Home tab: what the program is and how to join, or one's own participation; and for
HR admins, a small program summary."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.checkins import progress_blocks
from bot.blocks.enrollment import partner_line, role_line, state_line, tools_text
from bot.blocks.figures import definition_note, participants_lines, period_lines
from bot.blocks.kit import button, context, escape, mention, section
from bot.ids import ActionId
from bot.services.enrollment.lifecycle import HOME_PAUSE
from bot.services.enrollment.queries import Profile
from bot.services.figures import ProgramFigures
from bot.services.home import Home, PartnerSummary, PastPartner

INTRO = (
    "Rotnem pairs people who grew up with today's tools (*guides*) with senior colleagues who "
    "want to learn them (*learners*).\n"
    "Each pair meets every week or two: the guide teaches a tool, the learner shares how things "
    "get done here.\n"
    "HR runs the program; your check-ins stay private."
)


def _join_button(label: str = "Join") -> ButtonElement:
    return button(label, ActionId.JOIN, "home", style="primary")


def _newcomer(command: str) -> list[Block]:
    return [
        HeaderBlock(text="Welcome to Rotnem"),
        section(INTRO),
        ActionsBlock(elements=[_join_button()]),
        context(f"Or type `{command} join` in any channel."),
    ]


def _returning(command: str, profile: Profile) -> list[Block]:
    return [
        HeaderBlock(text="Rotnem"),
        section(f"*{state_line(profile)}.*"),
        section(INTRO),
        ActionsBlock(elements=[_join_button("Join again")]),
        context(
            "Your earlier pairs stay in the program's records. Or type "
            f"`{command} join` in any channel."
        ),
    ]


PAST_REASONS = {
    "cycle_ended": "cycle ended",
    "left": "left the program",
    "unpaired": "changed by HR",
}
MAX_PAST_PARTNERS = 10


def _partners_blocks(others: Sequence[PartnerSummary], past: Sequence[PastPartner]) -> list[Block]:
    """Further current partners (a guide may have several) and the person's past partners."""
    blocks: list[Block] = []
    if others:
        lines = "\n".join(f"• {partner_line(p)}" for p in others)
        blocks.append(section(f"*Also paired with:*\n{lines}"))
    if past:
        lines = "\n".join(
            f"• {mention(p.user_id)} · {p.since:%b %Y} – {p.until:%b %Y}"
            + (f" ({PAST_REASONS.get(p.reason, p.reason)})" if p.reason else "")
            for p in past[:MAX_PAST_PARTNERS]
        )
        blocks.append(section(f"*Past partners:*\n{lines}"))
    return blocks


def _participant(
    profile: Profile,
    partner: PartnerSummary | None,
    others: Sequence[PartnerSummary] = (),
    past: Sequence[PastPartner] = (),
) -> list[Block]:
    fields = [MarkdownTextObject(text=f"*Role*\n{role_line(profile)}")]
    fields.append(MarkdownTextObject(text=f"*Department*\n{escape(profile.department)}"))
    if profile.role != "learner":
        fields.append(MarkdownTextObject(text=f"*Teaches*\n{tools_text(profile.teaches)}"))
    if profile.role != "guide":
        fields.append(MarkdownTextObject(text=f"*Wants to learn*\n{tools_text(profile.learns)}"))
    if profile.role != "guide" and profile.share:
        fields.append(MarkdownTextObject(text=f"*Shares in return*\n{escape(profile.share)}"))
    paused = profile.status == "paused"
    pause_or_resume = (
        button("Resume", ActionId.RESUME, "resume", style="primary")
        if paused
        else button(f"Pause for {HOME_PAUSE.days // 7} weeks", ActionId.PAUSE, "pause")
    )
    blocks: list[Block] = [
        HeaderBlock(text="Your reverse mentoring"),
        section(f"*State:* {state_line(profile)}"),
        SectionBlock(fields=fields),
        section(f"*Current partner:* {partner_line(partner)}"),
        *_partners_blocks(others, past),
        ActionsBlock(
            elements=[
                button("Edit profile", ActionId.EDIT_PROFILE, "edit"),
                pause_or_resume,
                button(
                    "Leave",
                    ActionId.LEAVE,
                    "leave",
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
        blocks.append(context(f"Your goals (only you see them): {escape(profile.goals)}"))
    return blocks


def _admin(figures: ProgramFigures) -> list[Block]:
    return [
        DividerBlock(),
        HeaderBlock(text="Program summary (HR)"),
        section("\n".join(participants_lines(figures))),
        section("\n".join(period_lines(figures))),
        context(definition_note()),
    ]


def home_view(command: str, home: Home) -> View:
    """The whole Home tab: for a newcomer, what the program is and how to join; for someone who
    left, how to come back; otherwise their participation, their pair's progress and partners.
    HR admins also get the program's counts (`home.program`)."""
    profile = home.profile
    if profile is None:
        blocks = _newcomer(command)
    elif profile.status == "left":
        blocks = _returning(command, profile)
    else:
        blocks = _participant(profile, home.partner, home.partners[1:], home.past_partners)
        # After the current partner, before the other and past partners.
        blocks[4:4] = progress_blocks(home.progress)
    if home.program is not None:
        blocks += _admin(home.program)
    return View(type="home", blocks=blocks)

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
from bot.i18n import N_, _, month_year, ngettext
from bot.ids import ActionId
from bot.services.enrollment.lifecycle import HOME_PAUSE
from bot.services.enrollment.queries import Profile
from bot.services.figures import ProgramFigures
from bot.services.home import Home, PartnerSummary, PastPartner

INTRO = N_(
    "Rotnem pairs people who grew up with today's tools (*guides*) with senior colleagues who "
    "want to learn them (*learners*).\n"
    "Each pair meets every week or two: the guide teaches a tool, the learner shares how things "
    "get done here.\n"
    "HR runs the program; your check-ins stay private."
)


def _join_button(label: str | None = None) -> ButtonElement:
    return button(label or _("Join"), ActionId.JOIN, "home", style="primary")


def _newcomer(command: str) -> list[Block]:
    return [
        HeaderBlock(text=_("Welcome to Rotnem")),
        section(_(INTRO)),
        ActionsBlock(elements=[_join_button()]),
        context(_("Or type `{command} join` in any channel.").format(command=command)),
    ]


def _returning(command: str, profile: Profile) -> list[Block]:
    return [
        HeaderBlock(text="Rotnem"),
        section(f"*{state_line(profile)}.*"),
        section(_(INTRO)),
        ActionsBlock(elements=[_join_button(_("Join again"))]),
        context(
            _(
                "Your earlier pairs stay in the program's records. Or type "
                "`{command} join` in any channel."
            ).format(command=command)
        ),
    ]


PAST_REASONS = {
    "cycle_ended": N_("cycle ended"),
    "left": N_("left the program"),
    "unpaired": N_("changed by HR"),
    # After a "Not a good fit": the same neutral words for both, whoever said it.
    "not_a_fit": N_("re-paired by HR"),
}
MAX_PAST_PARTNERS = 10


def _past_line(past: PastPartner) -> str:
    """ "• <@U…> · Sep 2026 – Dec 2026 (cycle ended)"."""
    partner, since, until = mention(past.user_id), month_year(past.since), month_year(past.until)
    if not past.reason:
        return _("• {partner} · {since} – {until}").format(
            partner=partner, since=since, until=until
        )
    reason = PAST_REASONS.get(past.reason)
    return _("• {partner} · {since} – {until} ({reason})").format(
        partner=partner, since=since, until=until, reason=_(reason) if reason else past.reason
    )


def _partners_blocks(others: Sequence[PartnerSummary], past: Sequence[PastPartner]) -> list[Block]:
    """Further current partners (a guide may have several) and the person's past partners."""
    blocks: list[Block] = []
    if others:
        lines = "\n".join(f"• {partner_line(p)}" for p in others)
        blocks.append(section(_("*Also paired with:*\n{lines}").format(lines=lines)))
    if past:
        lines = "\n".join(_past_line(p) for p in past[:MAX_PAST_PARTNERS])
        blocks.append(section(_("*Past partners:*\n{lines}").format(lines=lines)))
    return blocks


def _participant(
    profile: Profile,
    partner: PartnerSummary | None,
    others: Sequence[PartnerSummary] = (),
    past: Sequence[PastPartner] = (),
    program_name: str | None = None,
) -> list[Block]:
    def field(text: str) -> MarkdownTextObject:
        return MarkdownTextObject(text=text)

    fields = [field(_("*Role*\n{role}").format(role=role_line(profile)))]
    fields.append(
        field(_("*Department*\n{department}").format(department=escape(profile.department)))
    )
    if profile.role != "learner":
        fields.append(field(_("*Teaches*\n{tools}").format(tools=tools_text(profile.teaches))))
    if profile.role != "guide":
        fields.append(
            field(_("*Wants to learn*\n{tools}").format(tools=tools_text(profile.learns)))
        )
    if profile.role != "guide" and profile.share:
        fields.append(field(_("*Shares in return*\n{share}").format(share=escape(profile.share))))
    paused = profile.status == "paused"
    weeks = HOME_PAUSE.days // 7
    pause_or_resume = (
        button(_("Resume"), ActionId.RESUME, "resume", style="primary")
        if paused
        else button(
            ngettext("Pause for {count} week", "Pause for {count} weeks", weeks).format(
                count=weeks
            ),
            ActionId.PAUSE,
            "pause",
        )
    )
    blocks: list[Block] = [
        HeaderBlock(text=program_name or _("Your reverse mentoring")),
        section(_("*State:* {state}").format(state=state_line(profile))),
        SectionBlock(fields=fields),
        section(_("*Current partner:* {partner}").format(partner=partner_line(partner))),
        *_partners_blocks(others, past),
        ActionsBlock(
            elements=[
                button(_("Edit profile"), ActionId.EDIT_PROFILE, "edit"),
                pause_or_resume,
                button(
                    _("Leave"),
                    ActionId.LEAVE,
                    "leave",
                    style="danger",
                    confirm=ConfirmObject(
                        title=_("Leave the program?"),
                        text=_(
                            "You won't be paired in future rounds and your current pair, if "
                            "any, ends. Your history stays, and you can join again any time."
                        ),
                        confirm=_("Leave"),
                        deny=_("Stay"),
                        style="danger",
                    ),
                ),
            ]
        ),
    ]
    if profile.goals:
        blocks.append(
            context(
                _("Your goals (only you see them): {goals}").format(goals=escape(profile.goals))
            )
        )
    return blocks


def _admin(figures: ProgramFigures) -> list[Block]:
    return [
        DividerBlock(),
        HeaderBlock(text=_("Program summary (HR)")),
        section("\n".join(participants_lines(figures))),
        section("\n".join(period_lines(figures))),
        context(definition_note()),
        ActionsBlock(
            elements=[
                button(_("Program settings"), ActionId.HOME_SETTINGS, "settings"),
                button(_("Wording"), ActionId.HOME_WORDING, "wording"),
            ]
        ),
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
        blocks = _participant(
            profile, home.partner, home.partners[1:], home.past_partners, home.program_name
        )
        # After the current partner, before the other and past partners.
        blocks[4:4] = progress_blocks(home.progress)
    if home.program is not None:
        blocks += _admin(home.program)
    return View(type="home", blocks=blocks)

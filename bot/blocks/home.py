"""The App Home tab: what the program is and how to join, or one's own participation; and for
HR admins, a small program summary. A workspace running several programs shows each one the
person takes part in, a Join offer for the others, and HR's summary of each they run."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.checkins import progress_blocks
from bot.blocks.enrollment import partner_line, role_line, state_line, tools_text
from bot.blocks.figures import definition_note, participants_lines, period_lines
from bot.blocks.kit import ask_first, button, context, escape, in_program, mention, section
from bot.blocks.wording import program_label
from bot.i18n import N_, _, month_year, ngettext
from bot.ids import ActionId
from bot.services.enrollment.lifecycle import HOME_PAUSE
from bot.services.enrollment.queries import Profile
from bot.services.figures import ProgramFigures
from bot.services.home import Home, PartnerSummary, PastPartner, ProgramHome

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
                    confirm=ask_first(
                        _("Leave the program?"),
                        _(
                            "You won't be paired in future rounds and your current pair, if "
                            "any, ends. Your history stays, and you can join again any time."
                        ),
                        _("Leave"),
                        _("Stay"),
                        danger=True,
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


def _admin(figures: ProgramFigures, title: str | None = None) -> list[Block]:
    return [
        DividerBlock(),
        HeaderBlock(text=title or _("Program summary (HR)")),
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


def _participation(home: Home, title: str | None) -> list[Block]:
    """The person's part in a program they take part in, under `title` (else HR's name for it,
    else ours)."""
    assert home.profile is not None
    blocks = _participant(home.profile, home.partner, home.partners[1:], home.past_partners, title)
    # After the current partner, before the other and past partners.
    blocks[4:4] = progress_blocks(home.progress)
    return blocks


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
        blocks = _participation(home, home.program_name)
    if home.program is not None:
        blocks += _admin(home.program)
    return View(type="home", blocks=blocks)


# ---- a workspace running several programs ------------------------------------------------------

# Slack's limit for the Home tab.
MAX_HOME_BLOCKS = 100


def _takes_part(home: Home) -> bool:
    return home.profile is not None and home.profile.status != "left"


def _offer(program: ProgramHome) -> Block:
    """One line for a program the person is not in (or left): its name, and Join."""
    profile = program.home.profile
    text = f"*{escape(program_label(program.program.name, program.program.template))}*"
    if profile is not None:
        text += f"\n{state_line(profile)}"
    join = _join_button(_("Join again") if profile is not None else None)
    return SectionBlock(text=MarkdownTextObject(text=text), accessory=join)


def programs_home_view(command: str, programs: Sequence[ProgramHome]) -> View:
    """The Home tab of a workspace running several programs: the person's part in each one
    they take part in, under its name; a Join offer for each of the others; and for HR, the
    summary of each program they administer.

    Each program's blocks are built for it (`in_program`), so its buttons bring their click
    back to it: Leave there leaves that program only. Past Slack's 100 blocks, the rest is
    counted in a last line rather than shown."""
    # In the order shown, each part's blocks and whether they are one program's (else the
    # tab's own words).
    parts: list[tuple[bool, list[Block]]] = []
    taking_part = [p for p in programs if _takes_part(p.home)]
    offers = [p for p in programs if not _takes_part(p.home)]
    if not taking_part:
        parts.append((False, [HeaderBlock(text=_("Welcome to Rotnem")), section(_(INTRO))]))
    for program in taking_part:
        with in_program(program.program.number):
            title = program_label(program.program.name, program.program.template)
            parts.append((True, _participation(program.home, title)))
    if offers:
        if taking_part:
            parts.append((False, [DividerBlock(), HeaderBlock(text=_("Other programs"))]))
        for program in offers:
            with in_program(program.program.number):
                parts.append((True, [_offer(program)]))
        join = _("Or type `{command} join` in any channel.").format(command=command)
        parts.append((False, [context(join)]))
    for program in programs:
        if program.home.program is not None:
            title = _("Program summary (HR): {program}").format(
                program=program_label(program.program.name, program.program.template)
            )
            with in_program(program.program.number):
                parts.append((True, _admin(program.home.program, title)))
    return View(type="home", blocks=_within_limit(parts))


def _within_limit(parts: Sequence[tuple[bool, list[Block]]]) -> list[Block]:
    """The parts' blocks, as many as fit in the Home tab, and a line counting the programs'
    parts left out."""
    if sum(len(blocks) for _counted, blocks in parts) <= MAX_HOME_BLOCKS:
        return [block for _counted, blocks in parts for block in blocks]
    shown: list[Block] = []
    for index, (_counted, blocks) in enumerate(parts):
        if len(shown) + len(blocks) > MAX_HOME_BLOCKS - 1:  # room for the line below
            left = sum(1 for counted, _blocks in parts[index:] if counted)
            shown.append(
                context(
                    ngettext(
                        "…and {count} more section, not shown: Slack's Home tab is full.",
                        "…and {count} more sections, not shown: Slack's Home tab is full.",
                        left,
                    ).format(count=left)
                )
            )
            break
        shown += blocks
    return shown

"""What a person reads about their own participation: the profile modal (join and edit share it),
`status`, the answers to pause / resume / leave, and the program channel's invitation.

The builders read the enrollment service's frozen read models (`Profile`); they never change them.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    Option,
    OptionGroup,
    PlainTextObject,
    StaticMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.checkins import progress_lines
from bot.blocks.kit import (
    Inputs,
    button,
    context,
    escape,
    mention,
    modal,
    option,
    option_group,
    plain,
    say,
    section,
)
from bot.blocks.message import Message
from bot.blocks.wording import program_label
from bot.i18n import N_, _, long_date, ngettext
from bot.ids import ActionId, BlockId, CallbackId
from bot.services.directory import SlackManager
from bot.services.enrollment.invites import InviteNotice, WelcomeNotice
from bot.services.enrollment.profile import (
    MAX_CAPACITY,
    MAX_DEPARTMENT,
    MAX_GOALS,
    MAX_OTHER_TOOLS,
    MAX_SHARE,
)
from bot.services.enrollment.queries import Profile, ToolRef
from bot.services.home import Home, PartnerSummary, ProgramHome
from bot.services.tools import ToolInfo
from bot.services.tools_builtin import shown_category

# The sentence saying which role someone joined as (after "You're in!").
JOINED_AS = {
    "guide": N_("You joined as *a guide*; you'll hear from me when you're paired."),
    "learner": N_("You joined as *a learner*; you'll hear from me when you're paired."),
    "both": N_(
        "You joined as *both a guide and a learner*; you'll hear from me when you're paired."
    ),
}

ROLE_LABELS = {
    "guide": N_("Guide — you teach tools"),
    "learner": N_("Learner — you learn tools and share how things get done"),
    "both": N_("Both ways — you teach some tools and learn others"),
}


def role_line(profile: Profile) -> str:
    line = _(ROLE_LABELS[profile.role])
    if profile.role != "learner" and profile.capacity > 1:
        return ngettext(
            "{role} (up to {count} learner)", "{role} (up to {count} learners)", profile.capacity
        ).format(role=line, count=profile.capacity)
    return line


def state_line(profile: Profile) -> str:
    """Active / paused until … / waitlisted / left, in the person's own time zone."""
    zone = profile.zone
    if profile.status == "left":
        if profile.left_at:
            return _("Left the program on {date}").format(
                date=long_date(profile.left_at.astimezone(zone))
            )
        return _("Left the program")
    if profile.status == "paused" and profile.resume_on is not None:
        return _("Paused until {date} — you'll be back automatically").format(
            date=long_date(profile.resume_on)
        )
    if profile.status == "waitlisted":
        since = profile.waitlisted_since
        if since:
            return _("Waitlisted since {date} — you'll be paired as soon as someone fits").format(
                date=long_date(since.astimezone(zone))
            )
        return _("Waitlisted — you'll be paired as soon as someone fits")
    return _("Active")


def tools_text(tools: Sequence[ToolRef]) -> str:
    if not tools:
        return "—"
    return escape(", ".join(tool.name for tool in tools))


def partner_line(partner: PartnerSummary | None) -> str:
    if partner is None:
        return _("None yet — you'll hear from me when you're paired.")
    if partner.tools:
        return _("{partner} since {date} · {tools}").format(
            partner=mention(partner.user_id),
            date=long_date(partner.since),
            tools=escape(", ".join(partner.tools)),
        )
    return _("{partner} since {date}").format(
        partner=mention(partner.user_id), date=long_date(partner.since)
    )


def not_participant_message(command: str) -> Message:
    return say(
        _("You're not in the program yet. Join with `{command} join` or from the Home tab.").format(
            command=command
        )
    )


def not_eligible_message(reason: str) -> Message:
    """`reason`: a refusal's plain sentence."""
    return say(_("Sorry — {reason}").format(reason=escape(reason)))


def slack_unavailable_message() -> Message:
    return say(
        _(
            "I couldn't read your Slack profile just now, so nothing was changed. "
            "Please try again in a minute."
        )
    )


def invalid_pause_message(command: str, reason: str, example: str) -> Message:
    """`reason`: a plain sentence, which may quote what the person typed."""
    examples = _("`{command} pause 2w`, `{command} pause 10d` or `{command} {example}`").format(
        command=command, example=example
    )
    return say(
        _("{reason}\nFor example: {examples}. Nothing was changed.").format(
            reason=escape(reason), examples=examples
        )
    )


def paused_message(command: str, profile: Profile) -> Message:
    resume_on = profile.resume_on
    if resume_on is None:
        return say(
            _(
                "You're paused until *further notice*: no pairing, nudges or check-ins until "
                "then, and you'll be back automatically. Back sooner? `{command} resume`."
            ).format(command=command)
        )
    return say(
        _(
            "You're paused until *{date}*: no pairing, nudges or check-ins until then, and "
            "you'll be back automatically. Back sooner? `{command} resume`."
        ).format(date=long_date(resume_on), command=command)
    )


def resumed_message() -> Message:
    return say(_("Welcome back! You're active again and in the next pairing round."))


def leave_confirm_message() -> Message:
    text = _(
        "Leave the program? You won't be paired in future rounds and your current pair, if any, "
        "ends. Your history stays in the program's records, and you can join again any time."
    )
    return Message(
        text=text,
        blocks=[
            section(text),
            ActionsBlock(
                elements=[
                    button(_("Yes, leave"), ActionId.LEAVE_CONFIRM, "leave", style="danger"),
                    button(_("Stay"), ActionId.LEAVE_CANCEL, "stay"),
                ]
            ),
        ],
    )


def left_message(command: str) -> Message:
    return say(
        _(
            "You've left the program. Thank you for taking part! "
            "You can join again any time with `{command} join`."
        ).format(command=command)
    )


def stayed_message() -> Message:
    return say(_("Good to have you — nothing changed."))


def saved_message(command: str, kind: str, profile: Profile) -> Message:
    """After the profile modal: joined, rejoined or updated."""
    if kind == "updated":
        return say(_("Your profile is saved."))
    welcome = _("You're in again!") if kind == "rejoined" else _("You're in!")
    see = _("See it all in the Home tab or with `{command} status`.").format(command=command)
    joined_as = _(JOINED_AS[profile.role])
    return say(f"{welcome} {joined_as} {see}")


def status_message(command: str, home: Home) -> Message:
    """`/rotnem status`: role, state, current partner and the pair's progress, tools."""
    if home.profile is None:
        return not_participant_message(command)
    blocks, text = _status(command, home, _("Your Rotnem status"))
    return Message(text=text, blocks=blocks)


# A message takes 50 blocks.
MAX_MESSAGE_BLOCKS = 50


def programs_status_message(command: str, programs: Sequence[ProgramHome]) -> Message:
    """`/rotnem status` in a workspace running several programs: the same, under each one's
    name, for every program the person takes part in (as many as a message holds)."""
    shown = [program for program in programs if program.home.profile is not None]
    if not shown:
        return not_participant_message(command)
    blocks: list[Block] = []
    texts: list[str] = []
    for index, program in enumerate(shown):
        title = escape(program_label(program.program.name, program.program.template))
        part, text = _status(command, program.home, title)
        if len(blocks) + len(part) > MAX_MESSAGE_BLOCKS - 1:  # room for the line below
            left = len(shown) - index
            note = ngettext(
                "…and {count} more program, not shown here.",
                "…and {count} more programs, not shown here.",
                left,
            ).format(count=left)
            blocks.append(context(note))
            texts.append(note)
            break
        blocks += part
        texts.append(text)
    return Message(text="\n\n".join(texts), blocks=blocks)


def _status(command: str, home: Home, title: str) -> tuple[list[Block], str]:
    """One program's status under `title` (mrkdwn): its blocks and their text fallback."""
    profile = home.profile
    assert profile is not None
    lines = [
        _("*Role:* {role}").format(role=role_line(profile)),
        _("*State:* {state}").format(state=state_line(profile)),
    ]
    if profile.status != "left":
        lines.append(_("*Partner:* {partner}").format(partner=partner_line(home.partner)))
    if profile.role != "learner":
        lines.append(_("*Teaches:* {tools}").format(tools=tools_text(profile.teaches)))
    if profile.role != "guide":
        lines.append(_("*Wants to learn:* {tools}").format(tools=tools_text(profile.learns)))
    lines.append(_("*Department:* {department}").format(department=escape(profile.department)))
    body = "\n".join(lines)
    if profile.status == "left":
        hint = _("Join again with `{command} join`.").format(command=command)
    elif profile.status == "paused":
        hint = f"`{command} resume` · `{command} profile` · `{command} leave`"
    else:
        hint = f"`{command} profile` · `{command} pause 2w` · `{command} leave`"
    blocks: list[Block] = [section(f"*{title}*\n{body}")]
    text = f"{title}\n" + plain(body)
    if home.progress is not None:
        progress = progress_lines(home.progress)
        blocks.append(section("\n".join(progress)))
        text += "\n" + plain("\n".join(progress))
    blocks.append(context(hint))
    return blocks, text


def invite_message(notice: InviteNotice) -> Message:
    """The DM to someone who joined the program channel (naming its program when the workspace
    runs several)."""
    command, channel_id = notice.command, notice.channel_id
    if notice.program is None:
        text = _(
            "Hi! You've joined <#{channel}>. Rotnem pairs people who grew up with today's tools "
            "(*guides*) with colleagues who want to learn them (*learners*), who share how "
            "things get done here in return. Want to take part? It takes a minute."
        ).format(channel=channel_id)
        summary = _("You've joined <#{channel}>: want to take part in reverse mentoring?").format(
            channel=channel_id
        )
    else:
        program = escape(program_label(notice.program.name, notice.program.template))
        text = _(
            "Hi! You've joined <#{channel}>, the channel of *{program}*. Rotnem pairs people who "
            "grew up with today's tools (*guides*) with colleagues who want to learn them "
            "(*learners*), who share how things get done here in return. Want to take part in "
            "*{program}*? It takes a minute."
        ).format(channel=channel_id, program=program)
        summary = _("You've joined <#{channel}>: want to take part in {program}?").format(
            channel=channel_id, program=program
        )
    return Message(
        text=summary,
        blocks=[
            section(text),
            ActionsBlock(elements=[button(_("Join"), ActionId.JOIN, "invite", style="primary")]),
            context(_join_any_time(command)),
        ],
    )


def _join_any_time(command: str) -> str:
    return _("Or type `{command} join` any time. Not interested? Just ignore this.").format(
        command=command
    )


def welcome_message(notice: WelcomeNotice) -> Message:
    """The DM to someone who just joined the workspace (the program's "invite new people")."""
    text = _(
        "Welcome aboard! 👋 Here, people who grew up with today's tools (*guides*) pair up with "
        "colleagues who want to learn them (*learners*), who share how things get done here in "
        "return. Want to take part? It takes a minute."
    )
    return Message(
        text=_("Welcome! Want to take part in reverse mentoring?"),
        blocks=[
            section(text),
            ActionsBlock(elements=[button(_("Join"), ActionId.JOIN, "invite", style="primary")]),
            context(_join_any_time(notice.command)),
        ],
    )


# ---- the profile modal -------------------------------------------------------------------------

ROLE_OPTIONS = (
    (
        "guide",
        N_("I'll be a guide — I teach tools"),
        N_("Share the apps and tricks you use every day"),
    ),
    (
        "learner",
        N_("I'm a learner — I want to learn tools"),
        N_("Share how things get done here in return"),
    ),
    ("both", N_("Both ways"), N_("Teach some tools and learn others")),
)
# Every input of the profile modal answers under one action_id.
inputs = Inputs(ActionId.PROFILE_ANSWER)
RETIRED_GROUP = N_("No longer offered")
MAX_OTHER_INPUT = 500
# Slack allows 100 options per group and 100 groups; the catalogue stays far below either.
MAX_GROUP_OPTIONS = 100


def _role_option(value: str) -> Option:
    for role, label, description in ROLE_OPTIONS:
        if role == value:
            return Option(
                value=role, text=PlainTextObject(text=_(label)), description=_(description)
            )
    raise ValueError(f"unknown role {value!r}")


def _tool_groups(
    catalogue: Sequence[ToolInfo], mine: Sequence[ToolRef]
) -> tuple[list[OptionGroup], dict[int, Option]]:
    """Option groups by category (catalogue order), plus retired tools the person still has."""
    options: dict[int, Option] = {}
    # By stored category; each is labelled in the reader's language (ours) or as stored.
    by_category: dict[str, list[Option]] = {}
    for tool in catalogue:
        offered = option(str(tool.id), tool.name)
        options[tool.id] = offered
        by_category.setdefault(tool.category, []).append(offered)
    groups = [(shown_category(category), group) for category, group in by_category.items()]
    retired = [
        option(str(ref.tool_id), ref.name)
        for ref in mine
        if ref.tool_id is not None and ref.tool_id not in options
    ]
    for kept in retired:
        options[int(str(kept.value))] = kept
    if retired:
        groups.append((_(RETIRED_GROUP), retired))
    option_groups = [option_group(label, group[:MAX_GROUP_OPTIONS]) for label, group in groups]
    return option_groups, options


def _tool_inputs(
    block_id: BlockId,
    other_block_id: BlockId,
    label: str,
    other_label: str,
    hint: str,
    catalogue: Sequence[ToolInfo],
    mine: Sequence[ToolRef],
) -> list[Block]:
    """Tools from the catalogue (a multi-select, when it offers any) and typed-in ones."""
    blocks: list[Block] = []
    groups, options = _tool_groups(catalogue, mine)
    if groups:
        initial = [options[ref.tool_id] for ref in mine if ref.tool_id in options]
        picker = StaticMultiSelectElement(
            action_id=inputs.action_id,
            placeholder=_("Pick from the catalogue"),
            option_groups=groups,
            initial_options=initial or None,
        )
        blocks.append(inputs.field(block_id, label, picker, optional=True, hint=hint))
    typed = ", ".join(ref.name for ref in mine if ref.tool_id is None)
    blocks.append(
        inputs.text(
            other_block_id,
            other_label,
            max_length=MAX_OTHER_INPUT,
            optional=True,
            hint=_("Comma-separated, at most {count}, e.g. Figma, Obsidian").format(
                count=MAX_OTHER_TOOLS
            ),
            initial=typed,
            placeholder="Figma, Obsidian",
        )
    )
    return blocks


def _manager_block(profile: Profile | None, slack_manager: SlackManager | None) -> Block:
    why = _("Only used so you're never paired inside your own reporting line.")
    if slack_manager is None:
        return inputs.field(
            BlockId.PROFILE_MANAGER,
            _("My manager"),
            UserSelectElement(
                action_id=inputs.action_id,
                placeholder=_("Choose your manager"),
                initial_user=profile.manager_id if profile else None,
            ),
            optional=True,
            hint=why + " " + _("Never shown to your partner."),
        )
    if slack_manager.manager_id is not None:
        said = _("*My manager:* {manager} (from your Slack profile).").format(
            manager=mention(slack_manager.manager_id)
        )
    elif slack_manager.answered:
        said = _("*My manager:* none on your Slack profile.")
    else:
        said = _("*My manager:* as on your Slack profile (Slack didn't answer just now).")
    change = _("To change it, update your Slack profile.")
    return context(f"{said} {why} {change}")


def profile_modal(
    *,
    catalogue: Sequence[ToolInfo],
    profile: Profile | None,
    private_metadata: str = "",
    slack_manager: SlackManager | None = None,
) -> View:
    """Join (no profile, or one that left) or edit (prefilled) — the same questions. With
    `slack_manager` (the program reads managers from Slack) the manager is shown, not asked."""
    editing = profile is not None and profile.status != "left"
    capacities = [option(str(n), str(n)) for n in range(1, MAX_CAPACITY + 1)]
    intro = (
        _("Update how you take part. Changes apply from the next pairing round.")
        if editing
        else _(
            "Guides teach the tools they use every day; learners share how things get done "
            "here in return. It takes a minute, and you can change it any time."
        )
    )
    blocks: list[Block] = [
        section(intro),
        inputs.radio(
            BlockId.PROFILE_ROLE,
            _("How would you like to take part?"),
            [_role_option(role) for role, _label, _description in ROLE_OPTIONS],
            initial=_role_option(profile.role) if profile else None,
        ),
        *_tool_inputs(
            BlockId.PROFILE_TEACH,
            BlockId.PROFILE_TEACH_OTHER,
            _("Tools I can teach"),
            _("Tools I can teach: other tools"),
            _("Guides and both ways: at least one, here or under other tools."),
            catalogue,
            profile.teaches if profile else (),
        ),
        *_tool_inputs(
            BlockId.PROFILE_LEARN,
            BlockId.PROFILE_LEARN_OTHER,
            _("Tools I want to learn"),
            _("Tools I want to learn: other tools"),
            _("Learners and both ways: at least one, here or under other tools."),
            catalogue,
            profile.learns if profile else (),
        ),
        inputs.text(
            BlockId.PROFILE_SHARE,
            _("What I can share in return"),
            max_length=MAX_SHARE,
            optional=True,
            hint=_("Learners: e.g. how budgeting decisions get made."),
            initial=profile.share if profile else None,
        ),
        inputs.text(
            BlockId.PROFILE_DEPARTMENT,
            _("Department / team"),
            max_length=MAX_DEPARTMENT,
            hint=_("Pairs are made across departments."),
            initial=profile.department if profile else None,
        ),
        _manager_block(profile, slack_manager),
        inputs.select(
            BlockId.PROFILE_CAPACITY,
            _("How many learners can you take on?"),
            capacities,
            initial=capacities[(profile.capacity if profile else 1) - 1],
            optional=True,
            hint=_("Guides only: how many people you can guide at the same time."),
        ),
        inputs.text(
            BlockId.PROFILE_GOALS,
            _("Goals for the program"),
            max_length=MAX_GOALS,
            optional=True,
            multiline=True,
            hint=_("Private: only you (and HR's program reports) see this."),
            initial=profile.goals if profile else None,
        ),
    ]
    title = _("Your Rotnem profile") if editing else _("Join Rotnem")
    submit = _("Save") if editing else _("Join")
    return modal(
        CallbackId.PROFILE, title, blocks, submit=submit, private_metadata=private_metadata
    )

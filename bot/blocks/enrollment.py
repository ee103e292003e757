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
    plain,
    say,
    section,
)
from bot.blocks.message import Message
from bot.i18n import long_date
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
from bot.services.home import Home, PartnerSummary
from bot.services.tools import ToolInfo

# How a role reads inside a sentence ("You joined as …").
ROLE_NOUNS = {"guide": "a guide", "learner": "a learner", "both": "both a guide and a learner"}

ROLE_LABELS = {
    "guide": "Guide — you teach tools",
    "learner": "Learner — you learn tools and share how things get done",
    "both": "Both ways — you teach some tools and learn others",
}


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
    return escape(", ".join(tool.name for tool in tools))


def partner_line(partner: PartnerSummary | None) -> str:
    if partner is None:
        return "None yet — you'll hear from me when you're paired."
    tools = f" · {escape(', '.join(partner.tools))}" if partner.tools else ""
    return f"{mention(partner.user_id)} since {long_date(partner.since)}{tools}"


def not_participant_message(command: str) -> Message:
    return say(f"You're not in the program yet. Join with `{command} join` or from the Home tab.")


def not_eligible_message(reason: str) -> Message:
    """`reason`: a refusal's plain sentence."""
    return say(f"Sorry — {escape(reason)}")


def slack_unavailable_message() -> Message:
    return say(
        "I couldn't read your Slack profile just now, so nothing was changed. "
        "Please try again in a minute."
    )


def invalid_pause_message(command: str, reason: str, example: str) -> Message:
    """`reason`: a plain sentence, which may quote what the person typed."""
    examples = f"`{command} pause 2w`, `{command} pause 10d` or `{command} {example}`"
    return say(f"{escape(reason)}\nFor example: {examples}. Nothing was changed.")


def paused_message(command: str, profile: Profile) -> Message:
    resume_on = profile.resume_on
    until = long_date(resume_on) if resume_on else "further notice"
    return say(
        f"You're paused until *{until}*: no pairing, nudges or check-ins until then, and "
        f"you'll be back automatically. Back sooner? `{command} resume`."
    )


def resumed_message() -> Message:
    return say("Welcome back! You're active again and in the next pairing round.")


def leave_confirm_message() -> Message:
    text = (
        "Leave the program? You won't be paired in future rounds and your current pair, if any, "
        "ends. Your history stays in the program's records, and you can join again any time."
    )
    return Message(
        text=text,
        blocks=[
            section(text),
            ActionsBlock(
                elements=[
                    button("Yes, leave", ActionId.LEAVE_CONFIRM, "leave", style="danger"),
                    button("Stay", ActionId.LEAVE_CANCEL, "stay"),
                ]
            ),
        ],
    )


def left_message(command: str) -> Message:
    return say(
        "You've left the program. Thank you for taking part! "
        f"You can join again any time with `{command} join`."
    )


def stayed_message() -> Message:
    return say("Good to have you — nothing changed.")


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
    return say(text)


def status_message(command: str, home: Home) -> Message:
    """`/rotnem status`: role, state, current partner and the pair's progress, tools."""
    profile = home.profile
    if profile is None:
        return not_participant_message(command)
    lines = [f"*Role:* {role_line(profile)}", f"*State:* {state_line(profile)}"]
    if profile.status != "left":
        lines.append(f"*Partner:* {partner_line(home.partner)}")
    if profile.role != "learner":
        lines.append(f"*Teaches:* {tools_text(profile.teaches)}")
    if profile.role != "guide":
        lines.append(f"*Wants to learn:* {tools_text(profile.learns)}")
    lines.append(f"*Department:* {escape(profile.department)}")
    body = "\n".join(lines)
    if profile.status == "left":
        hint = f"Join again with `{command} join`."
    elif profile.status == "paused":
        hint = f"`{command} resume` · `{command} profile` · `{command} leave`"
    else:
        hint = f"`{command} profile` · `{command} pause 2w` · `{command} leave`"
    blocks: list[Block] = [section(f"*Your Rotnem status*\n{body}")]
    text = "Your Rotnem status\n" + plain(body)
    if home.progress is not None:
        progress = progress_lines(home.progress)
        blocks.append(section("\n".join(progress)))
        text += "\n" + plain("\n".join(progress))
    blocks.append(context(hint))
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
            section(text),
            ActionsBlock(elements=[button("Join", ActionId.JOIN, "invite", style="primary")]),
            context(f"Or type `{command} join` any time. Not interested? Just ignore this."),
        ],
    )


def welcome_message(notice: WelcomeNotice) -> Message:
    """The DM to someone who just joined the workspace (the program's "invite new people")."""
    text = (
        "Welcome aboard! 👋 Here, people who grew up with today's tools (*guides*) pair up with "
        "colleagues who want to learn them (*learners*), who share how things get done here in "
        "return. Want to take part? It takes a minute."
    )
    return Message(
        text="Welcome! Want to take part in reverse mentoring?",
        blocks=[
            section(text),
            ActionsBlock(elements=[button("Join", ActionId.JOIN, "invite", style="primary")]),
            context(f"Or type `{notice.command} join` any time. Not interested? Just ignore this."),
        ],
    )


# ---- the profile modal -------------------------------------------------------------------------

ROLE_OPTIONS = (
    ("guide", "I'll be a guide — I teach tools", "Share the apps and tricks you use every day"),
    (
        "learner",
        "I'm a learner — I want to learn tools",
        "Share how things get done here in return",
    ),
    ("both", "Both ways", "Teach some tools and learn others"),
)
# Every input of the profile modal answers under one action_id.
inputs = Inputs(ActionId.PROFILE_ANSWER)
RETIRED_GROUP = "No longer offered"
MAX_OTHER_INPUT = 500
# Slack allows 100 options per group and 100 groups; the catalogue stays far below either.
MAX_GROUP_OPTIONS = 100


def _role_option(value: str) -> Option:
    for role, label, description in ROLE_OPTIONS:
        if role == value:
            return Option(value=role, text=PlainTextObject(text=label), description=description)
    raise ValueError(f"unknown role {value!r}")


def _tool_groups(
    catalogue: Sequence[ToolInfo], mine: Sequence[ToolRef]
) -> tuple[list[OptionGroup], dict[int, Option]]:
    """Option groups by category (catalogue order), plus retired tools the person still has."""
    options: dict[int, Option] = {}
    groups: dict[str, list[Option]] = {}
    for tool in catalogue:
        offered = option(str(tool.id), tool.name)
        options[tool.id] = offered
        groups.setdefault(tool.category, []).append(offered)
    retired = [
        option(str(ref.tool_id), ref.name)
        for ref in mine
        if ref.tool_id is not None and ref.tool_id not in options
    ]
    for kept in retired:
        options[int(str(kept.value))] = kept
    if retired:
        groups[RETIRED_GROUP] = retired
    option_groups = [
        OptionGroup(label=PlainTextObject(text=label[:75]), options=group[:MAX_GROUP_OPTIONS])
        for label, group in groups.items()
    ]
    return option_groups, options


def _tool_inputs(
    block_id: BlockId,
    other_block_id: BlockId,
    label: str,
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
            placeholder="Pick from the catalogue",
            option_groups=groups,
            initial_options=initial or None,
        )
        blocks.append(inputs.field(block_id, label, picker, optional=True, hint=hint))
    typed = ", ".join(ref.name for ref in mine if ref.tool_id is None)
    blocks.append(
        inputs.text(
            other_block_id,
            f"{label}: other tools",
            max_length=MAX_OTHER_INPUT,
            optional=True,
            hint=f"Comma-separated, at most {MAX_OTHER_TOOLS}, e.g. Figma, Obsidian",
            initial=typed,
            placeholder="Figma, Obsidian",
        )
    )
    return blocks


def _manager_block(profile: Profile | None, slack_manager: SlackManager | None) -> Block:
    why = "Only used so you're never paired inside your own reporting line."
    if slack_manager is None:
        return inputs.field(
            BlockId.PROFILE_MANAGER,
            "My manager",
            UserSelectElement(
                action_id=inputs.action_id,
                placeholder="Choose your manager",
                initial_user=profile.manager_id if profile else None,
            ),
            optional=True,
            hint=f"{why} Never shown to your partner.",
        )
    if slack_manager.manager_id is not None:
        said = f"*My manager:* {mention(slack_manager.manager_id)} (from your Slack profile)"
    elif slack_manager.answered:
        said = "*My manager:* none on your Slack profile"
    else:
        said = "*My manager:* as on your Slack profile (Slack didn't answer just now)"
    return context(f"{said}. {why} To change it, update your Slack profile.")


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
        "Update how you take part. Changes apply from the next pairing round."
        if editing
        else "Guides teach the tools they use every day; learners share how things get done "
        "here in return. It takes a minute, and you can change it any time."
    )
    blocks: list[Block] = [
        section(intro),
        inputs.radio(
            BlockId.PROFILE_ROLE,
            "How would you like to take part?",
            [_role_option(role) for role, _, _ in ROLE_OPTIONS],
            initial=_role_option(profile.role) if profile else None,
        ),
        *_tool_inputs(
            BlockId.PROFILE_TEACH,
            BlockId.PROFILE_TEACH_OTHER,
            "Tools I can teach",
            "Guides and both ways: at least one, here or under other tools.",
            catalogue,
            profile.teaches if profile else (),
        ),
        *_tool_inputs(
            BlockId.PROFILE_LEARN,
            BlockId.PROFILE_LEARN_OTHER,
            "Tools I want to learn",
            "Learners and both ways: at least one, here or under other tools.",
            catalogue,
            profile.learns if profile else (),
        ),
        inputs.text(
            BlockId.PROFILE_SHARE,
            "What I can share in return",
            max_length=MAX_SHARE,
            optional=True,
            hint="Learners: e.g. how budgeting decisions get made.",
            initial=profile.share if profile else None,
        ),
        inputs.text(
            BlockId.PROFILE_DEPARTMENT,
            "Department / team",
            max_length=MAX_DEPARTMENT,
            hint="Pairs are made across departments.",
            initial=profile.department if profile else None,
        ),
        _manager_block(profile, slack_manager),
        inputs.select(
            BlockId.PROFILE_CAPACITY,
            "How many learners can you take on?",
            capacities,
            initial=capacities[(profile.capacity if profile else 1) - 1],
            optional=True,
            hint="Guides only: how many people you can guide at the same time.",
        ),
        inputs.text(
            BlockId.PROFILE_GOALS,
            "Goals for the program",
            max_length=MAX_GOALS,
            optional=True,
            multiline=True,
            hint="Private: only you (and HR's program reports) see this.",
            initial=profile.goals if profile else None,
        ),
    ]
    title = "Your Rotnem profile" if editing else "Join Rotnem"
    submit = "Save" if editing else "Join"
    return modal(
        CallbackId.PROFILE, title, blocks, submit=submit, private_metadata=private_metadata
    )

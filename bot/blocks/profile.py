"""The profile modal (join and edit share it), and a small notice modal for refusals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    MarkdownTextObject,
    Option,
    OptionGroup,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.ids import ActionId, BlockId, CallbackId

if TYPE_CHECKING:
    from bot.services.enrollment import Profile, ToolRef
    from bot.services.tools import ToolInfo

ROLE_OPTIONS = (
    ("guide", "I'll be a guide — I teach tools", "Share the apps and tricks you use every day"),
    (
        "learner",
        "I'm a learner — I want to learn tools",
        "Share how things get done here in return",
    ),
    ("both", "Both ways", "Teach some tools and learn others"),
)
RETIRED_GROUP = "No longer offered"
MAX_OTHER_INPUT = 500
# Slack allows 100 options per group and 100 groups; the catalogue stays far below either.
MAX_GROUP_OPTIONS = 100


def _role_option(value: str) -> Option:
    for role, label, description in ROLE_OPTIONS:
        if role == value:
            return Option(value=role, text=PlainTextObject(text=label), description=description)
    raise ValueError(f"unknown role {value!r}")


def _tool_option(tool_id: int, name: str) -> Option:
    return Option(value=str(tool_id), text=PlainTextObject(text=name[:75]))


def _tool_groups(
    catalogue: Sequence[ToolInfo], mine: Sequence[ToolRef]
) -> tuple[list[OptionGroup], dict[int, Option]]:
    """Option groups by category (catalogue order), plus retired tools the person still has."""
    options: dict[int, Option] = {}
    groups: dict[str, list[Option]] = {}
    for tool in catalogue:
        option = _tool_option(tool.id, tool.name)
        options[tool.id] = option
        groups.setdefault(tool.category, []).append(option)
    retired = [
        _tool_option(ref.tool_id, ref.name)
        for ref in mine
        if ref.tool_id is not None and ref.tool_id not in options
    ]
    for option in retired:
        options[int(option.value)] = option
    if retired:
        groups[RETIRED_GROUP] = retired
    option_groups = [
        OptionGroup(label=PlainTextObject(text=label[:75]), options=group[:MAX_GROUP_OPTIONS])
        for label, group in groups.items()
    ]
    return option_groups, options


def _tool_inputs(
    *,
    block_id: BlockId,
    other_block_id: BlockId,
    label: str,
    hint: str,
    catalogue: Sequence[ToolInfo],
    mine: Sequence[ToolRef],
) -> list[Block]:
    blocks: list[Block] = []
    groups, options = _tool_groups(catalogue, mine)
    if groups:
        initial = [options[ref.tool_id] for ref in mine if ref.tool_id in options]
        blocks.append(
            InputBlock(
                block_id=block_id,
                label=label,
                hint=hint,
                optional=True,
                element=StaticMultiSelectElement(
                    action_id=ActionId.PROFILE_ANSWER,
                    placeholder="Pick from the catalogue",
                    option_groups=groups,
                    initial_options=initial or None,
                ),
            )
        )
    typed = ", ".join(ref.name for ref in mine if ref.tool_id is None)
    blocks.append(
        InputBlock(
            block_id=other_block_id,
            label=f"{label}: other tools",
            hint="Comma-separated, at most 10, e.g. Figma, Obsidian",
            optional=True,
            element=PlainTextInputElement(
                action_id=ActionId.PROFILE_ANSWER,
                placeholder="Figma, Obsidian",
                initial_value=typed or None,
                max_length=MAX_OTHER_INPUT,
            ),
        )
    )
    return blocks


def _text_input(
    *,
    block_id: BlockId,
    label: str,
    hint: str | None,
    initial: str | None,
    max_length: int,
    optional: bool,
    multiline: bool = False,
    placeholder: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        hint=hint,
        optional=optional,
        element=PlainTextInputElement(
            action_id=ActionId.PROFILE_ANSWER,
            initial_value=initial or None,
            max_length=max_length,
            multiline=multiline or None,
            placeholder=placeholder,
        ),
    )


def profile_modal(
    *,
    catalogue: Sequence[ToolInfo],
    profile: Profile | None,
    private_metadata: str = "",
) -> View:
    """Join (no profile, or one that left) or edit (prefilled) — the same questions."""
    editing = profile is not None and profile.status != "left"
    teaches: Sequence[ToolRef] = profile.teaches if profile else ()
    learns: Sequence[ToolRef] = profile.learns if profile else ()
    capacities = [Option(value=str(n), text=PlainTextObject(text=str(n))) for n in (1, 2, 3)]
    capacity = profile.capacity if profile else 1
    intro = (
        "Update how you take part. Changes apply from the next pairing round."
        if editing
        else "Guides teach the tools they use every day; learners share how things get done "
        "here in return. It takes a minute, and you can change it any time."
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=intro)),
        InputBlock(
            block_id=BlockId.PROFILE_ROLE,
            label="How would you like to take part?",
            element=RadioButtonsElement(
                action_id=ActionId.PROFILE_ANSWER,
                options=[_role_option(role) for role, _, _ in ROLE_OPTIONS],
                initial_option=_role_option(profile.role) if profile else None,
            ),
        ),
        *_tool_inputs(
            block_id=BlockId.PROFILE_TEACH,
            other_block_id=BlockId.PROFILE_TEACH_OTHER,
            label="Tools I can teach",
            hint="Guides and both ways: at least one, here or under other tools.",
            catalogue=catalogue,
            mine=teaches,
        ),
        *_tool_inputs(
            block_id=BlockId.PROFILE_LEARN,
            other_block_id=BlockId.PROFILE_LEARN_OTHER,
            label="Tools I want to learn",
            hint="Learners and both ways: at least one, here or under other tools.",
            catalogue=catalogue,
            mine=learns,
        ),
        _text_input(
            block_id=BlockId.PROFILE_SHARE,
            label="What I can share in return",
            hint="Learners: e.g. how budgeting decisions get made.",
            initial=profile.share if profile else None,
            max_length=200,
            optional=True,
        ),
        _text_input(
            block_id=BlockId.PROFILE_DEPARTMENT,
            label="Department / team",
            hint="Pairs are made across departments.",
            initial=profile.department if profile else None,
            max_length=80,
            optional=False,
        ),
        InputBlock(
            block_id=BlockId.PROFILE_MANAGER,
            label="My manager",
            hint="Only used so you're never paired inside your own reporting line. "
            "Never shown to your partner.",
            optional=True,
            element=UserSelectElement(
                action_id=ActionId.PROFILE_ANSWER,
                placeholder="Choose your manager",
                initial_user=profile.manager_id if profile else None,
            ),
        ),
        InputBlock(
            block_id=BlockId.PROFILE_CAPACITY,
            label="How many learners can you take on?",
            hint="Guides only: how many people you can guide at the same time.",
            optional=True,
            element=StaticSelectElement(
                action_id=ActionId.PROFILE_ANSWER,
                options=capacities,
                initial_option=capacities[capacity - 1],
            ),
        ),
        _text_input(
            block_id=BlockId.PROFILE_GOALS,
            label="Goals for the program",
            hint="Private: only you (and HR's program reports) see this.",
            initial=profile.goals if profile else None,
            max_length=500,
            optional=True,
            multiline=True,
        ),
    ]
    return View(
        type="modal",
        callback_id=CallbackId.PROFILE,
        title="Your Rotnem profile" if editing else "Join Rotnem",
        submit="Save" if editing else "Join",
        close="Cancel",
        private_metadata=private_metadata,
        blocks=blocks,
    )


def notice_modal(text: str, *, title: str = "Rotnem") -> View:
    """A modal that only says something (a refusal after a button click, which has no channel)."""
    return View(
        type="modal",
        callback_id=CallbackId.NOTICE,
        title=title,
        close="OK",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )

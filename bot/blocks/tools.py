"""HR's view of the tool catalogue (`/rotnem admin tools`)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block

from bot.blocks.kit import context, escape, say, section
from bot.blocks.message import Message
from bot.i18n import _, ngettext
from bot.services.tools import ToolInfo
from bot.services.tools_builtin import shown_category, shown_description

# A section holds 3000 characters; stay well below and start a new one.
_SECTION_BUDGET = 2800
# Messages take 50 blocks: room for the sections plus the header and the footer.
_MAX_SECTIONS = 45


def _usage(command: str) -> str:
    return _(
        '`{command} admin tools add "Name" — what you can do with it` · '
        '`{command} admin tools remove "Name"`'
    ).format(command=command)


def _description(tool: ToolInfo) -> str:
    """Ours in the reader's language, HR's as typed (tool names are never translated)."""
    return shown_description(tool.description, builtin=tool.builtin)


def tools_list_message(command: str, tools: Sequence[ToolInfo]) -> Message:
    """Every offered tool by category, with its one-line description."""
    by_category: dict[str, list[ToolInfo]] = {}
    for tool in tools:
        by_category.setdefault(tool.category, []).append(tool)
    chunks: list[str] = []
    for category, members in by_category.items():
        heading = escape(shown_category(category))
        current = f"*{heading}*"
        for tool in members:
            line = f"\n• *{escape(tool.name)}* — {escape(_description(tool))}"
            if len(current) + len(line) > _SECTION_BUDGET:
                chunks.append(current)
                current = "*" + _("{category} (continued)").format(category=heading) + "*"
            current += line
        chunks.append(current)
    intro = ngettext(
        "*Tool catalogue* — {count} tool offered in the profile form.",
        "*Tool catalogue* — {count} tools offered in the profile form.",
        len(tools),
    ).format(count=len(tools))
    if not tools:
        intro = _("*Tool catalogue* — empty: people can only type their own tools.")
    blocks: list[Block] = [section(intro)]
    blocks += [section(c) for c in chunks[:_MAX_SECTIONS]]
    blocks.append(context(_usage(command)))
    text = intro.replace("*", "") + "\n" + "\n".join(chunks).replace("*", "")
    return Message(text=text, blocks=blocks)


def tool_added_message(tool: ToolInfo) -> Message:
    return say(
        _("Added *{tool}* — {description}. It is offered in the profile form now.").format(
            tool=escape(tool.name), description=escape(_description(tool))
        )
    )


def tool_removed_message(tool: ToolInfo) -> Message:
    return say(
        _(
            "Removed *{tool}*: it is no longer offered, and stays on the profiles that already "
            "have it."
        ).format(tool=escape(tool.name))
    )


def tools_usage_message(command: str, problem: str) -> Message:
    """`problem`: a plain sentence, which may quote what the admin typed."""
    return say(
        _("{problem}\nUsage: {usage}").format(problem=escape(problem), usage=_usage(command))
    )

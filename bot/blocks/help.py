"""The `/rotnem help` answer, and the one for a subcommand Rotnem does not know."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import Block

from bot.blocks.kit import context, escape, section
from bot.blocks.message import Message


@dataclass(frozen=True)
class HelpLine:
    """One subcommand as the help lists it: `usage` after the command, a one-line summary."""

    usage: str
    summary: str


def help_message(
    command: str, lines: Sequence[HelpLine], admin_lines: Sequence[HelpLine]
) -> Message:
    """Every subcommand, one line each; the HR section only for admins."""
    listing = "\n".join(f"`{command} {line.usage}` — {line.summary}" for line in lines)
    blocks: list[Block] = [section(f"*Rotnem — reverse mentoring*\n{listing}")]
    text = f"Rotnem commands:\n{listing}"
    if admin_lines:
        admin_listing = "\n".join(
            f"`{command} {line.usage}` — {line.summary}" for line in admin_lines
        )
        blocks.append(section(f"*For HR admins*\n{admin_listing}"))
        text += f"\nFor HR admins:\n{admin_listing}"
    blocks.append(context("Only you can see this. The Home tab has it all too."))
    return Message(text=text, blocks=blocks)


def unknown_subcommand_message(
    command: str, word: str, lines: Sequence[HelpLine], admin_lines: Sequence[HelpLine]
) -> Message:
    """ "I don't know `xyz`" followed by the help."""
    shown = escape(word if len(word) <= 40 else word[:39] + "…")
    help_ = help_message(command, lines, admin_lines)
    intro = f"I don't know `{shown}`. Here is what I can do:"
    return Message(text=f"{intro}\n{help_.text}", blocks=[section(intro), *help_.blocks])

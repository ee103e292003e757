""" "Which program?": the answer to a command that could mean any of several programs."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block

from bot.blocks.kit import button, context, escape, in_program, section
from bot.blocks.message import Message
from bot.blocks.wording import program_label
from bot.i18n import _
from bot.ids import ActionId
from bot.services.program.programs import Program

# A message holds 50 blocks; a workspace running more programs picks in their channels.
MAX_CHOICES = 40


def program_choice_message(command: str, typed: str, programs: Sequence[Program]) -> Message:
    """A line per program with a button that runs `command typed` in that program (one button
    per block: Slack refuses two of one `action_id` in a block)."""
    shown = escape(f"{command} {typed}" if typed.strip() else command)
    question = _("`{typed}` — in which program?").format(typed=shown)
    blocks: list[Block] = [section(question)]
    for program in programs[:MAX_CHOICES]:
        choice = section(f"*{escape(program_label(program.name, program.template))}*")
        with in_program(program.number):
            choice.accessory = button(_("Choose"), ActionId.PICK_PROGRAM, typed)
        blocks.append(choice)
    blocks.append(context(_("Typed in a program's own channel, a command goes to that program.")))
    names = ", ".join(program_label(p.name, p.template) for p in programs)
    return Message(text=f"{question} {escape(names)}", blocks=blocks)

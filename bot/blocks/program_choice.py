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
# A button's value holds 2,000 characters, the program's stamp (`~12~`) included.
MAX_CARRIED = 1990
# The command as the question quotes it (a section holds 3,000 characters).
MAX_QUOTED = 200


def program_choice_message(command: str, typed: str, programs: Sequence[Program]) -> Message:
    """A line per program with a button that runs `command typed` in that program (one button
    per block: Slack refuses two of one `action_id` in a block). A command too long for a
    button is not carried: typed in the program's channel, it goes there directly."""
    quoted = f"{command} {typed}" if typed.strip() else command
    if len(quoted) > MAX_QUOTED:
        quoted = quoted[: MAX_QUOTED - 1] + "…"
    question = _("`{typed}` — in which program?").format(typed=escape(quoted))
    if len(typed) > MAX_CARRIED:
        too_long = _(
            "It is too long for me to carry to the program you pick: type it in that program's "
            "own channel, or shorten it."
        )
        return Message(text=f"{question} {too_long}", blocks=[section(question), section(too_long)])
    blocks: list[Block] = [section(question)]
    for program in programs[:MAX_CHOICES]:
        choice = section(f"*{escape(program_label(program.name, program.template))}*")
        with in_program(program.number):
            choice.accessory = button(_("Choose"), ActionId.PICK_PROGRAM, typed)
        blocks.append(choice)
    blocks.append(context(_("Typed in a program's own channel, a command goes to that program.")))
    names = ", ".join(program_label(p.name, p.template) for p in programs)
    return Message(text=f"{question} {escape(names)}", blocks=blocks)

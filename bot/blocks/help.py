"""The `/rotnem help` answer, and the one for a subcommand Rotnem does not know."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import Block

from bot.blocks.kit import context, escape, section
from bot.blocks.message import Message
from bot.i18n import _


@dataclass(frozen=True)
class HelpLine:
    """One subcommand as the help lists it: `usage` after the command, a one-line summary.

    `usage` is what people type, in every language (`/rotnem status`, never a translated word);
    `summary` is English as written (marked with `N_()` where it is defined) and translated
    here, when the help is built."""

    usage: str
    summary: str


def _translated(text: str) -> str:
    # gettext("") is the catalog's header, not an empty text.
    return _(text) if text else text


def _listing(command: str, lines: Sequence[HelpLine]) -> str:
    return "\n".join(
        _("`{command} {usage}` — {summary}").format(
            command=command, usage=line.usage, summary=_translated(line.summary)
        )
        for line in lines
    )


def help_message(
    command: str, lines: Sequence[HelpLine], admin_lines: Sequence[HelpLine]
) -> Message:
    """Every subcommand, one line each; the HR section only for admins. In the language in
    force: a cached help is to be kept per language."""
    listing = _listing(command, lines)
    blocks: list[Block] = [
        section(_("*Rotnem — reverse mentoring*\n{listing}").format(listing=listing))
    ]
    text = _("Rotnem commands:\n{listing}").format(listing=listing)
    if admin_lines:
        admin_listing = _listing(command, admin_lines)
        blocks.append(section(_("*For HR admins*\n{listing}").format(listing=admin_listing)))
        text += "\n" + _("For HR admins:\n{listing}").format(listing=admin_listing)
    blocks.append(context(_("Only you can see this. The Home tab has it all too.")))
    return Message(text=text, blocks=blocks)


def unknown_subcommand_message(
    command: str, word: str, lines: Sequence[HelpLine], admin_lines: Sequence[HelpLine]
) -> Message:
    """ "I don't know `xyz`" followed by the help."""
    shown = escape(word if len(word) <= 40 else word[:39] + "…")
    help_ = help_message(command, lines, admin_lines)
    intro = _("I don't know `{word}`. Here is what I can do:").format(word=shown)
    return Message(text=f"{intro}\n{help_.text}", blocks=[section(intro), *help_.blocks])

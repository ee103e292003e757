"""What a person sees when something fails or is refused: our apology, a domain error's sentence,
"admins only", and a modal that only says something."""

from __future__ import annotations

from slack_sdk.models.views import View

from bot.blocks.checkins import already_answered_text
from bot.blocks.kit import escape, modal, say, section
from bot.blocks.message import Message
from bot.i18n import _
from bot.ids import CallbackId
from bot.services.checkins import CheckInClosed
from bot.services.errors import RotnemError


def apology(reference: str) -> Message:
    return say(
        _(
            "Sorry — something went wrong on our side. Please try again; "
            "if it keeps happening, give HR this reference: `{reference}`."
        ).format(reference=reference)
    )


def could_not_save() -> Message:
    return say(
        _("I couldn't save that just now, so nothing changed. Please try again in a minute.")
    )


def too_slow() -> Message:
    return say(
        _("That took longer than Slack waits, so nothing changed. Please try again in a minute.")
    )


def error_message(reason: str) -> Message:
    """A domain error's sentence, shown as it is: plain text (it may quote names and tools
    people typed), escaped here rather than where it was composed, so that the CLI and the log
    print it as written."""
    return say(escape(reason))


def refusal(error: RotnemError) -> Message:
    """What a person is told when a service refused their click: the error's own sentence (a
    check-in answered already says with what)."""
    if isinstance(error, CheckInClosed):
        return say(already_answered_text(error.status))
    return error_message(error.message)


def admins_only_message() -> Message:
    return Message(
        text=_("Only program admins can do that. If you think you should be one, ask your HR team.")
    )


def notice_modal(text: str, *, title: str = "Rotnem") -> View:
    """A modal that only says something (a refusal after a button click, which has no channel);
    `text` is mrkdwn, e.g. a built message's `text`."""
    return modal(CallbackId.NOTICE, title, [section(text)])

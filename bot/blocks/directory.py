"""The directory's messages: HR's private alert about a pair now inside one reporting line."""

from __future__ import annotations

from bot.blocks.kit import context, mention, section
from bot.blocks.message import Message
from bot.i18n import _
from bot.services.directory import ReportingLineNotice


def reporting_line_message(notice: ReportingLineNotice) -> Message:
    """To each HR admin: who now reports to whom, and how to end the pair. The pair is not told."""
    text = _(
        "⚠️ {guide} (guide) and {learner} (learner) are now in one reporting line: per Slack's "
        "profiles, {report} reports to {manager}. New rounds never pair people inside a "
        "reporting line; this pair started before the change."
    ).format(
        guide=mention(notice.guide),
        learner=mention(notice.learner),
        report=mention(notice.report),
        manager=mention(notice.manager),
    )
    decide = _(
        "Nothing has been said to them. To end the pair (both are told only that HR changed "
        "it, and both go back to the pool): `{command} admin unpair {learner}`. To keep it, "
        "do nothing."
    ).format(command=notice.command, learner=mention(notice.learner))
    return Message(
        text=text,
        blocks=[section(text), section(decide), context(_("Only HR admins get this message."))],
    )

"""The directory's messages: HR's private alert about a pair now inside one reporting line."""

from __future__ import annotations

from bot.blocks.kit import context, mention, section
from bot.blocks.message import Message
from bot.services.directory import ReportingLineNotice


def reporting_line_message(notice: ReportingLineNotice) -> Message:
    """To each HR admin: who now reports to whom, and how to end the pair. The pair is not told."""
    text = (
        f"⚠️ {mention(notice.guide)} (guide) and {mention(notice.learner)} (learner) are now in "
        f"one reporting line: per Slack's profiles, {mention(notice.report)} reports to "
        f"{mention(notice.manager)}. New rounds never pair people inside a reporting line; "
        "this pair started before the change."
    )
    decide = (
        "Nothing has been said to them. To end the pair (both are told only that HR changed "
        f"it, and both go back to the pool): `{notice.command} admin unpair "
        f"{mention(notice.learner)}`. To keep it, do nothing."
    )
    return Message(
        text=text,
        blocks=[section(text), section(decide), context("Only HR admins get this message.")],
    )

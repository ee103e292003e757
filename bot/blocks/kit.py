"""The pieces every builder uses: sections, context lines, mentions, dates, packing long lists.

Slack's limits are applied here once: a section's text is at most 3,000 characters, a context
element's 2,000 (engineering note: Slack refuses the whole message otherwise, so text is cut with
an ellipsis rather than sent too long).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from bot.blocks.message import Message

SECTION_TEXT_MAX = 3000
CONTEXT_TEXT_MAX = 2000
# A message takes 50 blocks; lists leave room for a header, a summary and a footer.
MAX_LIST_SECTIONS = 40


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> SectionBlock:
    """A mrkdwn section, cut to Slack's limit."""
    return SectionBlock(text=MarkdownTextObject(text=_fit(text, SECTION_TEXT_MAX)))


def context(text: str) -> ContextBlock:
    """A small grey line under the message."""
    return ContextBlock(elements=[MarkdownTextObject(text=_fit(text, CONTEXT_TEXT_MAX))])


def say(text: str) -> Message:
    """A message of one section whose fallback is the same text without bold marks."""
    return Message(text=plain(text), blocks=[section(text)])


def plain(text: str) -> str:
    """The mrkdwn text as a notification shows it: without the bold marks."""
    return text.replace("*", "")


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def slack_date(moment: datetime) -> str:
    """A date Slack shows in the reader's own zone, with a UTC fallback for old clients."""
    fallback = f"{moment:%a %d %b %Y %H:%M} UTC"
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def pack(lines: Sequence[str], limit: int = SECTION_TEXT_MAX - 100) -> list[str]:
    """Lines packed into section-sized texts (a line too long for one is cut)."""
    packed: list[str] = []
    current = ""
    for line in lines:
        line = line[: limit - 1]
        if current and len(current) + 1 + len(line) > limit:
            packed.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        packed.append(current)
    return packed

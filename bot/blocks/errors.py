"""What a person sees when something fails on our side."""

from __future__ import annotations

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from bot.blocks.message import Message


def apology(reference: str) -> Message:
    text = (
        f"Sorry — something went wrong on our side. Please try again; "
        f"if it keeps happening, give HR this reference: `{reference}`."
    )
    return Message(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])

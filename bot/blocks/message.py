"""A message as Slack takes it: Block Kit blocks plus the plain-text fallback they require."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import Block

from bot.services.notices import Rendered


@dataclass(frozen=True)
class Message:
    """`text` is what notifications, screen readers and old clients show; never empty."""

    text: str
    blocks: Sequence[Block] = ()

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError("a message needs a text fallback")

    def to_dict(self) -> dict[str, Any]:
        """Keyword arguments for chat.postMessage, respond() or ack()."""
        payload: dict[str, Any] = {"text": self.text}
        if self.blocks:
            payload["blocks"] = [block.to_dict() for block in self.blocks]
        return payload


def rendered_message(notice: Rendered) -> Message:
    """A message that was rendered before it was queued, as it was."""
    return Message(text=notice.text, blocks=Block.parse_all(notice.blocks))

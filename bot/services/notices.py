"""Notices: what a service wants to tell someone, as values, rendered when the message leaves.

A service decides *what* to tell *whom* and enqueues a notice — its kind plus every value the
message shows, a snapshot of what was true when it decided — in the transaction of its change
(`bot.delivery.outbox.enqueue`). The dispatcher turns it into Block Kit at send time through the
table of kinds the process was composed with (`bot.notice_kinds`), which is where the wording
and the recipient's language can be chosen. A notice is stored as JSON, so its fields are plain
values (IDs, text, numbers, dates) that pydantic checks again when the row is read back.

    class CheckinNotice(Notice):
        kind: ClassVar[str] = "checkin"
        checkin_id: int
        attempt: int
        partner: str
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


class Notice(BaseModel):
    """The base of every notice; `kind` names it in the outbox and in the table of kinds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ClassVar[str]


class Rendered(Notice):
    """A message rendered before it was queued: rows written before notices existed (migration
    0008 turned them into this kind, so they still drain after an upgrade) and the fan-out
    benchmark's plain messages. Everything a feature sends is a notice of its own."""

    kind: ClassVar[str] = "rendered"

    text: str
    blocks: list[dict[str, Any]] = []


@dataclass(frozen=True)
class Sent:
    """Where Slack put a notice's message: what an after-send hook records."""

    channel: str
    ts: str

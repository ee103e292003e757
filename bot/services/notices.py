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

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import CheckIn, FitCheck, FollowUp, Survey


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


N = TypeVar("N", bound=Notice)
# The rows whose message is updated in place when the person answers it.
MessageRow = TypeVar("MessageRow", CheckIn, FitCheck, Survey, FollowUp)
AfterSend = Callable[[AsyncSession, N, Sent], Awaitable[None]]


def remember_message(model: type[MessageRow], row_id: Callable[[N], int]) -> AfterSend[N]:
    """An after-send hook keeping where the notice's message landed (`channel`, `ts`) on its
    row, so that the person's answer can update that message in place."""

    async def remember(session: AsyncSession, notice: N, sent: Sent) -> None:
        await session.execute(
            update(model).where(model.id == row_id(notice)).values(channel=sent.channel, ts=sent.ts)
        )

    return remember

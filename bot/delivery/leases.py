"""The outbox rows one dispatcher holds, and their short, renewed leases.

A claim leases a row for `seconds` (3 by default). While the dispatcher runs, a heartbeat renews
the leases of the rows it holds three times per lease, so a process that is killed, frozen or
cut off from the database loses its rows a few seconds later, to whichever dispatcher claims them
next, instead of after a long fixed lease. Before each Slack call the dispatcher asks `keep`
whether the row is still its own: a process that stalled while another took its row over gives
the row up instead of sending it too. Rows held here are never claimed again by their holder; a
row Slack accepted stays held until its batch is recorded (`bot/delivery/completions.py`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import RowMapping, Table, bindparam, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import Clock
from bot.db import SessionMaker
from bot.outage import is_unavailable
from models.base import UTCDateTime
from models.outbox import OutboxMessage, OutboxStatus

# The dispatcher reads and writes the outbox through Core on a plain connection: a claimed row
# is a handful of plain values, and the ORM (entities, the session's execute path) cost more
# than the post. Its frequent statements are built once, with bound parameters, rather than
# per call.
OUTBOX = cast(Table, OutboxMessage.__table__)


def engine_of(sessionmaker: SessionMaker) -> AsyncEngine:
    """The engine `sessionmaker` binds, for statements that need no session."""
    bind = sessionmaker.kw["bind"]
    assert isinstance(bind, AsyncEngine), "sessionmakers are made by bot.db.create_sessionmaker"
    return bind


# Owned means: leased by this dispatcher and still sending (`owner` is bound per call).
OWNED = (OUTBOX.c.lease_owner == bindparam("owner"), OUTBOX.c.status == OutboxStatus.SENDING.value)

_UNTIL = bindparam("until", type_=UTCDateTime())
_RENEW = (
    update(OUTBOX)
    .where(OUTBOX.c.id.in_(bindparam("ids", expanding=True)), *OWNED)
    .values(lease_until=_UNTIL, next_attempt_at=_UNTIL)
    .returning(OUTBOX.c.id)
)


@dataclass(slots=True)
class Leased:
    """What a dispatcher needs of a row it claimed; `lease_until` moves with each renewal."""

    id: int
    team_id: str
    dedupe_key: str
    kind: str
    notice: dict[str, Any]
    channel: str | None
    open_users: list[str] | None
    attempts: int
    lease_owner: str | None
    lease_until: datetime | None
    slack_channel: str | None

    @classmethod
    def of(cls, values: RowMapping) -> Leased:
        return cls(**{name: values[name] for name in LEASED_COLUMNS})


# The columns a claim returns, in `Leased`'s order.
LEASED_COLUMNS = tuple(Leased.__dataclass_fields__)

logger = logging.getLogger(__name__)


class Leases:
    """The rows a dispatcher (`owner`) holds, by id, and the renewal of their leases."""

    def __init__(
        self, *, sessionmaker: SessionMaker, clock: Clock, owner: str, seconds: float
    ) -> None:
        self.engine = engine_of(sessionmaker)
        self.clock = clock
        self.owner = owner
        self.seconds = seconds
        self._held: dict[int, Leased] = {}

    @property
    def renew_every(self) -> float:
        """Seconds between renewals: three per lease, so one late renewal loses nothing."""
        return self.seconds / 3

    def held(self) -> set[int]:
        return set(self._held)

    def hold(self, rows: Iterable[Leased]) -> None:
        self._held.update((row.id, row) for row in rows)

    def drop(self, row_id: int) -> None:
        self._held.pop(row_id, None)

    def drop_all(self) -> None:
        self._held.clear()

    async def keep(self, row: Leased) -> bool:
        """Whether `row` is still this dispatcher's, renewing its lease when the last renewal
        is a third of a lease old (the heartbeat's job, but tools and tests run without one)."""
        assert row.lease_until is not None
        if (row.lease_until - self.clock.now()).total_seconds() >= self.renew_every:
            return True
        return row.id in await self.renew([row])

    async def renew(self, rows: Iterable[Leased]) -> set[int]:
        """Extend the leases of `rows` that are still this dispatcher's; the ids renewed."""
        by_id = {row.id: row for row in rows}
        if not by_id:
            return set()
        until = self.clock.now() + timedelta(seconds=self.seconds)
        async with self.engine.begin() as connection:
            result = await connection.scalars(
                _RENEW, {"ids": list(by_id), "owner": self.owner, "until": until}
            )
            renewed = set(result.all())
        for row_id in renewed:
            by_id[row_id].lease_until = until
        return renewed

    async def renew_held(self) -> set[int]:
        """One heartbeat: extend the leases of every row held; the ids renewed."""
        return await self.renew(list(self._held.values()))

    async def heartbeat(self) -> None:
        """Renew the leases of every held row every `renew_every` seconds, until cancelled."""
        while True:
            await asyncio.sleep(self.renew_every)
            try:
                await self.renew_held()
            except Exception as exc:  # the heartbeat outlives any one failure
                # An unavailable database is logged once by the dispatcher's run loop; if it
                # lasts, the rows go to whoever claims them after their leases.
                if not is_unavailable(exc):
                    logger.exception("Could not renew the outbox leases of %s", self.owner)

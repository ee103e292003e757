"""Recording sent rows a batch at a time.

Marking each row sent in its own transaction cost more than posting it. Rows Slack accepted
are collected here and written together: one UPDATE (guarded by the lease owner, as before) and
the after-send hooks of the batch, in one transaction, at most `delay` seconds after the first
of them or as soon as `size` are waiting.

Nothing changes for a crash: until its batch commits, a row stays `sending` with this
dispatcher's lease, which the heartbeat keeps renewing (the row stays held). If the process dies
or the database is unreachable before the commit, the lease runs out and whoever claims the row
next first looks for the message in Slack, as for a crash right after the post. The window is
`delay` longer than one request.

A hook that fails rolls its batch back; the rows are then written one by one, so only the row
whose hook failed is recorded without the hook's changes (and says why in last_error).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, String, Update, bindparam, case, update
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock
from bot.db import SessionMaker
from bot.delivery.kinds import NoticeKind
from bot.delivery.leases import OUTBOX, OWNED, Leased, Leases
from bot.outage import Outage, is_unavailable
from bot.services.notices import Sent
from models.base import UTCDateTime
from models.outbox import OutboxStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Completion:
    """A row Slack has: where its message landed, and the hook to run with it."""

    row: Leased
    kind: NoticeKind[Any]
    notice: Any
    sent: Sent
    note: str | None = None


class Completions:
    """Sent rows waiting to be recorded, written in batches (see the module's docstring)."""

    def __init__(
        self,
        *,
        sessionmaker: SessionMaker,
        clock: Clock,
        leases: Leases,
        outage: Outage,
        delay: float,
        size: int,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.leases = leases
        self.outage = outage
        self.delay = delay
        self.size = size
        self._waiting: list[Completion] = []
        self._timer: asyncio.TimerHandle | None = None
        self._writing: set[asyncio.Task[None]] = set()

    def add(self, done: Completion) -> None:
        """Record `done` with the next batch; its row stays held until the batch is written."""
        self._waiting.append(done)
        if len(self._waiting) >= self.size:
            self._write_waiting()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.delay, self._write_waiting)

    async def flush(self) -> None:
        """Write every row added so far, and wait for the batches already being written."""
        self._write_waiting()
        while self._writing:
            await asyncio.gather(*self._writing)

    def _write_waiting(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._waiting:
            return
        batch, self._waiting = self._waiting, []
        task = asyncio.create_task(self._write(batch))
        self._writing.add(task)
        task.add_done_callback(self._writing.discard)

    async def _write(self, batch: list[Completion]) -> None:
        try:
            await self._record(batch)
        except Exception as exc:
            # The rows stay leased: once the leases run out, the next claim looks in Slack.
            ids = ", ".join(str(done.row.id) for done in batch)
            if is_unavailable(exc):
                self.outage.failed(exc, f"outbox rows {ids} are checked in Slack once it is back")
            else:
                logger.exception("Recording sent outbox rows %s failed", ids)
        finally:
            for done in batch:
                self.leases.drop(done.row.id)

    async def _record(self, batch: list[Completion], hook_error: str | None = None) -> None:
        """Mark `batch` sent and run its hooks in one transaction (without them when
        `hook_error` says why a single row's hook failed)."""
        try:
            await self._mark(batch, hook_error)
        except (SQLAlchemyError, OSError, TimeoutError):
            raise  # the database, not a hook
        except Exception as exc:
            if hook_error is not None:
                raise
            if len(batch) > 1:
                for done in batch:
                    await self._record([done])
                return
            [done] = batch
            # The message is in Slack: record that, without the hook's changes, and say why.
            logger.exception(
                "after_send hook of kind %r failed for row %d", done.kind.name, done.row.id
            )
            await self._record(batch, f"after_send failed: {type(exc).__name__}: {exc}"[:1000])

    async def _mark(self, batch: list[Completion], hook_error: str | None) -> None:
        by_id = {done.row.id: done for done in batch}
        notes = [hook_error or done.note for done in by_id.values()]
        noted = any(notes)
        now = self.clock.now()
        values: dict[str, Any] = {"owner": self.leases.owner, "now": now}
        for n, (row_id, done) in enumerate(by_id.items()):
            values.update({f"id_{n}": row_id, f"channel_{n}": done.sent.channel})
            values[f"ts_{n}"] = done.sent.ts
            if noted:
                values[f"note_{n}"] = notes[n]
        async with self.sessionmaker.begin() as session:
            # The UPDATE comes first so that, on SQLite, this transaction holds the write lock
            # before a hook reads anything. It runs on the session's connection: a Core
            # statement needs none of the ORM's execute path.
            connection = await session.connection()
            marked = set(await connection.scalars(_mark_sent(len(by_id), noted), values))
            for row_id, done in by_id.items():
                if row_id not in marked:
                    logger.warning(
                        "Outbox row %d was sent but its lease had passed to another process", row_id
                    )
                elif hook_error is None and done.kind.after_send is not None:
                    await done.kind.after_send(session, done.notice, done.sent)


@functools.cache
def _mark_sent(rows: int, noted: bool) -> Update:
    """The UPDATE marking `rows` rows sent, built once per batch size: row n's id, channel, ts
    (and note, when `noted`) are bound as id_n, channel_n, ts_n, note_n; each row gets its own
    through `CASE` (a plain parameter for a single row)."""
    ids = [bindparam(f"id_{n}", type_=Integer()) for n in range(rows)]

    def per_row(name: str) -> Any:
        if rows == 1:
            return bindparam(f"{name}_0", type_=String())
        values = [bindparam(f"{name}_{n}", type_=String()) for n in range(rows)]
        return case(*((OUTBOX.c.id == ids[n], values[n]) for n in range(rows)))

    now = bindparam("now", type_=UTCDateTime())
    return (
        update(OUTBOX)
        .where(OUTBOX.c.id.in_(ids), *OWNED)
        .values(
            status=OutboxStatus.SENT.value,
            slack_channel=per_row("channel"),
            slack_ts=per_row("ts"),
            sent_at=now,
            lease_owner=None,
            lease_until=None,
            last_error=per_row("note") if noted else None,
            updated_at=now,
        )
        .returning(OUTBOX.c.id)
    )

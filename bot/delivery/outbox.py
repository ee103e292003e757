"""Writing notices to the outbox, and what operators read from it.

A feature never calls chat.postMessage for proactive work. It enqueues a notice (see
`bot.services.notices`) inside the transaction that changes its own state, so the message exists
exactly when the change does:

    async with deps.sessionmaker.begin() as session:
        pair = Pair(...)
        session.add(pair)
        await session.flush()
        await enqueue(
            session,
            team_id=team_id,
            dedupe_key=f"intro:{pair.id}",
            notice=IntroNotice(pair_id=pair.id, ...),
            open_users=[guide, learner],
            now=now,
        )

The dedupe key names what the message *means* (`intro:<pair_id>`, `prompt:<pair_id>:2026-W48`);
enqueuing a key that exists is a no-op, also when two processes race. The dispatcher renders
the notice when it sends it.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from pydantic import TypeAdapter
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import chunks, insert_ignoring_duplicates, insert_many_ignoring_duplicates
from bot.install.keys import in_workspace
from bot.services.notices import Notice
from models.outbox import CLAIMABLE_SQL, OutboxMessage, OutboxStatus

# Every message the dispatcher posts carries this metadata, so it can find its own message in a
# conversation's history after a crash (see bot/delivery/dispatcher.py).
METADATA_EVENT_TYPE = "rotnem_outbox"
# A row for a workspace that uninstalled Rotnem waits with this last_error, pushed this far ahead
# each time it comes up (no attempt spent), until a reinstall makes it due (`resume_waiting`).
UNINSTALLED = "workspace uninstalled"
UNINSTALLED_WAIT = timedelta(days=1)


class Outgoing(NamedTuple):
    """One notice to enqueue: what `enqueue` takes besides the session, team and clock.

    A named tuple, not a frozen dataclass: a week's fan-out builds ~20,000 of them, and a frozen
    dataclass's `__init__` (one `object.__setattr__` per field) cost as much as the notice."""

    dedupe_key: str
    notice: Notice
    channel: str | None = None
    open_users: Sequence[str] | None = None
    not_before: datetime | None = None


def _row(team_id: str, item: Outgoing, now: datetime, document: dict[str, Any]) -> dict[str, Any]:
    """The outbox row for `item` (`document`: its notice, serialised), refusing what the
    dispatcher could never send."""
    if (item.channel is None) == (item.open_users is None):
        raise ValueError("give exactly one of channel= or open_users=")
    users: list[str] | None = None
    if item.open_users is not None:
        users = sorted({user.strip() for user in item.open_users if user.strip()})
        if not 1 <= len(users) <= 8:
            raise ValueError("conversations.open takes 1 to 8 user IDs")
    if not item.dedupe_key or len(item.dedupe_key) > 255:
        raise ValueError("a dedupe key is 1 to 255 characters")
    return {
        "team_id": team_id,
        "dedupe_key": item.dedupe_key,
        "kind": item.notice.kind,
        "status": OutboxStatus.PENDING.value,
        "notice": document,
        "channel": item.channel,
        "open_users": users,
        "attempts": 0,
        "next_attempt_at": max(now, item.not_before) if item.not_before else now,
        "created_at": now,
        "updated_at": now,
    }


async def enqueue(
    session: AsyncSession,
    *,
    team_id: str,
    dedupe_key: str,
    notice: Notice,
    now: datetime,
    channel: str | None = None,
    open_users: Sequence[str] | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Add a notice to send, in the caller's transaction; False if `dedupe_key` already exists.

    Give `channel` (a channel ID, or a user ID for the app's DM with that person) or
    `open_users` (1 to 8 user IDs: the dispatcher calls conversations.open first and posts in the
    DM or group DM it returns). `not_before` delays the send; `now` is the caller's clock.
    """
    item = Outgoing(dedupe_key, notice, channel, open_users, not_before)
    row = _row(team_id, item, now, notice.model_dump(mode="json"))
    return await insert_ignoring_duplicates(session, OutboxMessage, row)


async def enqueue_many(
    session: AsyncSession, team_id: str, items: Sequence[Outgoing], *, now: datetime
) -> int:
    """`enqueue` for thousands of notices at once (the weekly fan-out); how many were new.

    One statement per row costs milliseconds each through the async driver, which made a
    10,000-pair week take tens of seconds; this writes the same rows 500 per statement.
    """
    documents = _documents([item.notice for item in items])
    rows = [_row(team_id, item, now, doc) for item, doc in zip(items, documents, strict=True)]
    written = await insert_many_ignoring_duplicates(
        session, OutboxMessage, rows, returning=(OutboxMessage.id,)
    )
    return len(written)


def _documents(notices: Sequence[Notice]) -> list[dict[str, Any]]:
    """Each notice as `model_dump(mode="json")` makes it, serialised a class at a time: one
    call per class instead of one per notice (a third of the time for 20,000 check-ins)."""
    documents: list[dict[str, Any]] = [{}] * len(notices)
    positions: dict[type[Notice], list[int]] = defaultdict(list)
    for index, notice in enumerate(notices):
        positions[type(notice)].append(index)
    for kind, indexes in positions.items():
        dumped = _list_adapter(kind).dump_python([notices[i] for i in indexes], mode="json")
        for index, document in zip(indexes, dumped, strict=True):
            documents[index] = document
    return documents


@functools.cache
def _list_adapter(kind: type[Notice]) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[kind])  # type: ignore[valid-type]


async def enqueue_to_each(
    session: AsyncSession,
    *,
    team_id: str,
    dedupe_key: str,
    notice: Notice,
    users: Iterable[str],
    now: datetime,
) -> int:
    """The same notice to each person's DM (HR admins, say), keyed `<dedupe_key>:<user>`; how
    many were new."""
    items = [Outgoing(f"{dedupe_key}:{user}", notice, channel=user) for user in sorted(set(users))]
    return await enqueue_many(session, team_id, items, now=now)


async def resume_waiting(session: AsyncSession, team_id: str, now: datetime) -> int:
    """Rows that waited while `team_id` was uninstalled (any of its programs') become due now;
    how many."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            in_workspace(OutboxMessage.team_id, team_id),
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.last_error == UNINSTALLED,
        )
        .values(next_attempt_at=now, last_error=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def withdraw(
    session: AsyncSession, team_id: str, matches: Callable[[str], bool], now: datetime
) -> list[tuple[str, dict[str, Any]]]:
    """Withdraw the waiting rows of `team_id` whose dedupe key `matches`; the (dedupe key,
    notice values) of each. A row whose last attempt ended without a known outcome (its lease
    owner is kept) may be in Slack already and is left to the dispatcher, which looks there.

    The keys are read once and matched here: a LIKE per key in SQL tested every pattern against
    every waiting row (16 s for a cycle's 10,000 pairs during a fan-out, holding SQLite's write
    lock). Each UPDATE checks the status again, so a dispatcher claiming a row meanwhile either
    got it first (it goes out) or finds it withdrawn."""
    waiting = await session.execute(
        select(OutboxMessage.id, OutboxMessage.dedupe_key).where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.lease_owner.is_(None),
        )
    )
    ids = [row_id for row_id, key in waiting.all() if matches(key)]
    withdrawn: list[tuple[str, dict[str, Any]]] = []
    for batch in chunks(ids):
        result = await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(batch),
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.lease_owner.is_(None),
            )
            .values(status=OutboxStatus.WITHDRAWN, updated_at=now)
            .returning(OutboxMessage.dedupe_key, OutboxMessage.notice)
            .execution_options(synchronize_session=False)
        )
        withdrawn += [(str(key), dict(notice)) for key, notice in result.all()]
    return withdrawn


# ---- what operators and /healthz read ---------------------------------------------------------


@dataclass(frozen=True)
class Backlog:
    """Messages not yet sent, and how long the longest-waiting due one has waited."""

    pending: int
    oldest_pending_age_s: float


@dataclass(frozen=True)
class FailedRow:
    """An outbox row that failed for good, as `rotnem outbox` lists it."""

    id: int
    team_id: str
    kind: str
    dedupe_key: str
    attempts: int
    last_error: str | None
    updated_at: datetime


async def backlog(session: AsyncSession, now: datetime) -> Backlog:
    """Pending (and in-flight) rows, and the age of the oldest one that is due."""
    open_rows = text(CLAIMABLE_SQL)
    count = await session.scalar(select(func.count()).select_from(OutboxMessage).where(open_rows))
    # The first due entry of the claim index; a row waiting for its not_before does not count.
    oldest = await session.scalar(
        select(OutboxMessage.next_attempt_at)
        .where(open_rows, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at)
        .limit(1)
    )
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    return Backlog(pending=int(count or 0), oldest_pending_age_s=round(age, 1))


async def counts_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    counts = {status.value: 0 for status in OutboxStatus}
    counts.update({str(status): int(n) for status, n in rows.all()})
    return counts


async def recent_failures(session: AsyncSession, limit: int = 10) -> list[FailedRow]:
    """The last rows that failed for good, newest first."""
    columns = [getattr(OutboxMessage, field.name) for field in fields(FailedRow)]
    rows = await session.execute(
        select(*columns)
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .order_by(OutboxMessage.updated_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    return [FailedRow(*row) for row in rows.all()]


async def retry_failed(
    session: AsyncSession, now: datetime, *, kind: str | None = None, ids: Sequence[int] = ()
) -> int:
    """Put failed rows back in the queue with a fresh attempt budget; how many were re-queued."""
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .values(
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            # lease_owner is left as it is: set, it makes the dispatcher look in Slack first.
            lease_until=None,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if kind is not None:
        statement = statement.where(OutboxMessage.kind == kind)
    if ids:
        statement = statement.where(OutboxMessage.id.in_(list(ids)))
    result = await session.execute(statement)
    return int(result.rowcount)  # type: ignore[attr-defined]

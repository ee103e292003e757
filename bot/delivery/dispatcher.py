"""The dispatcher: claims due outbox rows, sends them to Slack, records what happened.

A row's life:

    pending --claim--> sending --Slack ok--> sent
       ^                  |
       |                  +--429---------> pending, next_attempt_at = now + Retry-After
       |                  +--transient---> pending, next_attempt_at = now + backoff
       |                  +--permanent---> failed (last_error keeps Slack's error code)
       +--lease expired (the process died)--+

Claiming is one short transaction: `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL (several
processes skip each other's rows), then an UPDATE guarded by the same condition, which is what
keeps SQLite (one writer at a time) and any second process on it from claiming a row twice. The
claim sets a lease; Slack is called outside any transaction; each outcome is one more short
transaction guarded by the lease owner, except that rows Slack accepted are recorded a batch at
a time (`bot/delivery/completions.py`).

**Short leases, renewed** (`bot/delivery/leases.py`). A lease lasts `lease_seconds` (3 s by
default) and `run` renews the leases it holds three times per lease, so the rows of a process
that was killed, froze or lost the database are taken over seconds later. Before every Slack call
the dispatcher checks that the row is still its own. What this cannot cover: a process that
freezes for longer than a lease *during* a post, while Slack has not yet stored the message that
the next claimer looks for; that is the crash window below, made a little wider.

**The crash window.** chat.postMessage has no idempotency key. If Slack accepts a message and
the process dies (or the database is unreachable) before the row is marked sent, the row looks
unsent. The window is one request long plus the wait for its batch: from Slack accepting the
post to the commit of the row's UPDATE, at most `mark_delay` seconds after the answer. Every
message carries metadata `{"event_type": "rotnem_outbox",
"event_payload": {"outbox_id": <id>}}`; a row that is claimed again after such an interruption
(its lease expired, or the last attempt ended in a timeout, a dropped connection or a 5xx) first
reads the conversation's latest messages (conversations.history, include_all_metadata) and, if
its own message is there, is marked sent without posting. That read needs the history scopes of
the conversation type (im:history, mpim:history, channels:history, groups:history); without them
the dispatcher posts anyway, so a crash inside the window can then duplicate one message per
in-flight row. It never loses one: a row is always sent, pending, failed with a reason, or
withdrawn (never to be sent: `bot.services.rounds.ending` withdraws waiting rows, and a kind's
`withdraw_if` a claimed one just before its post).

**Tokens.** Each row is sent with the token of its workspace (`bot/install/tokens.py`: the one
SLACK_BOT_TOKEN, or the installation of its data key, refreshed before it expires). Where Rotnem
is uninstalled nothing is sent: the row waits as "workspace uninstalled", pushed a day ahead
each time without spending an attempt, until a reinstall makes it due again.

**Rate limits.** The pacer keeps each method under its tier and chat.postMessage under the
operator's workspace ceiling and 1/s per channel. On a 429 the row goes back to pending with
next_attempt_at = now + Retry-After and the pacer holds that method until then; no lease is held
while waiting for Slack's patience.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from sqlalchemy import Integer, bindparam, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks.kit import in_program
from bot.blocks.wording import in_wording
from bot.clock import Clock
from bot.db import SessionMaker
from bot.delivery.completions import Completion, Completions
from bot.delivery.config import DispatchConfig
from bot.delivery.errors import CANNOT_READ_HISTORY, Failure, classify
from bot.delivery.kinds import NoticeKind, NoticeKinds, Undeliverable
from bot.delivery.leases import LEASED_COLUMNS, OUTBOX, Leased, Leases, engine_of
from bot.delivery.outbox import METADATA_EVENT_TYPE
from bot.delivery.pacing import HISTORY, OPEN, POST_MESSAGE, USERS_INFO, Pacer
from bot.i18n import speaking
from bot.install.keys import program_number
from bot.install.tokens import NoToken, Tokens
from bot.languages import Languages
from bot.outage import Outage, describe, is_unavailable
from bot.services.notices import Notice, Sent
from bot.services.wording import Wording, wording_of
from bot.slack import LOCALE_WITHIN, slack_locale
from models.base import UTCDateTime
from models.outbox import CLAIMABLE_SQL, OutboxStatus

logger = logging.getLogger(__name__)

# Without statistics SQLite's planner prefers the status index and sorts every open row; pinning
# the partial index keeps a claim an ordered scan of a few entries however long the queue is.
# (SQLite has no row locks to skip: its single writer and the guarded UPDATE do that job.)
_SQLITE_DUE = text(
    "SELECT id, lease_owner FROM outbox_messages INDEXED BY ix_outbox_messages_due "
    f"WHERE {CLAIMABLE_SQL} AND next_attempt_at <= :now "
    "ORDER BY next_attempt_at, id LIMIT :limit"
).bindparams(bindparam("now", type_=UTCDateTime()), bindparam("limit"))

# The claim's statements, built once (see `bot/delivery/leases.py`).
_NOW = bindparam("now", type_=UTCDateTime())
_DUE_NOW = (text(CLAIMABLE_SQL), OUTBOX.c.next_attempt_at <= _NOW)
_DUE = (
    select(OUTBOX.c.id, OUTBOX.c.lease_owner)
    .where(*_DUE_NOW)
    .order_by(OUTBOX.c.next_attempt_at, OUTBOX.c.id)
    .limit(bindparam("limit", type_=Integer()))
    .with_for_update(skip_locked=True)
)
_UNTIL = bindparam("until", type_=UTCDateTime())
_TAKE = (
    update(OUTBOX)
    .where(OUTBOX.c.id.in_(bindparam("ids", expanding=True)), *_DUE_NOW)
    .values(
        status=OutboxStatus.SENDING.value,
        lease_owner=bindparam("owner"),
        lease_until=_UNTIL,
        # A leased row becomes due again when its lease runs out.
        next_attempt_at=_UNTIL,
        attempts=OUTBOX.c.attempts + 1,
        updated_at=_NOW,
    )
    .returning(*(OUTBOX.c[name] for name in LEASED_COLUMNS))
)


def new_owner_id() -> str:
    """Names this process in lease_owner: host, pid and a random suffix (pids are reused)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


class _Postpone(Exception):
    """The row should go back to the queue for `delay` seconds without spending an attempt."""

    def __init__(self, delay: float, reason: str) -> None:
        super().__init__(reason)
        self.delay = delay
        self.reason = reason


class _LeaseLost(Exception):
    """Another dispatcher took the row over (this one stalled past its lease): leave it alone."""


class _Withdrawn(Exception):
    """The row was withdrawn at the last moment instead of being posted."""


class _CallFailed(Exception):
    """A Slack call failed; `failure` says whether and when to try again."""

    def __init__(self, method: str, failure: Failure) -> None:
        super().__init__(f"{method}: {failure.error}")
        self.method = method
        self.failure = failure


@dataclass
class _Claim:
    """A row this dispatcher holds, and whether it may already be in Slack."""

    row: Leased
    # The previous attempt ended without a known outcome: look in Slack before posting.
    suspect: bool
    # The client (with the token of the row's workspace) this attempt calls Slack with.
    client: AsyncWebClient | None = None
    # Slack has the message and `completions` records it: the row stays held until then.
    completed: bool = False
    # HR's wording of its workspace, read with the claim: an edit reaches the next claim.
    wording: Wording = field(default_factory=Wording)


class Dispatcher:
    """Sends due outbox rows. `run_once`/`drain` for tests and tools, `run` in the background."""

    def __init__(
        self,
        *,
        sessionmaker: SessionMaker,
        clock: Clock,
        tokens: Tokens,
        kinds: NoticeKinds,
        config: DispatchConfig | None = None,
        pacer: Pacer | None = None,
        owner: str | None = None,
    ) -> None:
        self.engine = engine_of(sessionmaker)
        self.sessionmaker = sessionmaker
        self.languages = Languages()
        self.clock = clock
        self.tokens = tokens
        self.kinds = kinds
        self.config = config or DispatchConfig()
        self.pacer = pacer or self.config.pacer()
        self.owner = owner or new_owner_id()
        self.outage = Outage(logger, f"Outbox dispatcher {self.owner}", clock)
        self.leases = Leases(
            sessionmaker=sessionmaker,
            clock=clock,
            owner=self.owner,
            seconds=self.config.lease_seconds,
        )
        self.completions = Completions(
            sessionmaker=sessionmaker,
            clock=clock,
            leases=self.leases,
            outage=self.outage,
            delay=self.config.mark_delay,
            size=4 * self.config.concurrency,
        )
        # Claims wait for half the slots to be free: one claim transaction per few rows rather
        # than one per row while the queue is long.
        self._claim_batch = max(1, self.config.concurrency // 2)
        self._warned: set[str] = set()
        self._stopping = asyncio.Event()

    # ---- entry points ------------------------------------------------------------------------

    async def run_once(self, limit: int | None = None) -> int:
        """Claim up to `limit` due rows (default: the concurrency) and deliver them; how many."""
        claims = await self._claim(limit or self.config.concurrency)
        await asyncio.gather(*(self._deliver(claim) for claim in claims))
        await self.completions.flush()
        return len(claims)

    async def drain(self, max_rounds: int = 10_000) -> int:
        """Deliver until nothing is due now; returns the number of rows handled."""
        total = 0
        for _ in range(max_rounds):
            handled = await self.run_once()
            if not handled:
                break
            total += handled
        return total

    async def next_due(self) -> datetime | None:
        """When the earliest unsent row becomes due (None when the queue is empty)."""
        async with self.engine.connect() as connection:
            return await connection.scalar(
                select(OUTBOX.c.next_attempt_at)
                .where(text(CLAIMABLE_SQL))
                .order_by(OUTBOX.c.next_attempt_at)
                .limit(1)
            )

    async def resume_reinstalled(self) -> None:
        """On start: rows of a workspace installed again since it was uninstalled are due now."""
        try:
            resumed = await self.tokens.resume_reinstalled()
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            logger.warning("Could not check for reinstalled workspaces: %s", describe(exc))
            return
        if resumed:
            logger.info("Rotnem was installed again: %d waiting message(s) resumed", resumed)

    def stop(self) -> None:
        """Ask `run` to stop claiming and wind down."""
        self._stopping.set()

    async def run(self) -> None:
        """Claim and deliver until `stop()`; then finish or release in-flight rows.

        While the database is unavailable it backs off (`outage_backoff`) and logs the outage
        once (`Outage`) instead of a traceback per try.
        """
        await self.resume_reinstalled()
        in_flight: dict[asyncio.Task[None], _Claim] = {}
        stop_wait = asyncio.ensure_future(self._stopping.wait())
        heartbeat = asyncio.create_task(self.leases.heartbeat(), name=f"leases-{self.owner}")
        failures = 0
        logger.info("Outbox dispatcher %s started", self.owner)
        try:
            while not self._stopping.is_set():
                free = self.config.concurrency - len(in_flight)
                claimed = 0
                backoff: float | None = None
                if free >= self._claim_batch or (free > 0 and not in_flight):
                    try:
                        claims = await self._claim(free)
                    except (SQLAlchemyError, OSError, TimeoutError) as exc:
                        failures += 1
                        backoff = self.config.outage_backoff(failures)
                        self._claim_failed(exc, backoff)
                    else:
                        failures = 0
                        self.outage.recovered()
                        for claim in claims:
                            in_flight[asyncio.create_task(self._deliver(claim))] = claim
                        claimed = len(claims)
                if backoff is not None:
                    # The whole delay, however soon the rows in flight finish.
                    await asyncio.wait({stop_wait}, timeout=backoff)
                else:
                    # Full: wait for a slot or stop(); else also for the poll interval.
                    timeout = self.config.poll_seconds if claimed < free or not in_flight else None
                    waiting: set[asyncio.Future[Any]] = {stop_wait, *in_flight}
                    await asyncio.wait(
                        waiting, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                    )
                for task in [task for task in in_flight if task.done()]:
                    del in_flight[task]
        finally:
            stop_wait.cancel()
            try:
                await self._wind_down(in_flight)
            finally:
                heartbeat.cancel()
                await asyncio.gather(heartbeat, return_exceptions=True)
            logger.info("Outbox dispatcher %s stopped", self.owner)

    def _claim_failed(self, exc: BaseException, retry_in: float) -> None:
        then = f"next try in {retry_in:g}s"
        if is_unavailable(exc):
            self.outage.failed(exc, then)
        else:
            logger.exception("Could not claim outbox rows; %s", then)

    async def _wind_down(self, in_flight: dict[asyncio.Task[None], _Claim]) -> None:
        if in_flight:
            _, pending = await asyncio.wait(in_flight, timeout=self.config.shutdown_grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await self.completions.flush()
        # Whatever is still leased by us goes back now rather than after the lease expires.
        # lease_owner stays set, so whoever claims it next first checks whether it was posted.
        now = self.clock.now()
        try:
            async with self.engine.begin() as connection:
                result = await connection.execute(
                    update(OUTBOX)
                    .where(
                        OUTBOX.c.lease_owner == self.owner,
                        OUTBOX.c.status == OutboxStatus.SENDING.value,
                    )
                    .values(
                        status=OutboxStatus.PENDING.value,
                        next_attempt_at=now,
                        lease_until=None,
                        attempts=OUTBOX.c.attempts - 1,
                        updated_at=now,
                    )
                )
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            logger.warning(
                "Could not release in-flight outbox rows (%s); their leases expire in %gs",
                describe(exc),
                self.config.lease_seconds,
                exc_info=not is_unavailable(exc),
            )
            return
        finally:
            self.leases.drop_all()
        released = int(result.rowcount)
        if released:
            logger.info("Released %d in-flight outbox row(s) on shutdown", released)

    # ---- claiming ----------------------------------------------------------------------------

    async def _claim(self, limit: int) -> list[_Claim]:
        now = self.clock.now()
        # Rows this dispatcher holds may look due (a renewal was late); they are skipped, so the
        # query asks for that many more.
        held = self.leases.held()
        wanted = limit + len(held)
        async with self.engine.begin() as connection:
            due = _SQLITE_DUE if connection.dialect.name == "sqlite" else _DUE
            found = await connection.execute(due, {"now": now, "limit": wanted})
            candidates = [
                (int(row_id), owner) for row_id, owner in found.all() if row_id not in held
            ][:limit]
            if not candidates:
                return []
            suspects = {row_id for row_id, owner in candidates if owner is not None}
            lease_until = now + timedelta(seconds=self.config.lease_seconds)
            updated = await connection.execute(
                _TAKE,
                {
                    "ids": [row_id for row_id, _ in candidates],
                    "now": now,
                    "owner": self.owner,
                    "until": lease_until,
                },
            )
            by_id = {row.id: row for row in (Leased.of(values) for values in updated.mappings())}
            wording = await wording_of(connection, [row.team_id for row in by_id.values()])
        # In the order they were due (RETURNING has no order).
        rows = [by_id[row_id] for row_id, _ in candidates if row_id in by_id]
        claims = [
            _Claim(row, suspect=row.id in suspects, wording=wording[row.team_id]) for row in rows
        ]
        self.leases.hold(rows)
        return claims

    # ---- delivering --------------------------------------------------------------------------

    async def _deliver(self, claim: _Claim) -> None:
        try:
            await self._attempt(claim)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # The database going away, or a bug: the row stays leased and is retried (after a
            # look in Slack) once the lease expires.
            if is_unavailable(exc):
                self.outage.failed(exc, f"outbox row {claim.row.id} is retried once it is back")
            else:
                logger.exception("Delivering outbox row %d failed unexpectedly", claim.row.id)
        finally:
            if not claim.completed:
                self.leases.drop(claim.row.id)

    async def _attempt(self, claim: _Claim) -> None:
        row = claim.row
        try:
            kind, notice = self.kinds.read(row.kind, row.notice)
        except Undeliverable as exc:
            logger.warning("Outbox row %d (%s) cannot be sent: %s", row.id, row.dedupe_key, exc)
            await self._unclaim(claim, error=str(exc), retry_in=None)
            return
        # Outside the rendering's guard: a database that cannot say leaves the row for later.
        language = await self._language(row, kind, notice)
        try:
            # Rendered before any call, in its readers' language and its workspace's wording: a
            # row that cannot become a message fails at once.
            program = in_program(program_number(row.team_id))
            with speaking(language), in_wording(claim.wording), program:
                message = kind.render(notice).to_dict()
        except Exception as exc:
            # A renderer's bug fails its own row once, rather than coming back every lease.
            logger.exception("Rendering outbox row %d (%s) failed", row.id, row.dedupe_key)
            error = f"rendering failed: {type(exc).__name__}: {exc}"
            await self._unclaim(claim, error=error, retry_in=None)
            return
        try:
            claim.client = await self.tokens.client(row.team_id)
            channel = row.slack_channel or row.channel
            if channel is None:
                assert row.open_users, "the table's check constraint guarantees a target"
                opened = await self._call(claim, OPEN, users=",".join(row.open_users))
                channel = str(opened["channel"]["id"])
                await self._remember_channel(row, channel)
            if claim.suspect:
                found = await self._find_posted(claim, channel)
                if found is not None:
                    logger.info("Outbox row %d was already in Slack; not posting again", row.id)
                    note = "found in Slack after an interruption"
                    self._completed(claim, Completion(row, kind, notice, found, note))
                    return
                claim.suspect = False
            posted = await self._call(
                claim,
                POST_MESSAGE,
                pace_channel=channel,
                check=partial(self._withdraw_if, claim, kind, notice) if kind.withdraw_if else None,
                channel=channel,
                metadata={
                    "event_type": METADATA_EVENT_TYPE,
                    "event_payload": {"outbox_id": row.id},
                },
                **message,
            )
            sent = Sent(str(posted["channel"]), str(posted["ts"]))
            self._completed(claim, Completion(row, kind, notice, sent))
        except _Postpone as postpone:
            await self._unclaim(claim, error=postpone.reason, retry_in=postpone.delay, refund=True)
        except NoToken as missing:
            await self._unclaim(claim, error=missing.reason, retry_in=missing.retry_in, refund=True)
        except _CallFailed as failed:
            await self._failed_call(claim, failed)
        except _Withdrawn:
            logger.info("Outbox row %d (%s) was withdrawn before sending", row.id, row.dedupe_key)
        except _LeaseLost:
            logger.warning(
                "Outbox row %d was taken over by another process while this one stalled; "
                "leaving it to that one",
                row.id,
            )

    async def _language(self, row: Leased, kind: NoticeKind[Any], notice: Notice) -> str:
        """The language of the row's readers (`NoticeKind.read_by`)."""
        return await self.languages.of_readers(
            self.sessionmaker,
            row.team_id,
            kind.read_by(notice, row.open_users, row.channel),
            default=self.config.language,
            whole_team=True,
            ask=partial(self._slack_locale, row.team_id),
        )

    async def _slack_locale(self, team_id: str, user_id: str) -> str | None:
        """Someone not in the program (an HR admin, a newcomer): what Slack says they read, at
        users.info's pace (a burst of newcomers beyond it reads the program's language)."""
        if await self.pacer.acquire(team_id, USERS_INFO, max_wait=LOCALE_WITHIN) is not None:
            return None
        try:
            return await slack_locale(await self.tokens.client(team_id), user_id)
        except NoToken:
            return None

    async def _call(
        self,
        claim: _Claim,
        method: str,
        *,
        pace_channel: str | None = None,
        check: Callable[[], Awaitable[None]] | None = None,
        **args: Any,
    ) -> AsyncSlackResponse:
        """Slack's `method`, once the pacer lets it through and the row is still this
        dispatcher's (and, with `check`, still to be sent)."""
        row = claim.row
        wait = await self.pacer.acquire(
            row.team_id, method, pace_channel, max_wait=self.config.max_pacing_wait
        )
        if wait is not None:
            raise _Postpone(wait, f"paced: {method} is busy for {wait:.1f}s")
        if not await self.leases.keep(row):
            raise _LeaseLost
        if check is not None:
            await check()
        assert claim.client is not None, "a row's client is resolved before any call"
        call: Callable[..., Awaitable[AsyncSlackResponse]] = {
            OPEN: claim.client.conversations_open,
            HISTORY: claim.client.conversations_history,
            POST_MESSAGE: claim.client.chat_postMessage,
        }[method]
        try:
            return await call(**args)
        except (SlackApiError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            failure = classify(exc)
            if failure.kind == "rate_limited":
                self.pacer.hold(row.team_id, method, failure.retry_after or 1.0)
            if method == POST_MESSAGE and failure.maybe_delivered:
                claim.suspect = True
            raise _CallFailed(method, failure) from exc

    async def _withdraw_if(self, claim: _Claim, kind: NoticeKind[Any], notice: Notice) -> None:
        """Withdraw the row, rather than post it, if its kind says so now: the last moment,
        after the pacer's wait (`NoticeKind.withdraw_if`)."""
        assert kind.withdraw_if is not None
        row = claim.row
        async with self.engine.begin() as connection:
            if not await kind.withdraw_if(connection, row.dedupe_key, notice):
                return
            withdrawn = await connection.execute(
                update(OUTBOX)
                .where(*self._mine(row))
                .values(
                    status=OutboxStatus.WITHDRAWN.value,
                    lease_owner=None,
                    lease_until=None,
                    updated_at=self.clock.now(),
                )
            )
            if not withdrawn.rowcount:
                raise _LeaseLost  # and the hook's writes roll back with it
        raise _Withdrawn

    async def _find_posted(self, claim: _Claim, channel: str) -> Sent | None:
        """Our message if an earlier attempt did post it; None if not seen."""
        row = claim.row
        if channel[:1] in ("U", "W"):
            # Posting to a user ID lands in the app's DM with them; history needs the DM's ID.
            opened = await self._call(claim, OPEN, users=channel)
            channel = str(opened["channel"]["id"])
        try:
            history = await self._call(
                claim,
                HISTORY,
                channel=channel,
                limit=self.config.history_limit,
                include_all_metadata=True,
            )
        except _CallFailed as failed:
            code = failed.failure.code
            if code in CANNOT_READ_HISTORY or failed.failure.kind == "permanent":
                if code not in self._warned:
                    self._warned.add(code)
                    logger.warning(
                        "Cannot read conversation history (%s) to check for a message sent "
                        "before an interruption; posting without checking. Grant im:history "
                        "and mpim:history to close this gap.",
                        code,
                    )
                return None
            raise
        for message in history.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == METADATA_EVENT_TYPE and str(
                payload.get("outbox_id")
            ) == str(row.id):
                return Sent(channel, str(message["ts"]))
        return None

    # ---- recording outcomes -------------------------------------------------------------------

    def _mine(self, row: Leased) -> tuple[Any, ...]:
        return (
            OUTBOX.c.id == row.id,
            OUTBOX.c.lease_owner == self.owner,
            OUTBOX.c.status == OutboxStatus.SENDING.value,
        )

    async def _remember_channel(self, row: Leased, channel: str) -> None:
        # Saves a Tier 3 conversations.open when this row is retried.
        row.slack_channel = channel
        async with self.engine.begin() as connection:
            await connection.execute(
                update(OUTBOX).where(*self._mine(row)).values(slack_channel=channel)
            )

    def _completed(self, claim: _Claim, done: Completion) -> None:
        claim.completed = True
        self.completions.add(done)

    async def _unclaim(
        self, claim: _Claim, *, error: str, retry_in: float | None, refund: bool = False
    ) -> None:
        """Give the row up: back to the queue in `retry_in` seconds (`refund`: without spending
        an attempt), or failed for good when `retry_in` is None."""
        now = self.clock.now()
        values: dict[str, Any] = {
            "status": (OutboxStatus.FAILED if retry_in is None else OutboxStatus.PENDING).value,
            "lease_until": None,
            # Kept set when the outcome is unknown: the next claim (or `outbox retry`) looks in
            # Slack first.
            "lease_owner": self.owner if claim.suspect else None,
            "last_error": error[:1000],
            "updated_at": now,
        }
        if retry_in is not None:
            values["next_attempt_at"] = now + timedelta(seconds=max(0.0, retry_in))
            if refund:
                values["attempts"] = OUTBOX.c.attempts - 1
        async with self.engine.begin() as connection:
            await connection.execute(update(OUTBOX).where(*self._mine(claim.row)).values(**values))

    async def _token_refused(self, claim: _Claim, code: str) -> NoToken | None:
        assert claim.client is not None
        try:
            return await self.tokens.rejected(claim.row.team_id, claim.client, code)
        except NoToken as missing:
            return missing

    async def _failed_call(self, claim: _Claim, failed: _CallFailed) -> None:
        row, failure = claim.row, failed.failure
        error = f"{failure.error} ({failed.method})"
        waiting = await self._token_refused(claim, failure.code)
        if waiting is not None:
            # Not the row's fault: a refreshed token now, or a wait while uninstalled.
            await self._unclaim(claim, error=waiting.reason, retry_in=waiting.retry_in, refund=True)
        elif failure.kind == "rate_limited":
            retry_after = failure.retry_after or 1.0
            note = f"{error}: retry after {retry_after:g}s"
            await self._unclaim(claim, error=note, retry_in=retry_after, refund=True)
        elif failure.kind == "permanent":
            logger.warning("Outbox row %d (%s) failed: %s", row.id, row.dedupe_key, error)
            await self._unclaim(claim, error=error, retry_in=None)
        elif row.attempts >= self.config.max_attempts:
            logger.warning("Outbox row %d gave up after %d tries: %s", row.id, row.attempts, error)
            await self._unclaim(
                claim, error=f"gave up after {row.attempts} attempts: {error}", retry_in=None
            )
        else:
            await self._unclaim(claim, error=error, retry_in=self.config.backoff(row.attempts))

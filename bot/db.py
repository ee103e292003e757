"""Engine and session factory for SQLite (one machine) or PostgreSQL (several processes)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from operator import itemgetter
from typing import Any, TypeVar

import orjson
from sqlalchemy import JSON, event, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine.interfaces import DBAPIConnection, Dialect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.pool import ConnectionPoolEntry, PoolResetState

SessionMaker = async_sessionmaker[AsyncSession]
T = TypeVar("T")
# IDs per `IN (…)` list: far under SQLite's and asyncpg's parameter limits.
IN_CHUNK = 900


# How long background work (jobs, the dispatcher) waits for SQLite's write lock.
SQLITE_BUSY_MS = 5000


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # WAL lets the HTTP handlers read while the dispatcher writes; busy_timeout turns brief
    # writer contention into a short wait instead of "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_reset(
    dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry, state: PoolResetState
) -> None:
    # The pool's own reset rolls back every connection it gets back, even right after a commit:
    # on aiosqlite that is one more hand-off to the connection's thread per transaction, for a
    # ROLLBACK that sqlite3 skips anyway when no transaction is open. Asking sqlite3 first keeps
    # the safety net and drops the hop.
    live = state.asyncio_safe and not state.terminate_only
    if live and dbapi_connection._connection.in_transaction:
        dbapi_connection.rollback()


def _json_dumps(value: Any) -> str:
    # orjson: a week's outbox is ~20,000 documents, and the standard library's encoder was a
    # tenth of the tick. Keys that are not strings become strings, as json.dumps makes them.
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine with the per-backend settings Rotnem relies on."""
    kwargs.setdefault("json_serializer", _json_dumps)
    kwargs.setdefault("json_deserializer", orjson.loads)
    if url.startswith("sqlite"):
        kwargs.setdefault("pool_reset_on_return", None)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        if kwargs["pool_reset_on_return"] is None:
            event.listen(engine.sync_engine, "reset", _sqlite_reset)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def create_sessionmaker(engine: AsyncEngine) -> SessionMaker:
    # expire_on_commit=False: services return ORM objects that handlers read after commit.
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def bounded_transaction(
    sessionmaker: SessionMaker, seconds: float
) -> AsyncIterator[AsyncSession]:
    """A transaction that gives up on a lock (and, on PostgreSQL, on any statement) after
    `seconds`, raising the driver's error instead of waiting: a request must answer Slack within
    three seconds, whatever else holds the database."""
    ms = max(1, int(seconds * 1000))
    async with sessionmaker.begin() as session:
        connection = await session.connection()
        if connection.dialect.name == "postgresql":
            # SET LOCAL: for this transaction only; the pooled connection keeps its defaults.
            await connection.exec_driver_sql(f"SET LOCAL lock_timeout = {ms}")
            await connection.exec_driver_sql(f"SET LOCAL statement_timeout = {ms}")
            yield session
            return
        async with sqlite_waiting(connection, ms):
            yield session


@asynccontextmanager
async def sqlite_waiting(connection: AsyncConnection, ms: int) -> AsyncIterator[None]:
    """SQLite's busy timeout belongs to the connection: `ms` for the block, given back after."""
    saved = await connection.scalar(text("PRAGMA busy_timeout"))
    await connection.exec_driver_sql(f"PRAGMA busy_timeout = {ms}")
    try:
        yield
    finally:
        # Best effort: a connection that cannot take a PRAGMA is being thrown away anyway.
        with contextlib.suppress(SQLAlchemyError):
            await connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(saved or 0)}")


async def why_not_writable(engine: AsyncEngine, timeout: float = 0.5) -> str | None:
    """None when the database would take a write within `timeout` seconds, else why not.

    Nothing is written. SQLite: take the write lock and create a table in a transaction that is
    rolled back — refused by a read-only file, and by a lock another process holds longer than
    this check waits. PostgreSQL: connect, and ask whether the session is read-only (a standby,
    `default_transaction_read_only`).
    """
    try:
        async with asyncio.timeout(timeout), engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                await _try_sqlite_write(connection, wait_ms=int(timeout * 1000 * 0.6))
            elif await connection.scalar(text("SHOW transaction_read_only")) == "on":
                return "read-only"
    except TimeoutError:
        return f"no answer within {timeout:g} s"
    except (SQLAlchemyError, OSError) as error:
        cause = getattr(error, "orig", None) or error
        return f"{type(cause).__name__}: {str(cause).splitlines()[0] if str(cause) else ''}"[:200]
    return None


async def _try_sqlite_write(connection: AsyncConnection, wait_ms: int) -> None:
    # A health probe must answer quickly, whatever the app waits for a lock.
    async with sqlite_waiting(connection, wait_ms):
        await connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            await connection.exec_driver_sql("CREATE TABLE rotnem_write_probe (x)")
        finally:
            await connection.exec_driver_sql("ROLLBACK")


async def insert_ignoring_duplicates(
    session: AsyncSession, model: type[Any], values: dict[str, Any]
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING on either backend; True when a row was written.

    Uniqueness is the database's job: two processes inserting the same key at once get one row,
    which a read-then-write check could not promise.
    """
    dialect = session.get_bind().dialect.name
    insert_fn = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert_fn(model).values(**values).on_conflict_do_nothing()
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]


# Rows per statement for bulk inserts: large enough to amortise a round trip, small enough to keep
# the parameter count far under SQLite's (32,766) and asyncpg's (32,767) limits.
INSERT_CHUNK = 1000


async def insert_many_ignoring_duplicates(
    session: AsyncSession,
    model: type[Any],
    rows: Sequence[dict[str, Any]],
    returning: Sequence[InstrumentedAttribute[Any]],
) -> list[tuple[Any, ...]]:
    """Multi-row INSERT … ON CONFLICT DO NOTHING RETURNING: the rows this call wrote.

    A row whose unique key exists (another tick, another worker, a double click) is skipped by
    the database, not by a read-then-write check, and is not returned. Every row has the keys of
    the first; a column left out takes its scalar default. Returned values are the driver's
    (give integer and text columns).

    The values go to the driver as they are, converted once per distinct value and column (a
    week's rows share a handful of timestamps): SQLAlchemy's executemany converted each of them
    again, and that conversion was a third of the weekly tick.
    """
    if not rows:
        return []
    table = model.__table__
    connection = await session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    defaults = [
        (column.name, column.default.arg)
        for column in table.c
        if column.name not in rows[0] and column.default is not None and column.default.is_scalar
    ]
    columns = [
        _column_values(table.c[name].type, dialect, list(map(itemgetter(name), rows)))
        for name in names
    ]
    for name, value in defaults:
        names.append(name)
        columns.append(_column_values(table.c[name].type, dialect, [value] * len(rows)))
    returned = tuple(column.name for column in returning)
    width = len(names)
    written: list[tuple[Any, ...]] = []
    for start in range(0, len(rows), INSERT_CHUNK):
        count = min(INSERT_CHUNK, len(rows) - start)
        # The parameters row after row: each column's slice laid into every width-th place.
        flat: list[Any] = [None] * (count * width)
        for index, values in enumerate(columns):
            flat[index::width] = values[start : start + count]
        sql = _insert_sql(dialect, table.name, tuple(names), count, returned)
        result = await connection.exec_driver_sql(sql, tuple(flat))
        written.extend(tuple(row) for row in result.all())
    return written


def _column_values(type_: Any, dialect: Dialect, values: list[Any]) -> list[Any]:
    """`values` of one column as the driver takes them (the type's bind processing), converting
    each distinct value once (JSON documents, unhashable, each time)."""
    process = type_._cached_bind_processor(dialect)
    if process is None:
        return values
    if isinstance(type_, JSON):
        # Documents are unhashable: each is serialised; a column of None (no `open_users` for
        # a notice to a channel) is serialised once.
        null = process(None)
        return [null if value is None else process(value) for value in values]
    converted = {value: process(value) for value in set(values)}
    return list(map(converted.__getitem__, values))


@functools.lru_cache(maxsize=256)
def _insert_sql(
    dialect: Dialect, table: str, names: tuple[str, ...], count: int, returning: tuple[str, ...]
) -> str:
    """INSERT of `count` rows of `names` with positional parameters, ignoring duplicates."""
    quote = dialect.identifier_preparer.quote
    width = len(names)
    if dialect.paramstyle == "numeric_dollar":  # asyncpg: $1, $2, …
        marks = [f"${i}" for i in range(1, count * width + 1)]
    else:  # qmark (SQLite)
        marks = ["?"] * (count * width)
    rows = ", ".join(
        f"({', '.join(marks[start : start + width])})" for start in range(0, len(marks), width)
    )
    return (
        f"INSERT INTO {quote(table)} ({', '.join(quote(n) for n in names)}) VALUES {rows} "
        f"ON CONFLICT DO NOTHING RETURNING {', '.join(quote(n) for n in returning)}"
    )


def chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """`items` in slices of `size` (for `IN (…)` lists and bounded batches)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]

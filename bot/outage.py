"""The database going away while a process runs: recognised, said in one line, logged once.

The background half (the dispatcher, the scheduler's jobs) keeps trying while the database is
down. Logging a traceback for every try filled the log (one a second from the dispatcher); an
`Outage` logs one WARNING when the database goes away and one INFO line when it is back.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.clock import Clock

# SQLSTATE codes (or their classes) that say the database is not there for us, rather than that
# a statement was wrong: connection exception, invalid authorization, no such database,
# insufficient resources, operator intervention (shutdown, terminated connection), and a
# database not accepting connections.
_UNAVAILABLE_SQLSTATES = ("08", "28", "3D", "53", "57", "55000")


def is_unavailable(exc: BaseException) -> bool:
    """Whether `exc` means the database cannot be reached or used right now (not a bug)."""
    if isinstance(exc, OSError | TimeoutError | PoolTimeout | OperationalError | InterfaceError):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        state = getattr(exc.orig, "sqlstate", None)
        return isinstance(state, str) and state.startswith(_UNAVAILABLE_SQLSTATES)
    return False


def describe(exc: BaseException) -> str:
    """The failure in one line: the driver's error without SQLAlchemy's wrapping."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0]}" if lines else type(cause).__name__


class Outage:
    """One WARNING when the database goes away, one INFO line when it is back; the failures in
    between at DEBUG."""

    def __init__(self, logger: logging.Logger, who: str, clock: Clock) -> None:
        self._logger = logger
        self._who = who
        self._clock = clock
        self._since: datetime | None = None

    @property
    def ongoing(self) -> bool:
        return self._since is not None

    def failed(self, exc: BaseException, then: str) -> None:
        """Something could not use the database; `then` says what happens next."""
        if self._since is None:
            self._since = self._clock.now()
            self._logger.warning(
                "%s: the database is unavailable (%s); %s", self._who, describe(exc), then
            )
        else:
            self._logger.debug("%s: the database is still unavailable; %s", self._who, then)

    def recovered(self) -> None:
        """Something used the database again."""
        if self._since is None:
            return
        down = (self._clock.now() - self._since).total_seconds()
        self._since = None
        self._logger.info("%s: the database is back (unavailable for %.0fs)", self._who, down)

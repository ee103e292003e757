"""Installations and install states, kept in our database by slack_sdk's async SQLAlchemy stores.

slack_sdk ships async stores on an `AsyncEngine` (slack-sdk ≥ 3.35), so the web process and the
worker share our engine and never block the event loop; the tables come from our migrations
(models/installations.py). Two additions of ours, each small:

- a cache that forgets: slack_sdk's cacheable store keeps a bot until *this* process saves or
  deletes it, but the worker rotates tokens and an uninstall may be handled by another process;
  entries here live `ttl` seconds (Bolt looks a token up on every request: the cache is what keeps
  that under a couple of milliseconds);
- signed states: a state is `<id>.<HMAC(SLACK_STATE_SECRET, id)>`, so a state this server did not
  issue is refused without a database read, and a copied database row is no use without the secret.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_cacheable_installation_store import (
    AsyncCacheableInstallationStore,
)
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy.ext.asyncio import AsyncEngine

from models.installations import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE

T = TypeVar("T")

# How long a looked-up bot token is trusted before the database is asked again.
CACHE_SECONDS = 30.0
# How long someone has between "Add to Slack" and approving the install.
STATE_SECONDS = 10 * 60


class ExpiringInstallationCache(AsyncCacheableInstallationStore):
    """slack_sdk's in-memory cache of bots and installations, each entry kept for a while.

    Every entry expires on its own, after `ttl` seconds shortened by up to a half at random, and
    one lookup per key reads the database while the others wait for it: with many workspaces the
    re-reads spread out instead of arriving together (measured: forgetting 100 workspaces at
    once queued a burst of lookups behind SQLite's one connection and added 175 ms at p99).
    """

    def __init__(
        self,
        store: AsyncInstallationStore,
        *,
        ttl: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(store)
        self._ttl = ttl
        self._clock = clock
        self._expires: dict[str, float] = {}
        self._loading: dict[str, asyncio.Lock] = {}

    def forget(self) -> None:
        """Drop everything cached (the next lookups read the database)."""
        self.cached_bots.clear()
        self.cached_installations.clear()
        self._expires.clear()

    async def _cached(
        self, kind: str, key: str, cache: dict[str, Any], load: Callable[[], Awaitable[T]]
    ) -> T:
        name = f"{kind}:{key}"
        async with self._loading.setdefault(name, asyncio.Lock()):
            now = self._clock()
            if self._expires.get(name, now) <= now:
                cache.pop(key, None)
                self._expires.pop(name, None)
            found = await load()
            if key in cache and name not in self._expires:
                # Spread out, not for secrecy.
                self._expires[name] = now + self._ttl * random.uniform(0.5, 1.0)  # noqa: S311
            return found

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        # The key slack_sdk's cache files the bot under.
        team = "" if is_enterprise_install or team_id is None else team_id
        return await self._cached(
            "bot",
            f"{enterprise_id or ''}-{team}",
            self.cached_bots,
            lambda: super(ExpiringInstallationCache, self).async_find_bot(
                enterprise_id=enterprise_id,
                team_id=team_id,
                is_enterprise_install=is_enterprise_install,
            ),
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        team = "" if is_enterprise_install or team_id is None else team_id
        return await self._cached(
            "installation",
            f"{enterprise_id or ''}-{team}-{user_id or ''}",
            self.cached_installations,
            lambda: super(ExpiringInstallationCache, self).async_find_installation(
                enterprise_id=enterprise_id,
                team_id=team_id,
                user_id=user_id,
                is_enterprise_install=is_enterprise_install,
            ),
        )


class SignedStateStore(AsyncOAuthStateStore):
    """slack_sdk's state store, with each state signed by SLACK_STATE_SECRET."""

    def __init__(self, store: AsyncOAuthStateStore, secret: str) -> None:
        self._store = store
        self._key = secret.encode("utf-8")

    @property
    def logger(self) -> Any:
        return self._store.logger

    def _sign(self, state: str) -> str:
        return hmac.new(self._key, state.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = await self._store.async_issue(*args, **kwargs)
        return f"{state}.{self._sign(state)}"

    async def async_consume(self, state: str) -> bool:
        issued, _, signature = state.rpartition(".")
        if not issued or not hmac.compare_digest(signature, self._sign(issued)):
            return False
        return await self._store.async_consume(issued)


def installation_store(
    engine: AsyncEngine, client_id: str, *, clock: Callable[[], float] = time.monotonic
) -> ExpiringInstallationCache:
    """The installation store every part of a process shares (build one per process)."""
    return ExpiringInstallationCache(
        AsyncSQLAlchemyInstallationStore(
            client_id,
            engine,
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
        ),
        clock=clock,
    )


def state_store(engine: AsyncEngine, secret: str) -> SignedStateStore:
    return SignedStateStore(
        AsyncSQLAlchemyOAuthStateStore(STATE_SECONDS, engine, table_name=OAUTH_STATES_TABLE), secret
    )

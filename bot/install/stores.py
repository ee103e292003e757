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

import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any

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

# How long a looked-up bot token is trusted before the database is asked again.
CACHE_SECONDS = 30.0
# How long someone has between "Add to Slack" and approving the install.
STATE_SECONDS = 10 * 60


class ExpiringInstallationCache(AsyncCacheableInstallationStore):
    """slack_sdk's in-memory cache of bots and installations, emptied every `ttl` seconds."""

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
        self._filled_at = clock()

    def forget(self) -> None:
        """Drop everything cached (the next lookups read the database)."""
        self.cached_bots.clear()
        self.cached_installations.clear()
        self._filled_at = self._clock()

    def _expire(self) -> None:
        if self._clock() - self._filled_at >= self._ttl:
            self.forget()

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        self._expire()
        return await super().async_find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        self._expire()
        return await super().async_find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
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


def installation_store(engine: AsyncEngine, client_id: str) -> ExpiringInstallationCache:
    """The installation store every part of a process shares (build one per process)."""
    return ExpiringInstallationCache(
        AsyncSQLAlchemyInstallationStore(
            client_id,
            engine,
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
        )
    )


def state_store(engine: AsyncEngine, secret: str) -> SignedStateStore:
    return SignedStateStore(
        AsyncSQLAlchemyOAuthStateStore(STATE_SECONDS, engine, table_name=OAUTH_STATES_TABLE), secret
    )

"""The token an outbox row is sent with: the one SLACK_BOT_TOKEN, or its workspace's install.

The dispatcher asks `Tokens.client(row.team_id)` (a program's key: its workspace's token) before
it calls Slack for a row and tells
`Tokens.rejected` when Slack refused the token. Both modes answer the same questions:

- `SingleToken`: SLACK_BOT_TOKEN for every row, as Rotnem always did.
- `InstalledTokens` (installing by OAuth): the bot of the row's data key from the installation
  store — an org key (E…) is an org-wide install, a team key is found with the workspace's Grid
  org, read from the workspaces table. With token rotation on, a bot token lasts 12 hours and
  Bolt refreshes it only while it handles a request, so here a token that is within
  `ROTATION_MARGIN` of expiring is refreshed (slack_sdk's `AsyncTokenRotator`, one refresh at a
  time per installation in a process) and stored before anything is sent with it. Expiry is
  compared with wall time, not the injected clock: tokens expire in real time.

Either way nothing is sent where Rotnem is uninstalled (`Workspace.uninstalled_at`): `NoToken`
tells the dispatcher to put the row back, without spending an attempt, for as long as it says.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Protocol

import aiohttp
from slack_sdk.errors import SlackApiError, SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.config import Settings
from bot.db import SessionMaker
from bot.delivery.outbox import UNINSTALLED, UNINSTALLED_WAIT
from bot.deps import Deps
from bot.install.keys import data_key, is_org_key, workspace_of
from bot.install.stores import CACHE_SECONDS, ExpiringInstallationCache
from bot.services.installs import any_uninstalled, installed, record_install, record_uninstall

# Refreshed this long before it expires: Bolt's default, so the web process and the worker
# refresh in the same window, and a row never meets a token that expires mid-request.
ROTATION_MARGIN_MINUTES = 120
# A token Slack called expired is refreshed whatever its stored expiry says (clocks disagree).
_ANY_EXPIRY_MINUTES = 10**7
TOKEN_EXPIRED = "token_expired"
# Answers that mean the token is gone: the app was uninstalled, or its bot token revoked.
DEAD_TOKEN_ERRORS = frozenset({"token_revoked", "invalid_auth", "account_inactive"})
# A refresh that failed for a reason of the moment (Slack or the network) is tried again then.
REFRESH_RETRY_SECONDS = 30.0


class NoToken(Exception):
    """No token may send this row now: put it back for `retry_in` seconds, attempt refunded."""

    def __init__(self, reason: str, retry_in: float) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_in = retry_in


def uninstalled() -> NoToken:
    return NoToken(UNINSTALLED, UNINSTALLED_WAIT.total_seconds())


class Tokens(Protocol):
    """Where the dispatcher's clients come from (one interface, both modes)."""

    async def client(self, key: str) -> AsyncWebClient:
        """A client whose token may send for data key `key` now; raises `NoToken`."""
        ...

    async def rejected(self, key: str, client: AsyncWebClient, error: str) -> NoToken | None:
        """Slack refused `client`'s token with `error`: how long the row waits (0: retry with a
        fresh token now), or None to treat the answer as any other failure."""
        ...

    async def resume_reinstalled(self) -> int:
        """When the dispatcher starts: resume a workspace its token shows was installed again
        since it was uninstalled; how many waiting rows became due."""
        ...


def dispatch_client(
    settings: Settings, http: aiohttp.ClientSession, token: str | None
) -> AsyncWebClient:
    """A Web API client that leaves every retry to the dispatcher.

    bot/slack.py's client retries 429s by sleeping Retry-After and retries 5xx and dropped
    connections at once. Here neither is wanted: a 429 must release the row (not sleep inside its
    lease), and a post that failed ambiguously must be looked for before it is sent again, so
    `retry_handlers=[]`. All clients share one aiohttp session, which keeps connections alive
    across thousands of posts.
    """
    return AsyncWebClient(
        token=token, base_url=settings.slack_api_url, session=http, retry_handlers=[]
    )


class Workspaces:
    """Whether Rotnem is installed for a data key, and a workspace's Grid org.

    Installed keys are cached for `ttl` seconds (they change only on install and uninstall); an
    uninstalled one is read again each time it comes up, so a reinstall counts at once (its rows
    come up only once a day, so that costs nothing).
    """

    def __init__(
        self,
        sessionmaker: SessionMaker,
        *,
        ttl: float = CACHE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._ttl = ttl
        self._monotonic = monotonic
        self._known: dict[str, tuple[float, str | None]] = {}

    async def enterprise_of(self, key: str) -> str | None:
        """The key's Grid org (None outside Grid); raises `NoToken` when it is uninstalled."""
        key = workspace_of(key)
        cached = self._known.get(key)
        if cached is not None and self._monotonic() - cached[0] < self._ttl:
            return cached[1]
        async with self._sessionmaker() as session:
            found = await installed(session, key)
        if found.uninstalled:
            self._known.pop(key, None)
            raise uninstalled()
        self._known[key] = (self._monotonic(), found.enterprise_id)
        return found.enterprise_id

    def forget(self, key: str) -> None:
        self._known.pop(workspace_of(key), None)


class SingleToken:
    """SLACK_BOT_TOKEN for every row.

    A workspace marked uninstalled is sent nothing. Reinstalling means a new SLACK_BOT_TOKEN and
    a restart, so a dispatcher that starts while a workspace is marked uninstalled asks its
    token who it is (auth.test): if it answers for that workspace, Rotnem is installed there
    again and its waiting rows are due at once.
    """

    def __init__(self, client: AsyncWebClient, sessionmaker: SessionMaker, clock: Clock) -> None:
        self._client = client
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._workspaces = Workspaces(sessionmaker)

    async def client(self, key: str) -> AsyncWebClient:
        await self._workspaces.enterprise_of(key)
        return self._client

    async def resume_reinstalled(self) -> int:
        async with self._sessionmaker() as session:
            if not await any_uninstalled(session):
                return 0  # the usual start: not a single Slack call
        try:
            auth = await self._client.auth_test()
        except (SlackApiError, aiohttp.ClientError, TimeoutError, OSError):
            return 0  # still revoked (or Slack unreachable): the rows keep waiting
        key = data_key(
            auth.get("team_id"), auth.get("enterprise_id"), bool(auth.get("is_enterprise_install"))
        )
        async with self._sessionmaker.begin() as session:
            if not (await installed(session, key)).uninstalled:
                return 0
            return await record_install(session, key, auth.get("enterprise_id"), self._clock.now())

    async def rejected(self, key: str, client: AsyncWebClient, error: str) -> NoToken | None:
        if error in DEAD_TOKEN_ERRORS:
            # Perhaps the uninstall was recorded since this key was cached: then the row waits.
            self._workspaces.forget(key)
            try:
                await self._workspaces.enterprise_of(key)
            except NoToken as waiting:
                return waiting
        return None


class InstalledTokens:
    """Each data key's bot token from the installation store, refreshed before it expires."""

    def __init__(
        self,
        *,
        store: ExpiringInstallationCache,
        settings: Settings,
        sessionmaker: SessionMaker,
        clock: Clock,
        http: aiohttp.ClientSession,
        margin_minutes: int = ROTATION_MARGIN_MINUTES,
    ) -> None:
        assert settings.slack_client_id and settings.slack_client_secret, "installs by OAuth"
        self._store = store
        self._settings = settings
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._http = http
        self._margin_minutes = margin_minutes
        self._rotator = AsyncTokenRotator(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            client=dispatch_client(settings, http, None),
        )
        self._workspaces = Workspaces(sessionmaker)
        self._locks: dict[str, asyncio.Lock] = {}
        self._clients: dict[str, AsyncWebClient] = {}

    async def client(self, key: str) -> AsyncWebClient:
        key = workspace_of(key)  # every program of a workspace sends with its token
        bot = await self._bot(key)
        if self._expiring(bot, self._margin_minutes):
            bot = await self._refresh(key, stale=bot.bot_token, minutes=self._margin_minutes)
        return self._client_for(key, str(bot.bot_token))

    async def rejected(self, key: str, client: AsyncWebClient, error: str) -> NoToken | None:
        key = workspace_of(key)
        if error == TOKEN_EXPIRED:
            await self._refresh(key, stale=client.token, minutes=_ANY_EXPIRY_MINUTES)
            return NoToken(f"{TOKEN_EXPIRED}: refreshed", 0.0)
        if error not in DEAD_TOKEN_ERRORS:
            return None
        # The cache may have held a token a reinstall has replaced since: look again.
        self._store.forget()
        self._workspaces.forget(key)
        bot = await self._bot(key)
        if bot.bot_token != client.token:
            return NoToken(f"{error}: a newer token is installed", 0.0)
        return await self._uninstalled(key)

    async def resume_reinstalled(self) -> int:
        return 0  # a reinstall by OAuth resumes its workspace in the install callback

    async def _uninstalled(self, key: str) -> NoToken:
        """Slack says the installation for `key` is gone: recorded, so nothing more is tried
        there (by any process) until it is installed again."""
        async with self._sessionmaker.begin() as session:
            await record_uninstall(session, key, self._clock.now())
        self._workspaces.forget(key)
        return uninstalled()

    def _client_for(self, key: str, token: str) -> AsyncWebClient:
        # One client per key, replaced when its token is (rotation, reinstall).
        client = self._clients.get(key)
        if client is None or client.token != token:
            client = self._clients[key] = dispatch_client(self._settings, self._http, token)
        return client

    async def _bot(self, key: str) -> Bot:
        """The key's installed bot; `NoToken` when there is none (or it was uninstalled)."""
        enterprise_id = await self._workspaces.enterprise_of(key)
        if is_org_key(key):
            bot = await self._store.async_find_bot(
                enterprise_id=key, team_id=None, is_enterprise_install=True
            )
        else:
            bot = await self._store.async_find_bot(
                enterprise_id=enterprise_id, team_id=key, is_enterprise_install=False
            )
        if bot is None or not bot.bot_token:
            raise uninstalled()
        return bot

    @staticmethod
    def _expiring(bot: Bot, minutes: int) -> bool:
        expires_at = bot.bot_token_expires_at
        return expires_at is not None and expires_at <= time.time() + minutes * 60

    async def _refresh(self, key: str, *, stale: str | None, minutes: int) -> Bot:
        """A fresh token for `key` in place of `stale`, stored; one refresh at a time per key."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            bot = await self._bot(key)
            if bot.bot_token != stale and not self._expiring(bot, self._margin_minutes):
                return bot  # refreshed meanwhile (here, or by another process)
            try:
                fresh = await self._rotator.perform_bot_token_rotation(
                    bot=bot, minutes_before_expiration=minutes
                )
            except SlackTokenRotationError as exc:
                code = str(exc.api_error.response.get("error") or "")
                if code in DEAD_TOKEN_ERRORS or code == "invalid_refresh_token":
                    raise await self._uninstalled(key) from exc
                raise NoToken(f"token refresh failed: {code}", REFRESH_RETRY_SECONDS) from exc
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                reason = f"token refresh failed: {type(exc).__name__}"
                raise NoToken(reason, REFRESH_RETRY_SECONDS) from exc
            if fresh is None:
                return bot  # a token without expiry: nothing to refresh
            await self._save(key, bot, fresh)
            return fresh

    async def _save(self, key: str, old: Bot, fresh: Bot) -> None:
        """Store the new pair in the bot row, and in the installation row when it carries the
        old one (Bolt reads the installation first: it must not refresh a stale pair again)."""
        org = is_org_key(key)
        current = await self._store.async_find_installation(
            enterprise_id=old.enterprise_id,
            team_id=None if org else old.team_id,
            is_enterprise_install=org,
        )
        if current is None or current.bot_token != old.bot_token:
            await self._store.async_save_bot(fresh)
            return
        updated = Installation(**current.to_dict_for_copying())
        updated.bot_token = fresh.bot_token
        updated.bot_refresh_token = fresh.bot_refresh_token
        updated.bot_token_expires_at = fresh.bot_token_expires_at
        await self._store.async_save(updated)


def dispatch_tokens(deps: Deps, http: aiohttp.ClientSession) -> Tokens:
    """The tokens of a process's dispatcher, in the mode its settings choose."""
    if deps.installations is None:
        token = deps.settings.slack_bot_token
        client = dispatch_client(deps.settings, http, token.get_secret_value() if token else None)
        return SingleToken(client, deps.sessionmaker, deps.clock)
    return InstalledTokens(
        store=deps.installations,
        settings=deps.settings,
        sessionmaker=deps.sessionmaker,
        clock=deps.clock,
        http=http,
    )

"""Installing by OAuth through Bolt: the install flow, how a request finds its token, the pages.

`rotnem serve` with SLACK_CLIENT_ID / SLACK_CLIENT_SECRET / SLACK_STATE_SECRET serves Slack's
OAuth v2 flow at /slack/install and /slack/oauth_redirect (Bolt's flow, our pages — in the
language the browser asks for), keeps installations and states in our database
(bot/install/stores.py), and answers each request with the token of its team's installation — or,
for an org-wide install, its org's.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bot.deps import Deps
from bot.i18n import speaking
from bot.install import pages
from bot.install.keys import data_key
from bot.install.stores import STATE_SECONDS, state_store
from bot.services.installs import record_install

logger = logging.getLogger(__name__)

# The bot scopes an install asks for: exactly manifest.yml's (a test holds them equal), each
# explained there.
BOT_SCOPES: Final = (
    "commands",
    "chat:write",
    "users:read",
    "im:write",
    "mpim:write",
    "channels:read",
    "groups:read",
    "files:write",
    "users.profile:read",
)
# With token rotation on, a request refreshes its installation's token when it has less than
# this left (Slack's tokens last 12 hours; Bolt's default margin).
ROTATE_BEFORE_MINUTES: Final = 120

NOT_INSTALLED: Final = (
    "Rotnem is not installed in this workspace yet, so nothing was done. "
    "Ask a Slack admin to install it (the install page is /slack/install on Rotnem's server)."
)


@dataclass(frozen=True)
class OAuth:
    """What AsyncApp is built with to install by OAuth."""

    flow: AsyncOAuthFlow
    authorize: AsyncInstallationStoreAuthorize
    # What a person is told when their workspace has no installation.
    not_installed: str = NOT_INSTALLED


def build_oauth(deps: Deps, client: AsyncWebClient) -> OAuth:
    """The install flow and the per-request token lookup, over the process's one store.

    The lookup is Bolt's, with `bot_only` (we keep no user tokens) and its cache of auth.test
    answers on: together with the store's cache, a request costs neither a database read nor a
    call to Slack once its workspace has been seen (see benchmarks/ack_latency.py).
    """
    settings = deps.settings
    store = deps.installations
    assert store is not None and settings.slack_client_id
    assert settings.slack_client_secret and settings.slack_state_secret
    secret = settings.slack_client_secret.get_secret_value()
    callbacks = _Callbacks(deps)
    oauth_settings = AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        install_path=pages.INSTALL_PATH,
        redirect_uri_path=pages.REDIRECT_PATH,
        callback_options=AsyncCallbackOptions(success=callbacks.success, failure=callbacks.failure),
        installation_store=store,
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        state_store=state_store(deps.engine, settings.slack_state_secret.get_secret_value()),
        state_expiration_seconds=STATE_SECONDS,
        logger=logger,
    )
    authorize = AsyncInstallationStoreAuthorize(
        logger=logger,
        installation_store=store,
        client_id=settings.slack_client_id,
        client_secret=secret,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        bot_only=True,
        cache_enabled=True,
        # Token refreshes go to SLACK_API_URL too (Bolt's own client would go to slack.com).
        client=client,
    )
    return OAuth(_InstallFlow(client=client, logger=logger, settings=oauth_settings), authorize)


class _InstallFlow(AsyncOAuthFlow):
    """Bolt's flow with Rotnem's own "Add to Slack" page."""

    async def build_install_page_html(self, url: str, request: AsyncBoltRequest) -> str:
        with speaking(_browser_language(request)):
            return pages.add_to_slack(url)


def _browser_language(request: AsyncBoltRequest) -> str:
    """The language a page is written in: the browser's Accept-Language, negotiated."""
    return pages.language_of_browser(",".join(request.headers.get("accept-language", [])))


class _Callbacks:
    """What the redirect URL answers: the install recorded and a page saying where, or a page
    saying why nothing was installed (one log line, never a traceback)."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    def _response(
        self, status: int, body: str, args: AsyncSuccessArgs | AsyncFailureArgs
    ) -> BoltResponse:
        # The state cookie has served its purpose either way.
        cookie = args.settings.state_utils.build_set_cookie_for_deletion()
        return BoltResponse(
            status=status, body=body, headers={**pages.HEADERS, "Set-Cookie": [cookie]}
        )

    async def success(self, args: AsyncSuccessArgs) -> BoltResponse:
        installation = args.installation
        org_wide = bool(installation.is_enterprise_install)
        key = data_key(installation.team_id, installation.enterprise_id, org_wide)
        async with self._deps.sessionmaker.begin() as session:
            await record_install(session, key, installation.enterprise_id, self._deps.clock.now())
        where = (installation.enterprise_name if org_wide else installation.team_name) or key
        logger.info("Rotnem was installed in %s (%s)", key, "org-wide" if org_wide else "workspace")
        with speaking(_browser_language(args.request)):
            page = pages.installed(
                where,
                _open_url(installation),
                self._deps.settings.rotnem_command,
                org_wide=org_wide,
            )
        return self._response(200, page, args)

    async def failure(self, args: AsyncFailureArgs) -> BoltResponse:
        failure = pages.failure_of(args.reason)
        logger.info("An install did not complete: %s (HTTP %d)", args.reason, failure.status)
        with speaking(_browser_language(args.request)):
            page = pages.failed(failure)
        return self._response(failure.status, page, args)


def _open_url(installation: Installation) -> str:
    """Where to go next: an org's page for choosing its workspaces, or the app in Slack."""
    app = installation.app_id or ""
    if installation.is_enterprise_install and installation.enterprise_url:
        return f"{installation.enterprise_url}manage/organization/apps/profile/{app}/workspaces/add"
    return f"https://slack.com/app_redirect?app={app}&team={installation.team_id or ''}"


def install_endpoint(bolt: AsyncApp) -> Callable[[Request], Awaitable[Response]]:
    """GET /slack/install and /slack/oauth_redirect, through Bolt's Starlette adapter.

    Bolt answers every refusal itself (through `_Callbacks.failure`); what is left is Slack or
    the database not answering mid-install, which is a page too: nothing was installed.
    """
    adapter = AsyncSlackRequestHandler(bolt)

    async def endpoint(request: Request) -> Response:
        try:
            return await adapter.handle(request)
        except (SQLAlchemyError, OSError) as error:
            logger.warning("An install could not be completed: %s", type(error).__name__)
            failure = pages.failure_of("storage_error")
            with speaking(pages.language_of_browser(request.headers.get("accept-language"))):
                page = pages.failed(failure)
            return HTMLResponse(page, status_code=failure.status, headers=pages.HEADERS)

    return endpoint

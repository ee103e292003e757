"""The Slack Web API client: our base URL and slack-sdk's own retry handlers; and the one
question Rotnem asks Slack about someone it does not know, their language."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings

logger = logging.getLogger(__name__)

# A request waits this long at most for Slack to say what someone reads; then the program's.
LOCALE_WITHIN = 1.0


def create_client(settings: Settings, *, timeout: int = 30) -> AsyncWebClient:
    """An AsyncWebClient that honours Retry-After on 429 and retries 5xx and dropped connections."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


@asynccontextmanager
async def kept_alive(client: AsyncWebClient) -> AsyncIterator[None]:
    """One aiohttp session for `client` and the per-request clients Bolt copies from it, for
    the length of the block. Without one, slack_sdk opens a session, and so a new connection
    to Slack (TLS included), for every call."""
    timeout = aiohttp.ClientTimeout(total=client.timeout)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        client.session = session
        try:
            yield
        finally:
            client.session = None


async def slack_locale(client: AsyncWebClient, user_id: str) -> str | None:
    """What Slack says `user_id` reads ("fr-FR": users.info with include_locale), or None when
    Slack does not say so in time."""
    try:
        async with asyncio.timeout(LOCALE_WITHIN):
            response = await client.users_info(user=user_id, include_locale=True)
    except (SlackApiError, SlackClientError, TimeoutError, OSError) as exc:
        logger.warning("Could not read %s's language from Slack: %s", user_id, type(exc).__name__)
        return None
    user = response.get("user")
    locale = user.get("locale") if isinstance(user, dict) else None
    return str(locale)[:16] if locale else None

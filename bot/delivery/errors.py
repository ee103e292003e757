"""What a failed Slack call means for an outbox row: wait, retry, or give up.

    Failure
     ├── kind="rate_limited"  HTTP 429 (or `ratelimited`): nothing was posted; come back after
     │                         Retry-After, and do not count it as an attempt.
     ├── kind="transient"     5xx, timeouts, dropped connections, Slack-side hiccups: back off and
     │                         retry, up to the attempt limit. `maybe_delivered` says whether Slack
     │                         may have acted before the failure (then look before re-posting).
     └── kind="permanent"     the request itself can never succeed (`user_not_found`,
                               `channel_not_found`, `invalid_blocks`, ...): mark the row failed.

Unknown error codes are treated as transient: a few retries cost little, and the attempt limit
still ends them as failed with the code kept, whereas calling an unknown code permanent could
drop a message over a hiccup Slack has not documented.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal

import aiohttp
from slack_sdk.errors import SlackApiError

FailureKind = Literal["rate_limited", "transient", "permanent"]

# Errors of a request that will fail the same way however often it is sent.
PERMANENT_ERRORS: frozenset[str] = frozenset(
    {
        # The person or conversation is gone or unreachable.
        "user_not_found",
        "users_not_found",
        "user_disabled",
        "account_inactive",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "cannot_dm_bot",
        "user_is_restricted",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "ekm_access_denied",
        "too_many_users",
        "not_enough_users",
        "users_list_not_supplied",
        # The message itself is malformed.
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_attachments",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "msg_too_long",
        "msg_blocks_too_long",
        "markdown_text_conflict",
        "no_text",
        "too_many_attachments",
        "invalid_arguments",
        "thread_not_found",
        "duplicate_channel_not_found",
        "as_user_not_supported",
    }
)

# Errors that are Slack's momentary trouble, not ours.
TRANSIENT_ERRORS: frozenset[str] = frozenset(
    {"fatal_error", "internal_error", "service_unavailable", "request_timeout", "team_added_to_org"}
)

# Answers to conversations.history meaning "this token may not read that conversation": the
# dispatcher then posts without checking (see the crash window in bot/delivery/dispatcher.py).
CANNOT_READ_HISTORY: frozenset[str] = frozenset(
    {
        "missing_scope",
        "not_allowed_token_type",
        "not_in_channel",
        "channel_not_found",
        "access_denied",
        "no_permission",
        "method_deprecated",
        "unknown_method",
    }
)

DEFAULT_RETRY_AFTER = 1.0


@dataclass(frozen=True)
class Failure:
    """A classified failure; `error` is what the row's `last_error` keeps."""

    kind: FailureKind
    error: str
    retry_after: float | None = None
    maybe_delivered: bool = False

    @property
    def code(self) -> str:
        """The bare Slack error code (or exception name) without the explanation."""
        return self.error.split(":", 1)[0]


def _retry_after(error: SlackApiError) -> float:
    headers = getattr(error.response, "headers", None) or {}
    raw = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return max(0.0, float(raw)) if raw is not None else DEFAULT_RETRY_AFTER
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER


def slack_error_code(error: SlackApiError) -> str:
    """The `error` field of Slack's answer, or a description when there is none."""
    data = getattr(error.response, "data", None)
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return str(data["error"])
    return f"http_{getattr(error.response, 'status_code', 'error')}"


def classify(exc: BaseException) -> Failure:
    """Decide what a failed Web API call means for the row that made it."""
    if isinstance(exc, SlackApiError):
        status = int(getattr(exc.response, "status_code", 200) or 200)
        code = slack_error_code(exc)
        if status == 429 or code in {"ratelimited", "rate_limited"}:
            return Failure("rate_limited", code, retry_after=_retry_after(exc))
        if status >= 500:
            # Slack may have done the work before failing to answer.
            return Failure("transient", f"{code}: HTTP {status}", maybe_delivered=True)
        if code in PERMANENT_ERRORS:
            return Failure("permanent", code)
        if code in TRANSIENT_ERRORS:
            return Failure("transient", code, maybe_delivered=True)
        return Failure("transient", f"{code}: not a known Slack error, retrying")
    if isinstance(exc, aiohttp.ClientConnectorError):
        # The connection never opened, so the request was never sent.
        return Failure("transient", f"connection failed: {exc}")
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return Failure("transient", "timeout waiting for Slack", maybe_delivered=True)
    if isinstance(exc, aiohttp.ClientError | OSError):
        return Failure("transient", f"{type(exc).__name__}: {exc}", maybe_delivered=True)
    raise TypeError(f"not a Slack call failure: {exc!r}") from exc

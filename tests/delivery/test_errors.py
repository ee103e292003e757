"""The classification of Slack failures, without a network."""

from __future__ import annotations

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.delivery.errors import classify


def api_error(
    status: int, body: dict[str, object], headers: dict[str, str] | None = None
) -> SlackApiError:
    response = AsyncSlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data=body,
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError("failed", response)  # type: ignore[no-untyped-call]


@pytest.mark.parametrize(
    ("exc", "kind", "maybe_delivered"),
    [
        (
            api_error(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"}),
            "rate_limited",
            False,
        ),
        (api_error(500, {"ok": False, "error": "fatal_error"}), "transient", True),
        (api_error(503, {}), "transient", True),
        (api_error(200, {"ok": False, "error": "user_not_found"}), "permanent", False),
        (api_error(200, {"ok": False, "error": "is_archived"}), "permanent", False),
        (api_error(200, {"ok": False, "error": "cannot_dm_bot"}), "permanent", False),
        (api_error(200, {"ok": False, "error": "invalid_blocks"}), "permanent", False),
        (api_error(200, {"ok": False, "error": "internal_error"}), "transient", True),
        (api_error(200, {"ok": False, "error": "something_new"}), "transient", False),
        (TimeoutError(), "transient", True),
        (aiohttp.ServerDisconnectedError(), "transient", True),
        (ConnectionResetError(), "transient", True),
    ],
)
def test_classification(exc: BaseException, kind: str, maybe_delivered: bool) -> None:
    failure = classify(exc)
    assert failure.kind == kind
    assert failure.maybe_delivered is maybe_delivered


def test_retry_after_is_read_from_the_header() -> None:
    failure = classify(api_error(429, {"ok": False, "error": "ratelimited"}, {"retry-after": "7"}))
    assert failure.retry_after == 7.0
    assert failure.code == "ratelimited"


def test_a_connection_that_never_opened_was_not_delivered() -> None:
    key = aiohttp.client_reqrep.ConnectionKey("slack.com", 443, True, True, None, None, None)
    failure = classify(aiohttp.ClientConnectorError(key, OSError(111, "refused")))
    assert failure.kind == "transient"
    assert not failure.maybe_delivered

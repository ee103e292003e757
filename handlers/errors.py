"""The one error handler: full traceback in the log, a short apology with a reference in Slack."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse

from bot.blocks.errors import apology

logger = logging.getLogger(__name__)


def register(app: AsyncApp) -> None:
    @app.error
    async def on_error(
        error: Exception,
        body: dict[str, Any],
        respond: AsyncRespond | None,
        response: BoltResponse | None,
    ) -> BoltResponse | None:
        reference = secrets.token_hex(4).upper()
        logger.error("Unhandled error (reference %s)", reference, exc_info=error)
        message = apology(reference)
        if response is not None:
            # Not acknowledged yet: the apology is the answer, so Slack shows it instead of a 500.
            if body.get("type") == "event_callback":
                # A 503 makes Slack deliver the event again later, when we may have recovered.
                return BoltResponse(status=503, body="temporarily unavailable")
            if body.get("type") == "view_submission":
                return BoltResponse(status=200, body={"response_action": "clear"})
            return BoltResponse(
                status=200, body={"response_type": "ephemeral", **message.to_dict()}
            )
        if respond is not None and body.get("response_url"):
            await respond(response_type="ephemeral", replace_original=False, **message.to_dict())
        return None

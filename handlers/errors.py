"""The last resort for errors outside a listener (a middleware, Bolt itself): full traceback in
the log, a short apology with a reference in Slack. Listeners answer their own failures
(`handlers.kit.answer_in_time`)."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks.errors import apology, notice_modal

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
        if (
            response is not None
            and body.get("type") == "event_callback"
            and isinstance(error, SQLAlchemyError)
        ):
            # An event whose claim could not be written: Slack delivers it again after the 503.
            # Expected while the database is down or overloaded, so one line, not a traceback.
            logger.warning(
                "Event %s not recorded, answered 503 for a retry: %s",
                body.get("event_id"),
                type(getattr(error, "orig", None) or error).__name__,
            )
            return BoltResponse(status=503, body="temporarily unavailable")
        logger.error("Unhandled error (reference %s)", reference, exc_info=error)
        message = apology(reference)
        can_respond = respond is not None and bool(body.get("response_url"))
        if response is not None:
            # Not acknowledged yet: the apology is the answer, so Slack shows it instead of a 500.
            if body.get("type") == "event_callback":
                # A 503 makes Slack deliver the event again later, when we may have recovered.
                return BoltResponse(status=503, body="temporarily unavailable")
            if body.get("type") == "view_submission":
                return BoltResponse(status=200, body=_keep_modal_open(body, message.text))
            if body.get("type") != "block_actions" or not can_respond:
                return BoltResponse(
                    status=200, body={"response_type": "ephemeral", **message.to_dict()}
                )
        if respond is not None and can_respond:
            # After the ack (or for a click, whose ack shows nothing): below the message.
            await respond(response_type="ephemeral", replace_original=False, **message.to_dict())
        return None if response is None else BoltResponse(status=200, body="")


def _keep_modal_open(body: dict[str, Any], text: str) -> dict[str, Any]:
    """The modal stays open with the apology: under its first input (what was typed stays),
    or in place of the modal when it has none; never closed as if it had been saved."""
    view = body.get("view")
    blocks = view.get("blocks") if isinstance(view, dict) else None
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return {"response_action": "errors", "errors": {str(block["block_id"]): text}}
    return {"response_action": "update", "view": notice_modal(text).to_dict()}

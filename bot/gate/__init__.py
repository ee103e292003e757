"""The gate in front of Bolt: every HTTP request to `/slack/events` passes it, in this order.

1. Size: a body over `BODY_LIMIT` gets 413 before it is read — at once from `Content-Length`,
   while streaming when there is none (chunked) — so junk costs neither memory nor time.
2. Signature headers (`bot.gate.signature`): a missing, odd or stale timestamp or signature is a
   401 before the body is read.
3. The body, read up to the limit, must carry that signature: 401 otherwise.
4. Shape (`bot.gate.shape`): parsed once, bounded, and checked against the requests the app is
   configured for; 415 or 400 otherwise, never a 500.

Each refusal is one log line: status, reason, size and client address, never the body. Bolt
only ever sees verified, well-formed requests (its own signature check is off: it would parse
first and log whole bodies on failure), so nothing it logs carries a body either. Socket Mode
requests do not come over HTTP and do not pass here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from slack_bolt.adapter.starlette.async_handler import to_starlette_response
from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from bot.gate.shape import JSON, Malformed, UnsupportedMediaType, check
from bot.gate.signature import BadSignature, Signatures

logger = logging.getLogger(__name__)

# The largest request Slack can send us is a click in a Home tab or modal of 100 blocks (Slack's
# limit), each at most ~3,000 characters: some 300 KB of JSON, at most twice that url-encoded.
# 1 MiB leaves room for that and refuses anything bigger before it costs memory.
BODY_LIMIT = 1024 * 1024


class Rejected(Exception):
    """A request refused at the gate: the status, why (for the log line only), and its size."""

    def __init__(self, status: int, reason: str, size: str) -> None:
        super().__init__(status, reason)
        self.status = status
        self.reason = reason
        self.size = size

    def response(self) -> Response:
        if self.status == 401:
            # Bolt's own answer to a bad signature, so clients see no change.
            return JSONResponse({"error": "invalid request"}, status_code=401)
        if self.status == 413:
            return PlainTextResponse(f"request {self.reason}", status_code=413)
        return PlainTextResponse(f"malformed request: {self.reason}", status_code=self.status)


class Gate:
    """The `/slack/events` endpoint: admit a request (or refuse it), then hand it to Bolt."""

    def __init__(self, bolt: AsyncApp, signing_secret: str) -> None:
        self._bolt = bolt
        self._signatures = Signatures(signing_secret)

    async def handle(self, request: Request) -> Response:
        try:
            admitted = await self._admit(request)
        except Rejected as rejection:
            client = f"{request.client.host}:{request.client.port}" if request.client else "?"
            logger.warning(
                "Refused a Slack request with %d: %s (%s, from %s)",
                rejection.status,
                rejection.reason,
                rejection.size,
                client,
            )
            return rejection.response()
        return to_starlette_response(await self._bolt.async_dispatch(admitted))

    async def _admit(self, request: Request) -> AsyncBoltRequest:
        declared = request.headers.get("content-length", "")
        size = f"{declared} bytes declared" if declared else "no length declared"
        if declared and (not declared.isascii() or not declared.isdigit() or len(declared) > 12):
            raise Rejected(400, "Content-Length is not a number", size)
        if declared and int(declared) > BODY_LIMIT:
            raise Rejected(413, f"body over {BODY_LIMIT} bytes", size)
        try:
            signed = self._signatures.headers(request.headers)
        except BadSignature as bad:
            raise Rejected(401, str(bad), size) from None
        raw = await self._read(request, size)
        size = f"{len(raw)} bytes"
        try:
            self._signatures.verify(signed, raw)
        except BadSignature as bad:
            raise Rejected(401, str(bad), size) from None
        try:
            return _bolt_request(request, check(raw, request.headers.get("content-type")))
        except UnsupportedMediaType as unsupported:
            raise Rejected(415, str(unsupported), size) from None
        except Malformed as malformed:
            raise Rejected(400, str(malformed), size) from None
        except (TypeError, KeyError, AttributeError, IndexError):
            # Building its request, Bolt reads IDs out of nested fields our listeners never read
            # (`message.user`, `event.item.channel`, …): one of the wrong type is malformed too.
            raise Rejected(400, "a field Bolt reads has the wrong type", size) from None

    async def _read(self, request: Request, size: str) -> bytes:
        """The body, refused as soon as it passes the limit, whatever `Content-Length` said."""
        body = bytearray()
        try:
            async for chunk in request.stream():
                body += chunk
                if len(body) > BODY_LIMIT:
                    raise Rejected(413, f"body over {BODY_LIMIT} bytes", f"over {BODY_LIMIT} bytes")
        except ClientDisconnect:
            raise Rejected(400, "client left before the body ended", size) from None
        return bytes(body)


def _bolt_request(request: Request, body: dict[str, Any]) -> AsyncBoltRequest:
    """The checked body, as JSON: Bolt parses exactly what the gate checked.

    Handing Bolt the raw form instead would let its own parser guess again — and it guesses
    wrong for a slash command with "payload" anywhere in it (in the text, a channel or workspace
    name), which it parses as an empty body.
    """
    headers: dict[str, str | Sequence[str]] = {**request.headers, "content-type": JSON}
    return AsyncBoltRequest(body=json.dumps(body), headers=headers)

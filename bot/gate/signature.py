"""Slack's request signature, checked on the raw bytes before anything is parsed or decoded.

Slack signs `v0:{timestamp}:{raw body}` with HMAC-SHA256 under the app's signing secret and sends
`X-Slack-Request-Timestamp` (Unix seconds) and `X-Slack-Signature` (`v0=` + 64 hex digits);
requests more than five minutes from our clock are replays. The headers are checked first, so
an unsigned request is refused before its body is read.

The HMAC is computed here with the standard library rather than by slack_sdk's
`SignatureVerifier`, which decodes the body as UTF-8 and calls `int()` on the timestamp first:
both raise on what anyone can send.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# Slack's documented replay window, either side of our clock.
WINDOW_SECONDS = 300

_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
# Unix seconds: ASCII digits only ("²".isdigit() is True), and few enough for int() to be cheap.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


class BadSignature(ValueError):
    """Why a request is not Slack's (for the log; the client only learns 401)."""


@dataclass(frozen=True)
class Signed:
    """The two headers of a request that may be Slack's, known to be well-formed."""

    timestamp: str
    signature: str


class Signatures:
    """Checks requests against one signing secret and the wall clock (`now`, Unix seconds)."""

    def __init__(self, secret: str, now: Callable[[], float] = time.time) -> None:
        self._secret = secret.encode()
        self._now = now

    def headers(self, headers: Mapping[str, str]) -> Signed:
        """The signature headers, if well-formed and in the window; raises `BadSignature`."""
        timestamp = headers.get("x-slack-request-timestamp")
        signature = headers.get("x-slack-signature")
        if not timestamp:
            raise BadSignature("no timestamp")
        if not _TIMESTAMP.fullmatch(timestamp):
            raise BadSignature("timestamp is not Unix seconds")
        skew = self._now() - int(timestamp)
        if abs(skew) > WINDOW_SECONDS:
            raise BadSignature(f"timestamp {skew:+.0f} s from our clock")
        if not signature:
            raise BadSignature("no signature")
        if not _SIGNATURE.fullmatch(signature):
            raise BadSignature("signature is not v0=<hex>")
        return Signed(timestamp, signature)

    def verify(self, signed: Signed, body: bytes) -> None:
        """Raises `BadSignature` unless `signed` is the HMAC of exactly these bytes."""
        base = b"v0:" + signed.timestamp.encode() + b":" + body
        expected = "v0=" + hmac.new(self._secret, base, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signed.signature):
            raise BadSignature("signature does not match")

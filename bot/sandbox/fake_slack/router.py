"""One request's way through the fake: by path to the Web API, an upload or a response_url; for
the Web API, injected faults, then rate limits, then the token, then the method; then recorded."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterable, Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from bot.sandbox.fake_slack.calls import CallLog
from bot.sandbox.fake_slack.faults import Faults
from bot.sandbox.fake_slack.methods import METHODS
from bot.sandbox.fake_slack.methods.files import UPLOAD_PATH, receive_upload
from bot.sandbox.fake_slack.methods.response_urls import RESPONSE_PATH, receive_response
from bot.sandbox.fake_slack.state import State
from bot.sandbox.fake_slack.wire import JSON, Reply, SlackError, parse_args

API_PATH: Final = "/api/"
# Methods the app calls with its client ID and secret instead of a token.
APP_CREDENTIAL_METHODS: Final = frozenset({"oauth.v2.access"})
# Uploads and response_url posts are recorded under these pseudo-methods.
UPLOAD_METHOD: Final = "upload_url"
RESPONSE_URL_METHOD: Final = "response_url"


class Router:
    def __init__(self, state: State, *, faults: Faults, log: CallLog, scopes: str) -> None:
        self.state = state
        self.faults = faults
        self.log = log
        self.scopes = scopes

    def __call__(
        self, http_method: str, raw_path: str, raw_headers: Iterable[tuple[str, str]], body: bytes
    ) -> Reply | None:
        headers = {name.lower(): value for name, value in raw_headers}
        url = urlsplit(raw_path)
        path = url.path
        if path.startswith(API_PATH):
            args = parse_args(url.query, headers, body)
            return self._api(path[len(API_PATH) :], http_method, headers, args)
        if http_method == "POST" and path.startswith(UPLOAD_PATH):
            reply, args = receive_upload(self.state, path[len(UPLOAD_PATH) :], headers, body)
            self.log.record(UPLOAD_METHOD, http_method, headers, args, reply.status, None)
            return reply
        if http_method == "POST" and path.startswith(RESPONSE_PATH):
            reply, args = receive_response(self.state, path[len(RESPONSE_PATH) :], body)
            answer = reply.json_body
            self.log.record(RESPONSE_URL_METHOD, http_method, headers, args, reply.status, answer)
            return reply
        return Reply.text(404, "not found")

    def _api(
        self, method: str, http_method: str, headers: dict[str, str], args: dict[str, Any]
    ) -> Reply | None:
        # A slow answer waits on its own thread, outside the lock: other calls go on meanwhile.
        time.sleep(self.faults.pause(method))
        try:
            with self.state.lock:
                reply = self._answer(method, args, headers)
        except Exception as exc:
            crash: JSON = {"ok": False, "error": "fake_slack_crashed", "detail": repr(exc)}
            self.log.record(method, http_method, headers, args, 500, crash)
            raise
        status, body = (reply.status, reply.json_body) if reply else (0, None)
        self.log.record(method, http_method, headers, args, status, body)
        return reply

    def _answer(
        self, method: str, args: dict[str, Any], headers: Mapping[str, str]
    ) -> Reply | None:
        refusal = self.faults.refusal(method, args, self._team_of(headers, args))
        if refusal is not None:
            if refusal.status == 0:
                return None
            retry = {"Retry-After": str(refusal.retry_after)} if refusal.status == 429 else {}
            return self._json(refusal.status, {"ok": False, "error": refusal.error}, retry)
        handler = METHODS.get(method)
        if handler is None:
            return self._json(200, {"ok": False, "error": "unknown_method"})
        try:
            if method in APP_CREDENTIAL_METHODS:
                args = {**_basic_auth(headers), **args}
            else:
                self._authenticate(headers, args)
            return self._json(200, handler(self.state, args))
        except SlackError as exc:
            return self._json(exc.status, exc.body())

    def _team_of(self, headers: Mapping[str, str], args: Mapping[str, Any]) -> str:
        """The workspace (or org) a call's token speaks for: its rate limits are that team's."""
        grant = self.state.grants.get(_token(headers, args))
        return (grant.team_id or grant.enterprise_id or "") if grant else self.state.team_id

    def _authenticate(self, headers: Mapping[str, str], args: Mapping[str, Any]) -> None:
        """The token comes from ``Authorization: Bearer ...`` or a ``token`` argument."""
        token = _token(headers, args)
        if not token:
            raise SlackError("not_authed")
        if token in self.state.revoked:
            raise SlackError("token_revoked")
        if token not in self.state.tokens:
            raise SlackError("invalid_auth")
        grant = self.state.grants.get(token)
        if grant is not None and grant.expires_at is not None and grant.expires_at <= time.time():
            raise SlackError("token_expired")
        self.state.caller = grant

    def _json(self, status: int, body: JSON, headers: Mapping[str, str] | None = None) -> Reply:
        return Reply.json(status, body, {"x-oauth-scopes": self.scopes, **(headers or {})})


def _token(headers: Mapping[str, str], args: Mapping[str, Any]) -> str:
    """The token from ``Authorization: Bearer ...`` or a ``token`` argument."""
    auth = headers.get("authorization", "")
    token = auth[len("bearer ") :].strip() if auth.lower().startswith("bearer ") else ""
    return token or str(args.get("token") or "")


def _basic_auth(headers: Mapping[str, str]) -> dict[str, str]:
    """client_id and client_secret from ``Authorization: Basic …`` (how slack_sdk sends them)."""
    auth = headers.get("authorization", "")
    if not auth.lower().startswith("basic "):
        return {}
    try:
        decoded = base64.b64decode(auth[len("basic ") :].strip()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return {}
    client_id, _, secret = decoded.partition(":")
    return {"client_id": client_id, "client_secret": secret}

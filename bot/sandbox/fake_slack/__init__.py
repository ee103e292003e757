"""A local stand-in for Slack's Web API, served over real HTTP on 127.0.0.1.

Rotnem's tests, benchmarks and the ``rotnem demo`` command point the bot at this server by setting
``SLACK_API_URL`` to :attr:`FakeSlack.api_url`; slack_sdk's ``WebClient`` / ``AsyncWebClient``
(``base_url=...``) then talk to it exactly as they talk to slack.com. Nothing in the bot is mocked:
the bot builds real requests, and this server answers with the shapes Slack documents.

Conventions (answer shapes are copied from Slack's documented method examples; request handling
follows how slack_sdk 3.47 and slack-bolt 1.30 actually call the API):

* Paths: ``/api/<method>`` for the Web API, ``/upload/v1/<file_id>`` for the second step of the
  files v2 upload flow, ``/response/<id>`` for response_urls issued by :meth:`new_response_url`.
* Requests: POST with a JSON body (``application/json;charset=utf-8``), a form body or multipart,
  or GET with a query string (``AsyncWebClient`` uses GET for Slack's GET methods; the sync
  ``WebClient`` always POSTs). Booleans arrive as ``true``/``1`` and are read either way. The token
  comes from ``Authorization: Bearer ...`` or a ``token`` argument. An extra ``team_id`` argument
  is tolerated everywhere, because Bolt adds it to every call made through its per-request client.
* Answers: HTTP 200 with ``{"ok": true, ...}`` or ``{"ok": false, "error": "<code>"}``, like
  Slack; ``unknown_method`` for methods the bot does not call (see :mod:`.methods`);
  ``invalid_auth`` for a token that is not in the configured set.
* Order of checks for one call: a slow answer's wait (:meth:`delay`), injected faults
  (:meth:`fail`, :meth:`drop`), then rate limits (:meth:`limit`, :meth:`limit_channel`), then
  the token, then the method's own arguments.
* Every request, including faulted, rate-limited and dropped ones, is recorded as a :class:`Call`.
  Uploads and response_url posts are recorded too, under the pseudo-methods ``upload_url`` and
  ``response_url``.
* Rate limits and expiry (trigger ids: 3 s, response_urls: 30 min) use the injectable ``clock``
  (default :func:`time.monotonic`), so tests can move time instead of sleeping. Message ``ts``
  values use the wall clock, since bots compare them with real times.

The parts: :mod:`.server` (HTTP), :mod:`.router` (one request's way through), :mod:`.faults`,
:mod:`.state` (what is stored), :mod:`.blockkit` (Block Kit limits) and :mod:`.methods`.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from types import TracebackType
from typing import Final
from zoneinfo import ZoneInfo

from bot.sandbox.fake_slack.blockkit import validate_message_blocks, validate_view
from bot.sandbox.fake_slack.calls import Call, CallLog
from bot.sandbox.fake_slack.faults import SLACK_TIER_PER_MINUTE, Faults
from bot.sandbox.fake_slack.methods.response_urls import RESPONSE_PATH
from bot.sandbox.fake_slack.router import Router
from bot.sandbox.fake_slack.server import LocalServer
from bot.sandbox.fake_slack.state import (
    DEFAULT_APP_ID,
    DEFAULT_BOT_ID,
    DEFAULT_BOT_NAME,
    DEFAULT_BOT_USER_ID,
    DEFAULT_TEAM_DOMAIN,
    DEFAULT_TEAM_ID,
    DEFAULT_TEAM_NAME,
    DEFAULT_TOKEN,
    RESPONSE_URL_MAX_USES,
    RESPONSE_URL_TTL,
    TRIGGER_TTL,
    Conversation,
    Grant,
    InstallCode,
    State,
    UploadedFile,
    stable_id,
    without_locale,
)
from bot.sandbox.fake_slack.wire import JSON, SlackError

# Bolt reads the granted scopes from the x-oauth-scopes header of the auth.test answer.
DEFAULT_SCOPES: Final = (
    "chat:write,commands,im:write,mpim:write,im:read,mpim:read,im:history,mpim:history,"
    "channels:read,groups:read,users:read,users:read.email,users.profile:read,reactions:write,"
    "files:write,team:read"
)


class FakeSlack(CallLog, Faults):
    """Slack's Web API on a random local port, with recorded calls (:class:`.CallLog`) and
    scriptable failures and rate limits (:class:`.Faults`).

    Use as ``with FakeSlack() as fake: ...`` or call :meth:`start` / :meth:`stop`.
    """

    def __init__(
        self,
        *,
        tokens: Iterable[str] = (DEFAULT_TOKEN,),
        team_id: str = DEFAULT_TEAM_ID,
        team_name: str = DEFAULT_TEAM_NAME,
        team_domain: str = DEFAULT_TEAM_DOMAIN,
        app_id: str = DEFAULT_APP_ID,
        bot_id: str = DEFAULT_BOT_ID,
        bot_user_id: str = DEFAULT_BOT_USER_ID,
        bot_name: str = DEFAULT_BOT_NAME,
        scopes: str = DEFAULT_SCOPES,
        clock: Callable[[], float] = time.monotonic,
        trigger_ttl: float | None = TRIGGER_TTL,
        response_url_ttl: float | None = RESPONSE_URL_TTL,
        strict_channels: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        """Configure the fake; nothing listens until :meth:`start`.

        ``strict_channels``: when True, posting to a channel the fake does not know (not opened
        with conversations.open nor added with :meth:`add_channel`) answers ``channel_not_found``.
        ``trigger_ttl`` / ``response_url_ttl``: None disables expiry.
        """
        CallLog.__init__(self)
        Faults.__init__(self, clock)
        self._state = State(
            team_id=team_id,
            team_name=team_name,
            team_domain=team_domain,
            app_id=app_id,
            bot_id=bot_id,
            bot_user_id=bot_user_id,
            bot_name=bot_name,
            clock=clock,
            trigger_ttl=trigger_ttl,
            response_url_ttl=response_url_ttl,
            strict_channels=strict_channels,
        )
        self._state.tokens.update(tokens)
        self._router = Router(self._state, faults=self, log=self, scopes=scopes)
        self._address = (host, port)
        self._server: LocalServer | None = None
        self.add_user(bot_user_id, real_name=bot_name, name=bot_name, is_bot=True, tz="UTC")

    # ---- identity --------------------------------------------------------------------------

    @property
    def team_id(self) -> str:
        return self._state.team_id

    @property
    def team_name(self) -> str:
        return self._state.team_name

    @property
    def team_domain(self) -> str:
        return self._state.team_domain

    @property
    def app_id(self) -> str:
        return self._state.app_id

    @property
    def bot_id(self) -> str:
        return self._state.bot_id

    @property
    def bot_user_id(self) -> str:
        return self._state.bot_user_id

    @property
    def bot_name(self) -> str:
        return self._state.bot_name

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        if self._server is None:
            self._server = LocalServer(self._address, self._router).start()
            self._state.base = self.base
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return self._server.port

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self._address[0]}:{self.port}"

    @property
    def api_url(self) -> str:
        """What ``SLACK_API_URL`` / ``WebClient(base_url=...)`` is set to."""
        return f"{self.base}/api/"

    # ---- tokens ------------------------------------------------------------------------------

    def add_token(self, token: str) -> None:
        with self._state.lock:
            self._state.tokens.add(token)
            self._state.revoked.discard(token)

    def revoke_token(self, token: str) -> None:
        """Later calls with ``token`` answer ``token_revoked``."""
        with self._state.lock:
            self._state.tokens.discard(token)
            self._state.revoked.add(token)

    # ---- OAuth installs -----------------------------------------------------------------------

    def accept_app(
        self, client_id: str, client_secret: str, *, token_lifetime: int = 43200
    ) -> None:
        """oauth.v2.access accepts these credentials; rotating tokens last `token_lifetime` s."""
        with self._state.lock:
            self._state.client_id = client_id
            self._state.client_secret = client_secret
            self._state.token_lifetime = token_lifetime

    def approve_install(
        self,
        *,
        team_id: str | None,
        team_name: str = "",
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
        is_enterprise_install: bool = False,
        installer: str = "U0INSTALLER",
        rotation: bool = False,
    ) -> str:
        """Someone approved the install screen: the code Slack sends to the redirect URL.

        ``team_id`` None with ``is_enterprise_install`` is an org-wide install on a Grid org. Each
        workspace or org gets its own bot user, as in Slack.
        """
        owner = team_id or enterprise_id or ""
        with self._state.lock:
            default = owner == self._state.team_id
            grant = Grant(
                team_id=team_id,
                team_name=team_name or (self._state.team_name if default else owner),
                enterprise_id=enterprise_id,
                enterprise_name=enterprise_name,
                is_enterprise_install=is_enterprise_install,
                bot_user_id=self._state.bot_user_id if default else stable_id("U", "bot", owner),
                bot_id=self._state.bot_id if default else stable_id("B", "bot", owner),
            )
            code = f"code-{owner}-{self._state.next_seq()}"
            self._state.codes[code] = InstallCode(grant, installer, rotation)
        return code

    def grant_of(self, token: str) -> Grant | None:
        """Whom a token from an install speaks for (None for tokens given at construction)."""
        with self._state.lock:
            return self._state.grants.get(token)

    def expire_token(self, token: str, *, at: float | None = None) -> None:
        """`token` answers ``token_expired`` from wall-clock second `at` on (default: now)."""
        with self._state.lock:
            grant = self._state.grants[token]
            self._state.grants[token] = dataclasses.replace(
                grant, expires_at=time.time() if at is None else at
            )

    def point_socket_mode_at(self, url: str) -> None:
        """apps.connections.open hands out ``url`` (by default: this server, which refuses it)."""
        with self._state.lock:
            self._state.socket_mode_url = url

    # ---- state for tests to set up and read --------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        real_name: str,
        tz: str = "Europe/London",
        locale: str = "en-US",
        is_bot: bool = False,
        deleted: bool = False,
        is_restricted: bool = False,
        is_ultra_restricted: bool = False,
        is_admin: bool = False,
        team_id: str | None = None,
        name: str | None = None,
        display_name: str | None = None,
        email: str | None = None,
        title: str = "",
    ) -> JSON:
        """Add (or replace) a user in the directory; returns the users.info ``user`` object."""
        now = datetime.now(ZoneInfo(tz))
        offset = now.utcoffset()
        team = team_id or self.team_id
        handle = name or real_name.lower().replace(" ", ".")
        shown = display_name if display_name is not None else handle
        profile: JSON = {
            "avatar_hash": hashlib.md5(user_id.encode()).hexdigest()[:12],
            "status_text": "",
            "status_emoji": "",
            "title": title,
            "real_name": real_name,
            "display_name": shown,
            "real_name_normalized": real_name,
            "display_name_normalized": shown,
            **{
                f"image_{n}": f"https://avatars.example.invalid/{user_id}_{n}.png"
                for n in (24, 48, 72)
            },
            "team": team,
        }
        if is_bot:
            profile["bot_id"] = self.bot_id if user_id == self.bot_user_id else f"B{user_id[1:]}"
        else:
            profile["email"] = email or f"{handle}@{self.team_domain}.example"
        user: JSON = {
            "id": user_id,
            "team_id": team,
            "name": handle,
            "deleted": deleted,
            "color": "9f69e7",
            "real_name": real_name,
            "tz": tz,
            "tz_label": now.tzname() or tz,  # the zone's abbreviation, e.g. "BST"
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "profile": profile,
            "is_admin": is_admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": is_restricted,
            "is_ultra_restricted": is_ultra_restricted,
            "is_bot": is_bot,
            "updated": int(time.time()),
            "is_app_user": False,
            "has_2fa": False,
            # Slack shows it only to users.info with include_locale=true (methods/users.py).
            "locale": locale,
        }
        with self._state.lock:
            self._state.users[user_id] = user
        return without_locale(user)

    def add_profile_field(
        self, field_id: str, label: str, *, type: str = "text", is_hidden: bool = False
    ) -> None:
        """A custom profile field team.profile.get lists (type "user" holds a person)."""
        with self._state.lock:
            fields = self._state.profile_fields
            fields[:] = [f for f in fields if f["id"] != field_id]
            fields.append(
                {
                    "id": field_id,
                    "ordering": len(fields),
                    "label": label,
                    "hint": "",
                    "type": type,
                    "possible_values": None,
                    "options": None,
                    "is_hidden": is_hidden,
                }
            )

    def set_profile_value(self, user_id: str, field_id: str, value: str | None) -> None:
        """What users.profile.get shows in a user's custom field (None empties it)."""
        with self._state.lock:
            values = self._state.profile_values.setdefault(user_id, {})
            if value is None:
                values.pop(field_id, None)
            else:
                values[field_id] = {"value": value, "alt": ""}

    def user(self, user_id: str) -> JSON:
        """The users.info ``user`` object as stored (what user_change and team_join carry)."""
        with self._state.lock:
            return without_locale(self._state.users[user_id])

    def locale(self, user_id: str) -> str | None:
        """The Slack locale ``user_id`` reads in ("fr-FR"), as users.info tells with
        include_locale=true; None for an unknown user."""
        with self._state.lock:
            user = self._state.users.get(user_id)
            return str(user["locale"]) if user and user.get("locale") else None

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str,
        members: Iterable[str] = (),
        is_private: bool = False,
        bot_is_member: bool = True,
        topic: str = "",
        purpose: str = "",
    ) -> None:
        """Register a public or private channel (the bot is a member unless told otherwise)."""
        member_list = list(dict.fromkeys(members))
        if bot_is_member and self.bot_user_id not in member_list:
            member_list.append(self.bot_user_id)
        conv = Conversation(
            channel_id, "channel", member_list, name, int(time.time()), is_private, topic, purpose
        )
        with self._state.lock:
            self._state.conversations[channel_id] = conv

    def conversation_members(self, channel_id: str) -> list[str]:
        with self._state.lock:
            conv = self._state.conversations.get(channel_id)
            return list(conv.members) if conv else []

    def dm_channel(self, user_id: str) -> str:
        """The DM channel id between the bot and ``user_id`` (opening it, like Slack would)."""
        with self._state.lock:
            return self._state.open_im(user_id)

    def add_message(self, channel: str, *, user: str, text: str) -> str:
        """Store a message written by a human; its ts."""
        with self._state.lock:
            ts = self._state.next_ts()
            msg: JSON = {"type": "message", "user": user, "text": text, "ts": ts}
            msg["team"] = self.team_id
            self._state.store(channel, msg)
            return ts

    def messages(self, channel: str | None = None) -> list[JSON]:
        """Stored messages, oldest first; each copy carries an extra ``channel`` key."""
        with self._state.lock:
            return [
                {"channel": ch, **copy.deepcopy(msg)}
                for ch, msg in self._state.messages
                if channel is None or ch == channel
            ]

    def ephemerals(self, user: str | None = None) -> list[JSON]:
        """Ephemeral messages (from ephemeral response_url posts)."""
        with self._state.lock:
            return [
                dict(e) for e in self._state.ephemerals if user is None or e.get("user") == user
            ]

    def new_trigger_id(self, user_id: str | None = None) -> str:
        """Issue a trigger_id as Slack does with an interaction, remembering whose it is."""
        with self._state.lock:
            return self._state.issue_trigger(user_id)

    def new_response_url(
        self, *, channel: str | None = None, message_ts: str | None = None, user: str | None = None
    ) -> str:
        """Issue a response_url on this server. With ``channel`` (and ``message_ts`` for a
        message's button), posts there act on the fake's messages like Slack: in_channel posts,
        replace_original / delete_original edits, and ephemerals for ``user`` otherwise."""
        base = self.base
        with self._state.lock:
            return base + RESPONSE_PATH + self._state.issue_response_url(channel, message_ts, user)

    def responses(self, url: str | None = None) -> list[JSON]:
        """JSON bodies posted to response_urls (accepted ones only), in order."""
        with self._state.lock:
            return [dict(body) for u, body in self._state.responses if url is None or u == url]

    def responses_since(self, start: int) -> list[tuple[str, JSON]]:
        """``(response_url, body)`` of the accepted response_url posts after the first ``start``."""
        with self._state.lock:
            return [(url, dict(body)) for url, body in self._state.responses[start:]]

    def open_views(self, user_id: str | None = None) -> list[JSON]:
        """Modals opened (latest last)."""
        with self._state.lock:
            return [
                copy.deepcopy(self._state.views[vid])
                for vid in self._state.modal_order
                if user_id is None or self._state.view_users.get(vid) == user_id
            ]

    def home_view(self, user_id: str) -> JSON | None:
        with self._state.lock:
            vid = self._state.homes.get(user_id)
            return copy.deepcopy(self._state.views[vid]) if vid else None

    def files(self) -> list[UploadedFile]:
        with self._state.lock:
            return list(self._state.files)


__all__ = [
    "Call",
    "DEFAULT_APP_ID",
    "DEFAULT_BOT_ID",
    "DEFAULT_BOT_USER_ID",
    "DEFAULT_TEAM_DOMAIN",
    "DEFAULT_TEAM_ID",
    "DEFAULT_TOKEN",
    "FakeSlack",
    "RESPONSE_URL_MAX_USES",
    "SLACK_TIER_PER_MINUTE",
    "SlackError",
    "UploadedFile",
    "validate_message_blocks",
    "validate_view",
]

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
  Slack; ``unknown_method`` for methods the bot does not call (only those it calls are here, so a
  new call in the bot fails in tests rather than meeting behaviour the fake merely imagines);
  ``invalid_auth`` for a token that is not in the configured set.
* Order of checks for one call: injected faults (:meth:`fail`, :meth:`drop`), then rate limits
  (:meth:`limit`, :meth:`limit_channel`), then the token, then the method's own arguments.
* Every request, including faulted, rate-limited and dropped ones, is recorded as a :class:`Call`.
  Uploads and response_url posts are recorded too, under the pseudo-methods ``upload_url`` and
  ``response_url``.
* Rate limits and expiry (trigger ids: 3 s, response_urls: 30 min) use the injectable ``clock``
  (default :func:`time.monotonic`), so tests can move time instead of sleeping. Message ``ts``
  values use the wall clock, since bots compare them with real times.

The server runs in background threads (stdlib ``ThreadingHTTPServer``), so it does not depend on
the event loop of the test, and a bot running in a subprocess can reach it too.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import email.parser
import email.policy
import hashlib
import json
import math
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

JSON = dict[str, Any]

DEFAULT_TOKEN: Final = "xoxb-test-token"
# Identities follow the docs example in event.app_home_opened (T123ABC456 / A123ABC456 /
# U0BOTUSER), so payloads built by bot.sandbox.signing line up with this server by default.
DEFAULT_TEAM_ID: Final = "T123ABC456"
DEFAULT_TEAM_NAME: Final = "Rotnem Sandbox"
DEFAULT_TEAM_DOMAIN: Final = "rotnem-sandbox"
DEFAULT_APP_ID: Final = "A123ABC456"
DEFAULT_BOT_ID: Final = "B123ABC456"
DEFAULT_BOT_USER_ID: Final = "U0BOTUSER"
DEFAULT_BOT_NAME: Final = "rotnem"
# Bolt reads the granted scopes from this header of the auth.test answer.
DEFAULT_SCOPES: Final = (
    "chat:write,commands,im:write,mpim:write,im:read,mpim:read,im:history,mpim:history,"
    "channels:read,groups:read,users:read,users:read.email,reactions:write,files:write,team:read"
)

RESPONSE_URL_METHOD: Final = "response_url"
UPLOAD_METHOD: Final = "upload_url"

# Slack: a response_url may be used up to 5 times within 30 minutes of the invocation.
RESPONSE_URL_MAX_USES: Final = 5
RESPONSE_URL_TTL: Final = 30 * 60.0
# Slack: a trigger_id must be exchanged within 3 seconds, once.
TRIGGER_TTL: Final = 3.0

MAX_MESSAGE_BLOCKS: Final = 50
MAX_VIEW_BLOCKS: Final = 100
MAX_MESSAGE_TEXT: Final = 40_000
MAX_VIEW_BYTES: Final = 250 * 1024

# Per-minute allowances from Slack's tier table (Tier 3 = 50, Tier 4 = 100) for the methods the
# bot uses; chat.postMessage is "Special": about 1 message per second per channel.
SLACK_TIER_PER_MINUTE: Final[Mapping[str, int]] = {
    "chat.update": 50,
    "conversations.open": 50,
    "conversations.history": 50,
    "users.info": 100,
    "views.publish": 100,
    "views.open": 100,
}


@dataclass(frozen=True)
class Call:
    """One request the fake received, as it was answered.

    ``headers`` has lower-cased names. ``args`` merges query string and body, with JSON strings in
    form bodies (``blocks``, ``view``, ``metadata``, ...) decoded. ``status`` is the HTTP status, or
    0 when the connection was dropped (then ``response`` is None). ``at`` is ``time.time()``.
    """

    method: str
    http_method: str
    headers: dict[str, str] = field(hash=False)
    args: dict[str, Any] = field(hash=False)
    status: int
    response: JSON | None = field(hash=False)
    at: float

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response and self.response.get("ok"))


@dataclass(frozen=True)
class UploadedFile:
    """A file shared through files.getUploadURLExternal + upload + files.completeUploadExternal."""

    id: str
    name: str
    title: str
    content: bytes
    channel_id: str | None
    channels: tuple[str, ...]
    initial_comment: str | None
    thread_ts: str | None
    user: str


class SlackError(Exception):
    """Raised inside a method handler to answer ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, *messages: str, status: int = 200) -> None:
        super().__init__(error, *messages)
        self.error = error
        self.messages = list(messages)
        self.status = status

    def body(self) -> JSON:
        out: JSON = {"ok": False, "error": self.error}
        if self.messages:
            out["response_metadata"] = {"messages": self.messages}
        return out


@dataclass
class _Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    json_body: JSON | None = None


@dataclass
class _Fault:
    method: str
    kind: str  # "status", "error" or "drop"
    status: int
    error: str
    retry_after: int
    remaining: int
    when: Callable[[dict[str, Any]], bool] | None


@dataclass
class _Bucket:
    """Token bucket: ``capacity`` calls at once, refilled at ``per_second``."""

    capacity: float
    per_second: float
    tokens: float
    updated: float

    def take(self, now: float) -> int | None:
        """Take a slot; None if granted, else the whole seconds until one frees (at least 1)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return None
        # The epsilon keeps float noise (20.000000001 s) from adding a whole second.
        return max(1, math.ceil((1.0 - self.tokens) / self.per_second - 1e-9))


@dataclass
class _Conversation:
    id: str
    kind: str  # "im", "mpim" or "channel"
    members: list[str]
    name: str
    created: int
    is_private: bool = False
    topic: str = ""
    purpose: str = ""


@dataclass
class _Trigger:
    user: str | None
    issued_at: float
    used: bool = False


@dataclass
class _ResponseUrl:
    issued_at: float
    channel: str | None
    message_ts: str | None
    user: str | None
    uses: int = 0


@dataclass
class _Upload:
    filename: str
    length: int
    content: bytes | None = None


def _lower_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers}


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return isinstance(value, str) and value.strip().lower() in {"1", "true", "yes"}


def _dumps(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _stable_id(prefix: str, *parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return prefix + digest[:10].upper()


def _encode_cursor(kind: str, value: str | int) -> str:
    return base64.b64encode(f"{kind}:{value}".encode()).decode()


def _decode_cursor(kind: str, cursor: str) -> str:
    try:
        decoded = base64.b64decode(cursor.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise SlackError("invalid_cursor") from exc
    prefix, sep, value = decoded.partition(":")
    if prefix != kind or not sep:
        raise SlackError("invalid_cursor")
    return value


def _tz_fields(tz: str) -> tuple[int, str]:
    """Seconds east of UTC now, and a label (the zone's abbreviation, e.g. "BST")."""
    now = datetime.now(ZoneInfo(tz))
    offset = now.utcoffset()
    return (int(offset.total_seconds()) if offset else 0), (now.tzname() or tz)


# --------------------------------------------------------------------------------------------
# Block Kit validation
#
# Limits come from Slack's Block Kit reference and slack_sdk's model classes (which encode the
# same *_max_length constants). Messages are checked against the documented limits only: Slack
# also has undocumented totals (msg_blocks_too_long near 13k characters) that are not modelled.
# Error texts follow Slack's style: "must be less than 3001 characters [json-pointer:/...]".

_TEXT_TYPES: Final = frozenset({"plain_text", "mrkdwn"})
_KNOWN_BLOCKS: Final = frozenset(
    {
        "actions",
        "call",
        "context",
        "context_actions",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)
_SELECTS_WITH_OPTIONS: Final = frozenset({"static_select", "multi_static_select"})
_CHOICE_ELEMENTS: Final = frozenset({"radio_buttons", "checkboxes"})


class _BlockChecker:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.markdown_chars = 0

    def err(self, message: str, pointer: str) -> None:
        self.errors.append(f"{message} [json-pointer:{pointer}]")

    def length(self, value: Any, max_len: int, pointer: str, *, min_len: int = 0) -> None:
        if not isinstance(value, str):
            self.err("must be a string", pointer)
        elif len(value) > max_len:
            self.err(f"must be less than {max_len + 1} characters", pointer)
        elif len(value) < min_len:
            self.err(f"must be at least {min_len} characters", pointer)

    def text(
        self,
        obj: Any,
        pointer: str,
        max_len: int,
        *,
        plain_only: bool = False,
        min_len: int = 1,
    ) -> None:
        if not isinstance(obj, dict):
            self.err("must be a text object", pointer)
            return
        kind = obj.get("type")
        if kind not in _TEXT_TYPES:
            self.err("must be one of plain_text, mrkdwn", f"{pointer}/type")
        elif plain_only and kind != "plain_text":
            self.err("must be plain_text", f"{pointer}/type")
        self.length(obj.get("text"), max_len, f"{pointer}/text", min_len=min_len)

    def blocks(self, blocks: Any, pointer: str, max_blocks: int) -> None:
        if not isinstance(blocks, list):
            self.err("must be an array", pointer)
            return
        if len(blocks) > max_blocks:
            self.err(f"must contain no more than {max_blocks} items", pointer)
        seen: set[str] = set()
        for i, block in enumerate(blocks):
            where = f"{pointer}/{i}"
            if not isinstance(block, dict) or not isinstance(block.get("type"), str):
                self.err("must be a block object with a type", where)
                continue
            block_id = block.get("block_id")
            if block_id is not None:
                self.length(block_id, 255, f"{where}/block_id")
                if block_id in seen:
                    self.err(f"duplicate block_id: {block_id}", f"{where}/block_id")
                seen.add(block_id)
            self.block(block, where)

    def block(self, block: JSON, where: str) -> None:
        kind = block["type"]
        if kind not in _KNOWN_BLOCKS:
            self.err(f"unsupported block type: {kind}", f"{where}/type")
        elif kind == "section":
            if "text" not in block and "fields" not in block:
                self.err("must provide either text or fields", where)
            if "text" in block:
                self.text(block["text"], f"{where}/text", 3000)
            fields = block.get("fields")
            if fields is not None:
                if not isinstance(fields, list) or len(fields) > 10:
                    self.err("must contain no more than 10 items", f"{where}/fields")
                else:
                    for j, item in enumerate(fields):
                        self.text(item, f"{where}/fields/{j}", 2000)
            if "accessory" in block:
                self.elements([block["accessory"]], f"{where}/accessory", single=True)
        elif kind == "header":
            self.text(block.get("text"), f"{where}/text", 150, plain_only=True)
        elif kind == "actions":
            self.elements(block.get("elements"), f"{where}/elements", max_items=25)
        elif kind == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
                self.err("must contain between 1 and 10 items", f"{where}/elements")
        elif kind == "context_actions":
            self.elements(block.get("elements"), f"{where}/elements", max_items=5)
        elif kind == "input":
            self.text(block.get("label"), f"{where}/label", 2000, plain_only=True)
            if "hint" in block:
                self.text(block["hint"], f"{where}/hint", 2000, plain_only=True)
            if "element" not in block:
                self.err("must provide an element", where)
            else:
                self.elements([block["element"]], f"{where}/element", single=True)
        elif kind == "image":
            if "image_url" in block:
                self.length(block["image_url"], 3000, f"{where}/image_url")
            elif "slack_file" not in block:
                self.err("must provide image_url or slack_file", where)
            self.length(block.get("alt_text"), 2000, f"{where}/alt_text")
            if "title" in block:
                self.text(block["title"], f"{where}/title", 2000, plain_only=True)
        elif kind == "markdown":
            self.length(block.get("text"), 12_000, f"{where}/text")
            if isinstance(block.get("text"), str):
                self.markdown_chars += len(block["text"])

    def elements(
        self, elements: Any, pointer: str, *, max_items: int = 1, single: bool = False
    ) -> None:
        if not isinstance(elements, list) or not elements:
            self.err("must be a non-empty array", pointer)
            return
        if len(elements) > max_items:
            self.err(f"must contain no more than {max_items} items", pointer)
        seen: set[str] = set()
        for j, element in enumerate(elements):
            where = pointer if single else f"{pointer}/{j}"
            if not isinstance(element, dict) or not isinstance(element.get("type"), str):
                self.err("must be an element object with a type", where)
                continue
            action_id = element.get("action_id")
            if action_id is not None:
                self.length(action_id, 255, f"{where}/action_id")
                if action_id in seen:
                    self.err(f"duplicate action_id: {action_id}", f"{where}/action_id")
                seen.add(action_id)
            self.element(element, where)

    def element(self, element: JSON, where: str) -> None:
        kind = element["type"]
        if "placeholder" in element:
            self.text(element["placeholder"], f"{where}/placeholder", 150, plain_only=True)
        if "confirm" in element:
            self.confirm(element["confirm"], f"{where}/confirm")
        if kind == "button":
            self.text(element.get("text"), f"{where}/text", 75, plain_only=True)
            if "value" in element:
                self.length(element["value"], 2000, f"{where}/value")
            if "url" in element:
                self.length(element["url"], 3000, f"{where}/url")
            if element.get("style") not in (None, "primary", "danger"):
                self.err("must be one of primary, danger", f"{where}/style")
        elif kind in _SELECTS_WITH_OPTIONS:
            if "options" in element:
                self.options(element["options"], f"{where}/options", 100)
            elif "option_groups" in element:
                groups = element["option_groups"]
                if not isinstance(groups, list) or len(groups) > 100:
                    self.err("must contain no more than 100 items", f"{where}/option_groups")
                else:
                    for g, group in enumerate(groups):
                        gp = f"{where}/option_groups/{g}"
                        group_obj = group if isinstance(group, dict) else {}
                        self.text(group_obj.get("label"), f"{gp}/label", 75, plain_only=True)
                        self.options(group_obj.get("options"), f"{gp}/options", 100)
            else:
                self.err("must provide options or option_groups", where)
        elif kind == "overflow":
            self.options(element.get("options"), f"{where}/options", 5)
        elif kind in _CHOICE_ELEMENTS:
            self.options(element.get("options"), f"{where}/options", 10, mrkdwn_ok=True)
        elif kind == "plain_text_input":
            for key in ("min_length", "max_length"):
                value = element.get(key)
                if value is not None and (not isinstance(value, int) or not 0 <= value <= 3000):
                    self.err("must be between 0 and 3000", f"{where}/{key}")

    def options(
        self, options: Any, pointer: str, max_items: int, *, mrkdwn_ok: bool = False
    ) -> None:
        if not isinstance(options, list) or not options:
            self.err("must be a non-empty array", pointer)
            return
        if len(options) > max_items:
            self.err(f"must contain no more than {max_items} items", pointer)
        for k, option in enumerate(options):
            op = f"{pointer}/{k}"
            if not isinstance(option, dict):
                self.err("must be an option object", op)
                continue
            self.text(option.get("text"), f"{op}/text", 75, plain_only=not mrkdwn_ok)
            self.length(option.get("value"), 150, f"{op}/value")

    def confirm(self, confirm: Any, pointer: str) -> None:
        if not isinstance(confirm, dict):
            self.err("must be a confirm object", pointer)
            return
        self.text(confirm.get("title"), f"{pointer}/title", 100, plain_only=True)
        self.text(confirm.get("text"), f"{pointer}/text", 300)
        self.text(confirm.get("confirm"), f"{pointer}/confirm", 30, plain_only=True)
        self.text(confirm.get("deny"), f"{pointer}/deny", 30, plain_only=True)


def validate_message_blocks(blocks: Any) -> list[str]:
    """Problems with message blocks, as Slack words them; empty when the blocks are valid."""
    checker = _BlockChecker()
    checker.blocks(blocks, "/blocks", MAX_MESSAGE_BLOCKS)
    if checker.markdown_chars > 12_000:
        checker.err("markdown blocks must total no more than 12000 characters", "/blocks")
    return checker.errors


def validate_view(view: Any, *, expected_type: str | None = None) -> list[str]:
    """Problems with a modal or Home view, as Slack words them; empty when the view is valid."""
    checker = _BlockChecker()
    if not isinstance(view, dict):
        checker.err("must be a view object", "/view")
        return checker.errors
    kind = view.get("type")
    if kind not in ("modal", "home"):
        checker.err("must be one of modal, home", "/view/type")
    elif expected_type is not None and kind != expected_type:
        checker.err(f"must be {expected_type}", "/view/type")
    if kind == "modal":
        checker.text(view.get("title"), "/view/title", 24, plain_only=True)
        for key in ("submit", "close"):
            if view.get(key) is not None:
                checker.text(view[key], f"/view/{key}", 24, plain_only=True)
        blocks = view.get("blocks")
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if has_input and view.get("submit") is None:
            checker.err("submit is required when an input block is present", "/view/submit")
    checker.blocks(view.get("blocks"), "/view/blocks", MAX_VIEW_BLOCKS)
    for key, max_len in (("private_metadata", 3000), ("callback_id", 255), ("external_id", 255)):
        if view.get(key) is not None:
            checker.length(view[key], max_len, f"/view/{key}")
    return checker.errors


# --------------------------------------------------------------------------------------------
# HTTP plumbing


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], fake: FakeSlack) -> None:
        self.fake = fake
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    # HTTP/1.1 so clients may keep connections alive, like they do with slack.com.
    protocol_version = "HTTP/1.1"
    # A backstop so an idle keep-alive connection cannot pin a thread forever.
    timeout = 30

    def setup(self) -> None:
        super().setup()
        with self.server.sockets_lock:
            self.server.open_sockets.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.sockets_lock:
                self.server.open_sockets.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        # The default writes every request to stderr, which drowns test output.
        return

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self, http_method: str) -> None:
        body = self._read_body()
        try:
            reply = self.server.fake._dispatch(http_method, self.path, self.headers.items(), body)
        except Exception as exc:
            # A bug in the fake (or in a test's ``when=`` predicate) must surface as a loud
            # answer, not as a dropped connection that looks like an injected failure.
            detail = f"{type(exc).__name__}: {exc}"
            error: JSON = {"ok": False, "error": "fake_slack_crashed", "detail": detail}
            reply = _Reply(500, _dumps(error), json_body=error)
        if reply is None:
            # Injected drop: close without answering, as a dead proxy or a reset would.
            self.close_connection = True
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)


# --------------------------------------------------------------------------------------------
# The fake


Handler = Callable[[dict[str, Any], str], JSON]


class FakeSlack:
    """Slack's Web API on a random local port, with recorded calls and scriptable failures.

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
        self.team_id = team_id
        self.team_name = team_name
        self.team_domain = team_domain
        self.app_id = app_id
        self.bot_id = bot_id
        self.bot_user_id = bot_user_id
        self.bot_name = bot_name
        self.scopes = scopes
        self.trigger_ttl = trigger_ttl
        self.response_url_ttl = response_url_ttl
        self.strict_channels = strict_channels
        self._clock = clock
        self._host = host
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.RLock()
        self._tokens: set[str] = set(tokens)
        self._revoked: set[str] = set()
        self._calls: list[Call] = []
        self._faults: list[_Fault] = []
        self._limits: dict[str, _Bucket] = {}
        self._channel_limit: tuple[float, float] | None = None
        self._channel_buckets: dict[str, _Bucket] = {}
        self._seq = 0
        self._last_ts_us = 0
        self._users: dict[str, JSON] = {}
        self._conversations: dict[str, _Conversation] = {}
        self._messages: list[tuple[str, JSON]] = []
        self._ephemerals: list[JSON] = []
        self._triggers: dict[str, _Trigger] = {}
        self._views: dict[str, JSON] = {}
        self._view_users: dict[str, str | None] = {}
        self._modal_order: list[str] = []
        self._homes: dict[str, str] = {}
        self._external_ids: dict[str, str] = {}
        self._uploads: dict[str, _Upload] = {}
        self._files: list[UploadedFile] = []
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._responses: list[tuple[str, JSON]] = []
        self._methods: dict[str, Handler] = {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "views.open": self._views_open,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }
        self.add_user(bot_user_id, real_name=bot_name, name=bot_name, is_bot=True, tz="UTC")

    # ---- lifecycle -----------------------------------------------------------------------

    def start(self) -> FakeSlack:
        if self._server is not None:
            return self
        server = _Server((self._host, self._port), self)
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"FakeSlack:{server.server_address[1]}",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = self._thread = None
        server.shutdown()
        # Kick keep-alive connections so their handler threads exit instead of idling.
        with server.sockets_lock:
            for sock in list(server.open_sockets):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

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
        return int(self._server.server_address[1])

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self._host}:{self.port}"

    @property
    def api_url(self) -> str:
        """What ``SLACK_API_URL`` / ``WebClient(base_url=...)`` is set to."""
        return f"{self.base}/api/"

    # ---- recorded calls ------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def calls_since(self, start: int) -> list[Call]:
        """The calls recorded after the first ``start`` ones, so a poller reads only what is new
        (a driver that follows thousands of calls stays linear)."""
        with self._lock:
            return self._calls[start:]

    def count(self, method: str) -> int:
        with self._lock:
            return sum(1 for c in self._calls if c.method == method)

    def ratelimited_count(self, method: str | None = None) -> int:
        """How many 429 answers were given (injected or from a rate limit)."""
        return sum(1 for c in self.calls(method) if c.status == 429)

    def reset(self) -> None:
        """Forget recorded calls (state such as users, messages and views is kept)."""
        with self._lock:
            self._calls.clear()

    def _summary(self) -> str:
        calls = self.calls()
        if not calls:
            return "no calls at all"
        parts = []
        for c in calls[-30:]:
            outcome = "dropped" if c.response is None else c.response.get("error", "ok")
            parts.append(f"{c.method}({c.status} {outcome})")
        return ", ".join(parts)

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until ``method`` was called at least ``count`` times; return those calls."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.calls(method)
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"expected {count} {method} call(s) within {timeout}s, got {len(found)}; "
                    f"received: {self._summary()}"
                )
            await asyncio.sleep(0.01)

    def wait_for_sync(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Blocking twin of :meth:`wait_for`."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.calls(method)
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"expected {count} {method} call(s) within {timeout}s, got {len(found)}; "
                    f"received: {self._summary()}"
                )
            time.sleep(0.01)

    # ---- failure injection and rate limits ----------------------------------------------

    def fail(
        self,
        method: str,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: int = 1,
        times: int = 1,
        when: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (matching ``when(args)``) fail.

        Without ``error``: an HTTP failure, 429 by default (``Retry-After: retry_after`` and
        ``{"ok": false, "error": "ratelimited"}``), or the given status (e.g. 500, 503).
        With ``error``: HTTP 200 (or ``status``) and ``{"ok": false, "error": error}``.
        """
        if error is not None:
            fault = _Fault(method, "error", status or 200, error, retry_after, times, when)
        else:
            code = status or 429
            # Slack documents no body for 5xx; a JSON error keeps slack_sdk's parser happy.
            err = "ratelimited" if code == 429 else "fatal_error"
            fault = _Fault(method, "status", code, err, retry_after, times, when)
        with self._lock:
            self._faults.append(fault)

    def drop(
        self,
        method: str,
        *,
        times: int = 1,
        when: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        """Close the connection without any HTTP answer for the next ``times`` calls."""
        with self._lock:
            self._faults.append(_Fault(method, "drop", 0, "", 0, times, when))

    def limit(self, method: str, per_minute: float, *, burst: int | None = None) -> None:
        """Rate-limit ``method`` workspace-wide: ``burst`` calls at once (default: a minute's
        worth), refilled at ``per_minute``. Over it: 429 with the seconds until a slot frees."""
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        capacity = float(burst if burst is not None else max(1, math.floor(per_minute)))
        with self._lock:
            self._limits[method] = _Bucket(capacity, per_minute / 60.0, capacity, self._clock())

    def limit_channel(self, per_minute: float = 60.0, *, burst: int = 3) -> None:
        """Rate-limit chat.postMessage per channel (Slack: about 1 per second, short bursts)."""
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        with self._lock:
            self._channel_limit = (per_minute / 60.0, float(burst))
            self._channel_buckets.clear()

    def apply_slack_rate_limits(self) -> None:
        """Apply Slack's published tiers to the methods the bot uses (auth.test stays free)."""
        for method, per_minute in SLACK_TIER_PER_MINUTE.items():
            self.limit(method, per_minute)
        self.limit_channel(60.0, burst=3)

    def clear_faults(self) -> None:
        """Remove pending injected failures and all rate limits."""
        with self._lock:
            self._faults.clear()
            self._limits.clear()
            self._channel_limit = None
            self._channel_buckets.clear()

    def add_token(self, token: str) -> None:
        with self._lock:
            self._tokens.add(token)
            self._revoked.discard(token)

    def revoke_token(self, token: str) -> None:
        """Later calls with ``token`` answer ``token_revoked``."""
        with self._lock:
            self._tokens.discard(token)
            self._revoked.add(token)

    # ---- state helpers for tests ------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        real_name: str,
        tz: str = "Europe/London",
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
        tz_offset, tz_label = _tz_fields(tz)
        team = team_id or self.team_id
        handle = name or real_name.lower().replace(" ", ".")
        profile: JSON = {
            "avatar_hash": hashlib.md5(user_id.encode()).hexdigest()[:12],
            "status_text": "",
            "status_emoji": "",
            "title": title,
            "real_name": real_name,
            "display_name": display_name if display_name is not None else handle,
            "real_name_normalized": real_name,
            "display_name_normalized": display_name if display_name is not None else handle,
            "image_24": f"https://avatars.example.invalid/{user_id}_24.png",
            "image_48": f"https://avatars.example.invalid/{user_id}_48.png",
            "image_72": f"https://avatars.example.invalid/{user_id}_72.png",
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
            "tz_label": tz_label,
            "tz_offset": tz_offset,
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
        }
        with self._lock:
            self._users[user_id] = user
        return copy.deepcopy(user)

    def users(self) -> list[JSON]:
        with self._lock:
            return [copy.deepcopy(u) for u in self._users.values()]

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
        with self._lock:
            self._conversations[channel_id] = _Conversation(
                channel_id,
                "channel",
                member_list,
                name,
                int(time.time()),
                is_private=is_private,
                topic=topic,
                purpose=purpose,
            )

    def conversation_members(self, channel_id: str) -> list[str]:
        with self._lock:
            conv = self._conversations.get(channel_id)
            return list(conv.members) if conv else []

    def dm_channel(self, user_id: str) -> str:
        """The DM channel id between the bot and ``user_id`` (opening it, like Slack would)."""
        with self._lock:
            return self._open_im(user_id)

    def add_message(
        self,
        channel: str,
        *,
        user: str,
        text: str,
    ) -> str:
        """Store a message written by a human; its ts."""
        with self._lock:
            ts = self._next_ts()
            msg: JSON = {"type": "message", "user": user, "text": text, "ts": ts}
            msg["team"] = self.team_id
            self._messages.append((channel, msg))
            return ts

    def messages(self, channel: str | None = None) -> list[JSON]:
        """Stored messages, oldest first; each copy carries an extra ``channel`` key."""
        with self._lock:
            return [
                {"channel": ch, **copy.deepcopy(msg)}
                for ch, msg in self._messages
                if channel is None or ch == channel
            ]

    def ephemerals(self, user: str | None = None) -> list[JSON]:
        """Ephemeral messages (from ephemeral response_url posts)."""
        with self._lock:
            return [dict(e) for e in self._ephemerals if user is None or e.get("user") == user]

    def new_trigger_id(self, user_id: str | None = None) -> str:
        """Issue a trigger_id as Slack does with an interaction, remembering whose it is."""
        with self._lock:
            self._seq += 1
            digest = hashlib.sha1(f"trigger:{self._seq}:{user_id}".encode()).hexdigest()
            trigger_id = f"{1_000_000_000 + self._seq}.{self._seq + 4744562912}.{digest[:32]}"
            self._triggers[trigger_id] = _Trigger(user_id, self._clock())
            return trigger_id

    def new_response_url(
        self,
        *,
        channel: str | None = None,
        message_ts: str | None = None,
        user: str | None = None,
    ) -> str:
        """Issue a response_url on this server. With ``channel`` (and ``message_ts`` for a
        message's button), posts there act on the fake's messages like Slack: in_channel posts,
        replace_original / delete_original edits, and ephemerals for ``user`` otherwise."""
        with self._lock:
            self._seq += 1
            url_id = hashlib.sha1(f"response:{self._seq}".encode()).hexdigest()[:24]
            self._response_urls[url_id] = _ResponseUrl(self._clock(), channel, message_ts, user)
            return f"{self.base}/response/{url_id}"

    def responses(self, url: str | None = None) -> list[JSON]:
        """JSON bodies posted to response_urls (accepted ones only), in order."""
        with self._lock:
            return [dict(body) for u, body in self._responses if url is None or u == url]

    def responses_since(self, start: int) -> list[tuple[str, JSON]]:
        """``(response_url, body)`` of the accepted response_url posts after the first ``start``."""
        with self._lock:
            return [(url, dict(body)) for url, body in self._responses[start:]]

    def view(self, view_id: str) -> JSON | None:
        with self._lock:
            view = self._views.get(view_id)
            return copy.deepcopy(view) if view else None

    def open_views(self, user_id: str | None = None) -> list[JSON]:
        """Modals opened (latest last), in their current state."""
        with self._lock:
            return [
                copy.deepcopy(self._views[vid])
                for vid in self._modal_order
                if user_id is None or self._view_users.get(vid) == user_id
            ]

    def home_view(self, user_id: str) -> JSON | None:
        with self._lock:
            vid = self._homes.get(user_id)
            return copy.deepcopy(self._views[vid]) if vid else None

    def files(self) -> list[UploadedFile]:
        with self._lock:
            return list(self._files)

    # ---- dispatch --------------------------------------------------------------------------

    def _dispatch(
        self, http_method: str, raw_path: str, raw_headers: Iterable[tuple[str, str]], body: bytes
    ) -> _Reply | None:
        headers = _lower_headers(raw_headers)
        url = urlsplit(raw_path)
        path = url.path
        if path.startswith("/api/"):
            args = self._parse_args(url.query, headers, body)
            return self._api(path[len("/api/") :], http_method, headers, args)
        if path.startswith("/upload/v1/") and http_method == "POST":
            return self._upload(path[len("/upload/v1/") :], http_method, headers, body)
        if path.startswith("/response/") and http_method == "POST":
            return self._response_post(path[len("/response/") :], headers, body)
        return _Reply(404, b"not found", "text/plain; charset=utf-8")

    @staticmethod
    def _parse_args(query: str, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
        ctype = headers.get("content-type", "").lower()
        if body and ("json" in ctype or body.lstrip().startswith(b"{")):
            try:
                data = json.loads(body)
            except ValueError:
                data = None
            if isinstance(data, dict):
                args.update(data)
        elif body and ctype.startswith("multipart/form-data"):
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body
            )
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if isinstance(name, str):
                    payload = part.get_payload(decode=True)
                    if part.get_filename() is None and isinstance(payload, bytes):
                        args[name] = payload.decode("utf-8", "replace")
                    else:
                        args[name] = payload
        elif body:
            args.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        # Form-encoded calls carry structured arguments as JSON text.
        for key in ("blocks", "attachments", "view", "metadata", "files"):
            value = args.get(key)
            if isinstance(value, str) and value[:1] in ("[", "{"):
                with contextlib.suppress(ValueError):
                    args[key] = json.loads(value)
        return args

    def _record(
        self,
        method: str,
        http_method: str,
        headers: dict[str, str],
        args: dict[str, Any],
        status: int,
        response: JSON | None,
    ) -> None:
        call = Call(method, http_method, headers, args, status, response, time.time())
        with self._lock:
            self._calls.append(call)

    def _json_reply(self, status: int, body: JSON, **headers: str) -> _Reply:
        extra = {"x-oauth-scopes": self.scopes, **headers}
        return _Reply(status, _dumps(body), headers=extra, json_body=body)

    def _take_fault(self, method: str, args: dict[str, Any]) -> _Fault | None:
        for fault in self._faults:
            if fault.method == method and fault.remaining > 0:
                if fault.when is not None and not fault.when(args):
                    continue
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _rate_limit(self, method: str, args: dict[str, Any]) -> int | None:
        now = self._clock()
        bucket = self._limits.get(method)
        if bucket is not None:
            wait = bucket.take(now)
            if wait is not None:
                return wait
        if method == "chat.postMessage" and self._channel_limit is not None:
            channel = str(args.get("channel") or "")
            per_second, capacity = self._channel_limit
            chan_bucket = self._channel_buckets.setdefault(
                channel, _Bucket(capacity, per_second, capacity, now)
            )
            return chan_bucket.take(now)
        return None

    def _api(
        self, method: str, http_method: str, headers: dict[str, str], args: dict[str, Any]
    ) -> _Reply | None:
        try:
            with self._lock:
                reply = self._api_locked(method, args, headers)
        except Exception as exc:
            crash: JSON = {"ok": False, "error": "fake_slack_crashed", "detail": repr(exc)}
            self._record(method, http_method, headers, args, 500, crash)
            raise
        status = reply.status if reply else 0
        self._record(method, http_method, headers, args, status, reply.json_body if reply else None)
        return reply

    def _api_locked(
        self, method: str, args: dict[str, Any], headers: dict[str, str]
    ) -> _Reply | None:
        fault = self._take_fault(method, args)
        if fault is not None:
            if fault.kind == "drop":
                return None
            body: JSON = {"ok": False, "error": fault.error}
            if fault.status == 429:
                return self._json_reply(429, body, **{"Retry-After": str(fault.retry_after)})
            return self._json_reply(fault.status, body)
        wait = self._rate_limit(method, args)
        if wait is not None:
            return self._json_reply(
                429, {"ok": False, "error": "ratelimited"}, **{"Retry-After": str(wait)}
            )
        handler = self._methods.get(method)
        if handler is None:
            return self._json_reply(200, {"ok": False, "error": "unknown_method"})
        auth = headers.get("authorization", "")
        token = auth[len("bearer ") :].strip() if auth.lower().startswith("bearer ") else ""
        token = token or str(args.get("token") or "")
        try:
            if not token:
                raise SlackError("not_authed")
            if token in self._revoked:
                raise SlackError("token_revoked")
            if token not in self._tokens:
                raise SlackError("invalid_auth")
            return self._json_reply(200, handler(args, token))
        except SlackError as exc:
            return self._json_reply(exc.status, exc.body())

    # ---- small helpers used by the handlers --------------------------------------------------

    def _next_id(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}{self._seq:08d}"

    def _next_ts(self) -> str:
        now_us = int(time.time() * 1_000_000)
        self._last_ts_us = max(now_us, self._last_ts_us + 1)
        return f"{self._last_ts_us // 1_000_000}.{self._last_ts_us % 1_000_000:06d}"

    def _new_hash(self) -> str:
        self._seq += 1
        return f"{int(time.time())}.{hashlib.sha1(str(self._seq).encode()).hexdigest()[:8]}"

    @staticmethod
    def _str(args: Mapping[str, Any], name: str) -> str | None:
        value = args.get(name)
        if value is None or value == "":
            return None
        return str(value)

    @staticmethod
    def _required(args: Mapping[str, Any], name: str, error: str = "invalid_arguments") -> str:
        value = FakeSlack._str(args, name)
        if value is None:
            if error == "invalid_arguments":
                raise SlackError(error, f"[ERROR] missing required field: {name}")
            raise SlackError(error)
        return value

    @staticmethod
    def _int(args: Mapping[str, Any], name: str, default: int) -> int:
        value = args.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise SlackError("invalid_arguments", f"[ERROR] {name} must be an integer") from exc

    @staticmethod
    def _json_arg(args: Mapping[str, Any], name: str) -> Any:
        value = args.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError as exc:
                raise SlackError("invalid_arguments", f"[ERROR] {name} is not valid JSON") from exc
        return value

    def _resolve_channel(self, channel: str) -> str:
        """Map a user id to its DM like Slack does; reject unknown channels when strict."""
        if channel[:1] in ("U", "W") and channel not in self._conversations:
            if channel in self._users:
                return self._open_im(channel)
            raise SlackError("channel_not_found")
        conv = self._conversations.get(channel)
        if conv is None:
            if self.strict_channels:
                raise SlackError("channel_not_found")
            return channel
        if conv.kind == "channel" and self.bot_user_id not in conv.members:
            raise SlackError("not_in_channel")
        return channel

    def _find_message(self, channel: str, ts: str) -> JSON | None:
        for ch, msg in self._messages:
            if ch == channel and msg.get("ts") == ts:
                return msg
        return None

    def _assign_block_ids(self, blocks: list[Any]) -> list[Any]:
        # Slack fills in block_id (and action_id) when the app leaves them out.
        out: list[Any] = []
        for block in blocks:
            if isinstance(block, dict):
                block = dict(block)
                if "block_id" not in block:
                    block["block_id"] = _stable_id("", "block", str(self._bump()))[:5]
                if isinstance(block.get("element"), dict) and "action_id" not in block["element"]:
                    block["element"] = {
                        **block["element"],
                        "action_id": _stable_id("", "action", str(self._bump()))[:5],
                    }
            out.append(block)
        return out

    def _bump(self) -> int:
        self._seq += 1
        return self._seq

    def _message_content(self, args: Mapping[str, Any], *, for_update: bool = False) -> JSON:
        """text/blocks/attachments/metadata of chat.postMessage-like calls, validated."""
        text = args.get("text")
        blocks = self._json_arg(args, "blocks")
        attachments = self._json_arg(args, "attachments")
        markdown_text = args.get("markdown_text")
        if not text and not blocks and not attachments and not markdown_text and not for_update:
            raise SlackError("no_text")
        content: JSON = {}
        if markdown_text:
            if text or blocks:
                raise SlackError("markdown_text_conflict")
            if len(str(markdown_text)) > 12_000:
                raise SlackError("msg_too_long")
            content["text"] = str(markdown_text)
        if text is not None:
            # Slack truncates over-long top-level text instead of refusing it.
            content["text"] = str(text)[:MAX_MESSAGE_TEXT]
        if blocks is not None:
            problems = validate_message_blocks(blocks)
            if problems:
                raise SlackError("invalid_blocks", *[f"[ERROR] {p}" for p in problems])
            content["blocks"] = self._assign_block_ids(blocks)
        if attachments is not None:
            if not isinstance(attachments, list):
                raise SlackError("invalid_attachments")
            if len(attachments) > 100:
                raise SlackError("too_many_attachments")
            content["attachments"] = attachments
        metadata = self._json_arg(args, "metadata")
        if metadata is not None:
            if (
                not isinstance(metadata, dict)
                or not isinstance(metadata.get("event_type"), str)
                or not isinstance(metadata.get("event_payload"), dict)
            ):
                raise SlackError("invalid_metadata_format")
            content["metadata"] = {
                "event_type": metadata["event_type"],
                "event_payload": metadata["event_payload"],
            }
        return content

    def _bot_message(self, ts: str, content: JSON) -> JSON:
        msg: JSON = {
            "user": self.bot_user_id,
            "type": "message",
            "ts": ts,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "text": content.get("text", ""),
            "team": self.team_id,
        }
        msg.update({k: v for k, v in content.items() if k != "text"})
        return msg

    def _post(self, channel: str, content: JSON, thread_ts: str | None = None) -> JSON:
        ts = self._next_ts()
        msg = self._bot_message(ts, content)
        if thread_ts:
            msg["thread_ts"] = thread_ts
        self._messages.append((channel, msg))
        return msg

    @staticmethod
    def _public_message(msg: JSON, *, with_metadata: bool = True) -> JSON:
        out = copy.deepcopy(msg)
        if not with_metadata:
            out.pop("metadata", None)
        return out

    # ---- methods: identity ---------------------------------------------------------------------

    def _auth_test(self, args: dict[str, Any], token: str) -> JSON:
        # Shape of bolt-python's BOT_AUTH_TEST_RESPONSE (auth.test for a bot token).
        return {
            "ok": True,
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
        }

    # ---- methods: users ------------------------------------------------------------------------

    def _users_info(self, args: dict[str, Any], token: str) -> JSON:
        user_id = self._required(args, "user", "user_not_found")
        user = self._users.get(user_id)
        if user is None:
            raise SlackError("user_not_found")
        return {"ok": True, "user": copy.deepcopy(user)}

    # ---- methods: conversations ------------------------------------------------------------------

    def _open_im(self, user_id: str) -> str:
        channel_id = _stable_id("D", self.team_id, user_id)
        if channel_id not in self._conversations:
            self._conversations[channel_id] = _Conversation(
                channel_id, "im", [user_id, self.bot_user_id], user_id, int(time.time())
            )
        return channel_id

    def _conversations_open(self, args: dict[str, Any], token: str) -> JSON:
        channel = self._str(args, "channel")
        users_arg = self._str(args, "users")
        if channel is not None:
            conv = self._conversations.get(channel)
            if conv is None or conv.kind == "channel":
                raise SlackError("channel_not_found")
            return self._open_answer(conv, already_open=True, full=_truthy(args.get("return_im")))
        if users_arg is None:
            raise SlackError("users_list_not_supplied")
        users = sorted({u.strip() for u in users_arg.split(",") if u.strip()})
        users = [u for u in users if u != self.bot_user_id] or users
        if len(users) > 8:
            raise SlackError("too_many_users")
        for user_id in users:
            user = self._users.get(user_id)
            if user is None:
                raise SlackError("user_not_found")
            if user["deleted"]:
                raise SlackError("user_disabled")
        if len(users) == 1:
            channel_id = _stable_id("D", self.team_id, users[0])
        else:
            channel_id = _stable_id("G", self.team_id, *users)
        existing = self._conversations.get(channel_id)
        if existing is not None:
            return self._open_answer(
                existing, already_open=True, full=_truthy(args.get("return_im"))
            )
        if _truthy(args.get("prevent_creation")):
            raise SlackError("channel_not_found")
        if len(users) == 1:
            self._open_im(users[0])
        else:
            names = "--".join(str(self._users[u]["name"]) for u in users)
            self._conversations[channel_id] = _Conversation(
                channel_id, "mpim", [*users, self.bot_user_id], f"mpdm-{names}-1", int(time.time())
            )
        return self._open_answer(
            self._conversations[channel_id], already_open=False, full=_truthy(args.get("return_im"))
        )

    def _open_answer(self, conv: _Conversation, *, already_open: bool, full: bool) -> JSON:
        channel = self._channel_object(conv) if full else {"id": conv.id}
        out: JSON = {"ok": True}
        if already_open:
            out.update({"no_op": True, "already_open": True})
        out["channel"] = channel
        return out

    def _channel_object(self, conv: _Conversation) -> JSON:
        if conv.kind == "im":
            user_id = conv.members[0]
            user = self._users.get(user_id, {})
            return {
                "id": conv.id,
                "created": conv.created,
                "is_archived": False,
                "is_im": True,
                "is_org_shared": False,
                "context_team_id": self.team_id,
                "updated": conv.created * 1000,
                "user": user_id,
                "is_user_deleted": bool(user.get("deleted", False)),
                "priority": 0,
            }
        is_mpim = conv.kind == "mpim"
        topic = {"value": conv.topic, "creator": "", "last_set": 0}
        purpose = {"value": conv.purpose, "creator": "", "last_set": 0}
        return {
            "id": conv.id,
            "name": conv.name,
            "is_channel": not is_mpim and not conv.is_private,
            "is_group": is_mpim or conv.is_private,
            "is_im": False,
            "is_mpim": is_mpim,
            "is_private": is_mpim or conv.is_private,
            "created": conv.created,
            "is_archived": False,
            "is_general": False,
            "unlinked": 0,
            "name_normalized": conv.name,
            "is_shared": False,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            "pending_shared": [],
            "context_team_id": self.team_id,
            "updated": conv.created * 1000,
            "parent_conversation": None,
            "creator": self.bot_user_id if is_mpim else "",
            "is_ext_shared": False,
            "shared_team_ids": [self.team_id],
            "pending_connected_team_ids": [],
            "is_member": self.bot_user_id in conv.members,
            "topic": topic,
            "purpose": purpose,
            "previous_names": [],
        }

    def _channel_messages(self, channel: str) -> list[JSON]:
        return [msg for ch, msg in self._messages if ch == channel]

    def _conversations_history(self, args: dict[str, Any], token: str) -> JSON:
        channel = self._required(args, "channel", "channel_not_found")
        if channel not in self._conversations and (
            self.strict_channels or not self._channel_messages(channel)
        ):
            raise SlackError("channel_not_found")
        limit = self._int(args, "limit", 100)
        limit = limit if 0 < limit <= 999 else 100
        try:
            oldest = float(self._str(args, "oldest") or 0)
            latest = float(self._str(args, "latest") or "inf")
        except ValueError as exc:
            raise SlackError("invalid_ts_oldest") from exc
        inclusive = _truthy(args.get("inclusive"))
        with_metadata = _truthy(args.get("include_all_metadata"))
        top_level = [
            m
            for m in self._channel_messages(channel)
            if "thread_ts" not in m or m["thread_ts"] == m["ts"] or m.get("reply_broadcast")
        ]
        picked = [
            m
            for m in top_level
            if (
                oldest <= float(m["ts"]) <= latest
                if inclusive
                else oldest < float(m["ts"]) < latest
            )
        ]
        picked.reverse()
        cursor = self._str(args, "cursor")
        if cursor:
            before = _decode_cursor("next_ts", cursor)
            picked = [m for m in picked if float(m["ts"]) < float(before)]
        page, rest = picked[:limit], picked[limit:]
        out: JSON = {
            "ok": True,
            "messages": [self._public_message(m, with_metadata=with_metadata) for m in page],
            "has_more": bool(rest),
            "pin_count": 0,
        }
        if rest:
            out["response_metadata"] = {"next_cursor": _encode_cursor("next_ts", page[-1]["ts"])}
        return out

    # ---- methods: chat -------------------------------------------------------------------------

    def _chat_post_message(self, args: dict[str, Any], token: str) -> JSON:
        channel = self._resolve_channel(self._required(args, "channel", "channel_not_found"))
        content = self._message_content(args)
        thread_ts = self._str(args, "thread_ts")
        if thread_ts and self._find_message(channel, thread_ts) is None and self.strict_channels:
            raise SlackError("thread_not_found")
        msg = self._post(channel, content, thread_ts)
        if thread_ts and _truthy(args.get("reply_broadcast")):
            msg["reply_broadcast"] = True
        return {
            "ok": True,
            "channel": channel,
            "ts": msg["ts"],
            "message": self._public_message(msg),
        }

    def _chat_update(self, args: dict[str, Any], token: str) -> JSON:
        channel = self._required(args, "channel", "channel_not_found")
        ts = self._required(args, "ts", "message_not_found")
        msg = self._find_message(channel, ts)
        if msg is None:
            raise SlackError("message_not_found")
        if msg.get("bot_id") != self.bot_id:
            raise SlackError("cant_update_message")
        if not any(args.get(k) for k in ("text", "blocks", "attachments")):
            raise SlackError("no_text")
        content = self._message_content(args, for_update=True)
        msg.update(content)
        msg["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        public = self._public_message(msg)
        return {"ok": True, "channel": channel, "ts": ts, "text": msg["text"], "message": public}

    # ---- methods: views ------------------------------------------------------------------------

    def _exchange_trigger(self, args: Mapping[str, Any]) -> str | None:
        trigger_id = self._str(args, "trigger_id") or self._str(args, "interactivity_pointer")
        if trigger_id is None:
            raise SlackError("invalid_arguments", "invalid `trigger_id`")
        trigger = self._triggers.get(trigger_id)
        if trigger is None:
            raise SlackError("invalid_trigger_id")
        if trigger.used:
            raise SlackError("exchanged_trigger_id")
        if self.trigger_ttl is not None and self._clock() - trigger.issued_at > self.trigger_ttl:
            raise SlackError("expired_trigger_id")
        trigger.used = True
        return trigger.user

    def _view_arg(self, args: Mapping[str, Any], expected_type: str) -> JSON:
        view = self._json_arg(args, "view")
        if view is None:
            raise SlackError("invalid_arguments", "[ERROR] missing required field: view")
        if len(_dumps(view)) > MAX_VIEW_BYTES:
            raise SlackError("view_too_large")
        problems = validate_view(view, expected_type=expected_type)
        if problems:
            raise SlackError("invalid_arguments", *[f"[ERROR] {p}" for p in problems])
        assert isinstance(view, dict)
        return view

    def _build_view(self, view_id: str, spec: JSON) -> JSON:
        out: JSON = {
            "id": view_id,
            "team_id": self.team_id,
            "type": spec["type"],
            "blocks": self._assign_block_ids(list(spec.get("blocks", []))),
            "private_metadata": spec.get("private_metadata", ""),
            "callback_id": spec.get("callback_id", ""),
            "state": {"values": {}},
            "hash": self._new_hash(),
            "clear_on_close": bool(spec.get("clear_on_close", False)),
            "notify_on_close": bool(spec.get("notify_on_close", False)),
            "close": spec.get("close"),
            "submit": spec.get("submit"),
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": self.app_id,
            "external_id": spec.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        if "title" in spec:
            out["title"] = spec["title"]
        return out

    def _claim_external_id(self, spec: JSON, view_id: str) -> None:
        external_id = spec.get("external_id")
        if external_id:
            owner = self._external_ids.get(external_id)
            if owner is not None and owner != view_id:
                raise SlackError("duplicate_external_id")
            self._external_ids[external_id] = view_id

    def _views_open(self, args: dict[str, Any], token: str) -> JSON:
        spec = self._view_arg(args, "modal")
        user = self._exchange_trigger(args)
        view_id = self._next_id("V")
        self._claim_external_id(spec, view_id)
        view = self._build_view(view_id, spec)
        self._views[view_id] = view
        self._view_users[view_id] = user
        self._modal_order.append(view_id)
        return {"ok": True, "view": copy.deepcopy(view)}

    def _views_publish(self, args: dict[str, Any], token: str) -> JSON:
        user_id = self._str(args, "user_id")
        if user_id is None:
            raise SlackError("invalid_arguments", "invalid `user_id`")
        spec = self._view_arg(args, "home")
        existing_id = self._homes.get(user_id)
        expected_hash = self._str(args, "hash")
        if (
            existing_id is not None
            and expected_hash is not None
            and expected_hash != self._views[existing_id]["hash"]
        ):
            raise SlackError("hash_conflict")
        view_id = existing_id or self._next_id("V")
        self._claim_external_id(spec, view_id)
        view = self._build_view(view_id, spec)
        self._views[view_id] = view
        self._view_users[view_id] = user_id
        self._homes[user_id] = view_id
        return {"ok": True, "view": copy.deepcopy(view)}

    # ---- methods: files (upload v2) ------------------------------------------------------------

    def _files_get_upload_url(self, args: dict[str, Any], token: str) -> JSON:
        filename = self._required(args, "filename")
        length = self._int(args, "length", -1)
        if length < 0:
            raise SlackError("invalid_arguments", "[ERROR] missing required field: length")
        file_id = self._next_id("F")
        self._uploads[file_id] = _Upload(filename, length)
        return {"ok": True, "upload_url": f"{self.base}/upload/v1/{file_id}", "file_id": file_id}

    def _upload(
        self, file_id: str, http_method: str, headers: dict[str, str], body: bytes
    ) -> _Reply:
        ctype = headers.get("content-type", "").lower()
        content = body
        if ctype.startswith("multipart/form-data"):
            args = self._parse_args("", headers, body)
            found = args.get("file") or args.get("filename")
            if isinstance(found, bytes):
                content = found
        with self._lock:
            upload = self._uploads.get(file_id)
            if upload is not None:
                upload.content = content
        args_rec: dict[str, Any] = {"file_id": file_id, "size": len(content)}
        if upload is None:
            reply = _Reply(404, b"file not found", "text/plain; charset=utf-8")
        else:
            # files.slack.com answers a successful upload with this plain text.
            reply = _Reply(200, f"OK - {len(content)}".encode(), "text/plain; charset=utf-8")
        self._record(UPLOAD_METHOD, http_method, headers, args_rec, reply.status, None)
        return reply

    def _files_complete_upload(self, args: dict[str, Any], token: str) -> JSON:
        items = self._json_arg(args, "files")
        if not isinstance(items, list) or not items:
            raise SlackError("invalid_arguments", "[ERROR] missing required field: files")
        channel_id = self._str(args, "channel_id")
        channels_arg = self._str(args, "channels")
        channels = tuple(c for c in (channels_arg or "").split(",") if c)
        targets = ([channel_id] if channel_id else []) + list(channels)
        targets = [self._resolve_channel(c) for c in targets]
        out_files: list[JSON] = []
        pending: list[UploadedFile] = []
        for item in items:
            file_id = str(item.get("id", "")) if isinstance(item, dict) else ""
            upload = self._uploads.get(file_id)
            if upload is None or upload.content is None:
                # Slack's exact error for a never-uploaded file is not in our references.
                raise SlackError("invalid_arguments", f"[ERROR] file {file_id!r} was not uploaded")
            title = str(item.get("title") or upload.filename)
            pending.append(
                UploadedFile(
                    id=file_id,
                    name=upload.filename,
                    title=title,
                    content=upload.content,
                    channel_id=targets[0] if channel_id and targets else None,
                    channels=tuple(targets),
                    initial_comment=self._str(args, "initial_comment"),
                    thread_ts=self._str(args, "thread_ts"),
                    user=self.bot_user_id,
                )
            )
            now = int(time.time())
            out_files.append(
                {
                    "id": file_id,
                    "created": now,
                    "timestamp": now,
                    "name": upload.filename,
                    "title": title,
                    "mimetype": "",
                    "filetype": "",
                    "user": self.bot_user_id,
                    "user_team": self.team_id,
                    "size": len(upload.content),
                    "mode": "hosted",
                    "is_external": False,
                    "is_public": False,
                    "url_private": f"{self.base}/files/{file_id}",
                    "permalink": f"https://{self.team_domain}.slack.com/files/{file_id}",
                }
            )
        for uploaded in pending:
            self._uploads.pop(uploaded.id, None)
        self._files.extend(pending)
        return {"ok": True, "files": out_files}

    # ---- response_url ----------------------------------------------------------------------

    def _response_post(self, url_id: str, headers: dict[str, str], body: bytes) -> _Reply:
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = None
        url = f"{self.base}/response/{url_id}"
        with self._lock:
            reply = self._response_locked(url_id, url, payload)
        args = payload if isinstance(payload, dict) else {"raw": body.decode("utf-8", "replace")}
        self._record(RESPONSE_URL_METHOD, "POST", headers, args, reply.status, reply.json_body)
        return reply

    def _response_locked(self, url_id: str, url: str, payload: Any) -> _Reply:
        # Slack's answer for an unknown, expired or used-up response_url is not documented.
        # Convention here: HTTP 404 with a short plain-text reason, and nothing recorded.
        target = self._response_urls.get(url_id)
        if target is None:
            return _Reply(404, b"no_such_response_url", "text/plain; charset=utf-8")
        if target.uses >= RESPONSE_URL_MAX_USES:
            return _Reply(404, b"used_up_response_url", "text/plain; charset=utf-8")
        expired = self.response_url_ttl is not None and (
            self._clock() - target.issued_at > self.response_url_ttl
        )
        if expired:
            return _Reply(404, b"expired_response_url", "text/plain; charset=utf-8")
        if not isinstance(payload, dict):
            return _Reply(400, b"invalid_payload", "text/plain; charset=utf-8")
        target.uses += 1
        self._responses.append((url, payload))
        self._apply_response(target, payload)
        body: JSON = {"ok": True}
        return _Reply(200, _dumps(body), json_body=body)

    def _apply_response(self, target: _ResponseUrl, payload: JSON) -> None:
        """Mirror what Slack does with a response_url post to the fake's stored messages."""
        if target.channel is None:
            return
        original = (
            self._find_message(target.channel, target.message_ts) if target.message_ts else None
        )
        if _truthy(payload.get("delete_original")):
            if original is not None:
                self._messages.remove((target.channel, original))
            return
        content: JSON = {k: payload[k] for k in ("text", "blocks", "attachments") if k in payload}
        if _truthy(payload.get("replace_original")) and original is not None:
            original.update(content)
            original["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
            return
        if payload.get("response_type") == "in_channel":
            self._post(target.channel, content, self._str(payload, "thread_ts"))
        elif target.user is not None:
            record: JSON = {"channel": target.channel, "user": target.user, **content}
            record["message_ts"] = self._next_ts()
            self._ephemerals.append(record)


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

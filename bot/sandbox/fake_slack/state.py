"""What the fake remembers between calls, and the ids and timestamps Slack would hand out.

All of it is read and changed under ``State.lock``: the server answers on several threads while
a test reads the same state from its own.
"""

from __future__ import annotations

import copy
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from bot.sandbox.fake_slack.wire import JSON, SlackError

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

# Slack: a trigger_id must be exchanged within 3 seconds, once.
TRIGGER_TTL: Final = 3.0
# Slack: a response_url may be used up to 5 times within 30 minutes of the invocation.
RESPONSE_URL_MAX_USES: Final = 5
RESPONSE_URL_TTL: Final = 30 * 60.0

# A Web API method: the state and the call's arguments in, the ``ok`` answer out (or SlackError).
Handler = Callable[["State", dict[str, Any]], JSON]


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
    alt_txt: str | None = None


@dataclass
class Grant:
    """Whom a token speaks for: a workspace, or a whole Grid org (``team_id`` None)."""

    team_id: str | None
    team_name: str
    enterprise_id: str | None = None
    enterprise_name: str | None = None
    is_enterprise_install: bool = False
    bot_user_id: str = DEFAULT_BOT_USER_ID
    bot_id: str = DEFAULT_BOT_ID
    # Wall-clock second (time.time()) after which the token answers ``token_expired``.
    expires_at: float | None = None


@dataclass
class InstallCode:
    """An ``oauth.v2.access`` code Slack would hand the redirect URL after someone approves."""

    grant: Grant
    installer: str
    rotation: bool
    used: bool = False


@dataclass
class Conversation:
    id: str
    kind: str  # "im", "mpim" or "channel"
    members: list[str]
    name: str
    created: int
    is_private: bool = False
    topic: str = ""
    purpose: str = ""


@dataclass
class Trigger:
    user: str | None
    issued_at: float
    used: bool = False


@dataclass
class ResponseUrl:
    issued_at: float
    channel: str | None
    message_ts: str | None
    user: str | None
    uses: int = 0


@dataclass
class Upload:
    filename: str
    length: int
    content: bytes | None = None
    alt_txt: str | None = None


def stable_id(prefix: str, *parts: str) -> str:
    """The same id for the same parts in every run, so tests may rely on it."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return prefix + digest[:10].upper()


def without_locale(user: JSON) -> JSON:
    """A stored user as Slack shows it by default: `locale` only comes with include_locale."""
    return {key: copy.deepcopy(value) for key, value in user.items() if key != "locale"}


def public_copy(msg: JSON, *, with_metadata: bool = True) -> JSON:
    """A stored message as an answer shows it (metadata only when asked for)."""
    out = copy.deepcopy(msg)
    if not with_metadata:
        out.pop("metadata", None)
    return out


@dataclass(eq=False)
class State:
    """The workspace: its identity and everything the Web API methods store."""

    team_id: str = DEFAULT_TEAM_ID
    team_name: str = DEFAULT_TEAM_NAME
    team_domain: str = DEFAULT_TEAM_DOMAIN
    app_id: str = DEFAULT_APP_ID
    bot_id: str = DEFAULT_BOT_ID
    bot_user_id: str = DEFAULT_BOT_USER_ID
    bot_name: str = DEFAULT_BOT_NAME
    clock: Callable[[], float] = time.monotonic
    trigger_ttl: float | None = TRIGGER_TTL
    response_url_ttl: float | None = RESPONSE_URL_TTL
    strict_channels: bool = False
    # ``http://host:port`` once the server listens: upload and file URLs point there.
    base: str = ""
    # What apps.connections.open hands out (default: a URL on this server that refuses it).
    socket_mode_url: str = ""
    lock: threading.RLock = field(default_factory=threading.RLock, init=False)
    tokens: set[str] = field(default_factory=set, init=False)
    revoked: set[str] = field(default_factory=set, init=False)
    # OAuth: the app's credentials, the codes and tokens installs produced, and whom the current
    # call's token speaks for (set by the router while it holds ``lock``).
    client_id: str | None = None
    client_secret: str | None = None
    token_lifetime: int = 12 * 3600
    grants: dict[str, Grant] = field(default_factory=dict, init=False)
    codes: dict[str, InstallCode] = field(default_factory=dict, init=False)
    refresh_tokens: dict[str, Grant] = field(default_factory=dict, init=False)
    caller: Grant | None = field(default=None, init=False)
    users: dict[str, JSON] = field(default_factory=dict, init=False)
    # team.profile.get's custom fields, and each user's values ({field_id: {value, alt}}).
    profile_fields: list[JSON] = field(default_factory=list, init=False)
    profile_values: dict[str, dict[str, JSON]] = field(default_factory=dict, init=False)
    conversations: dict[str, Conversation] = field(default_factory=dict, init=False)
    messages: list[tuple[str, JSON]] = field(default_factory=list, init=False)
    # The same messages by channel, then ts: chat.update and response_urls find theirs among
    # thousands without a scan.
    _by_channel: dict[str, dict[str, JSON]] = field(default_factory=dict, init=False)
    ephemerals: list[JSON] = field(default_factory=list, init=False)
    triggers: dict[str, Trigger] = field(default_factory=dict, init=False)
    views: dict[str, JSON] = field(default_factory=dict, init=False)
    view_users: dict[str, str | None] = field(default_factory=dict, init=False)
    modal_order: list[str] = field(default_factory=list, init=False)
    homes: dict[str, str] = field(default_factory=dict, init=False)
    external_ids: dict[str, str] = field(default_factory=dict, init=False)
    uploads: dict[str, Upload] = field(default_factory=dict, init=False)
    files: list[UploadedFile] = field(default_factory=list, init=False)
    response_urls: dict[str, ResponseUrl] = field(default_factory=dict, init=False)
    responses: list[tuple[str, JSON]] = field(default_factory=list, init=False)
    _seq: int = field(default=0, init=False)
    _last_ts_us: int = field(default=0, init=False)

    # ---- what Slack hands out ------------------------------------------------------------------

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{self.next_seq():08d}"

    def next_ts(self) -> str:
        """A message ts from the wall clock (bots compare them with real times), never repeated."""
        now_us = int(time.time() * 1_000_000)
        self._last_ts_us = max(now_us, self._last_ts_us + 1)
        return f"{self._last_ts_us // 1_000_000}.{self._last_ts_us % 1_000_000:06d}"

    def new_hash(self) -> str:
        seq = self.next_seq()
        return f"{int(time.time())}.{hashlib.sha1(str(seq).encode()).hexdigest()[:8]}"

    def fill_block_ids(self, blocks: list[Any]) -> list[Any]:
        """Copies of ``blocks`` with the block_id (and input action_id) Slack fills in if absent."""
        out: list[Any] = []
        for block in blocks:
            if isinstance(block, dict):
                block = dict(block)
                if "block_id" not in block:
                    block["block_id"] = stable_id("", "block", str(self.next_seq()))[:5]
                if isinstance(block.get("element"), dict) and "action_id" not in block["element"]:
                    block["element"] = {
                        **block["element"],
                        "action_id": stable_id("", "action", str(self.next_seq()))[:5],
                    }
            out.append(block)
        return out

    def issue_trigger(self, user_id: str | None) -> str:
        seq = self.next_seq()
        digest = hashlib.sha1(f"trigger:{seq}:{user_id}".encode()).hexdigest()
        trigger_id = f"{1_000_000_000 + seq}.{seq + 4744562912}.{digest[:32]}"
        self.triggers[trigger_id] = Trigger(user_id, self.clock())
        return trigger_id

    def issue_response_url(
        self, channel: str | None, message_ts: str | None, user: str | None
    ) -> str:
        """A new response_url's id (the last part of its path)."""
        url_id = hashlib.sha1(f"response:{self.next_seq()}".encode()).hexdigest()[:24]
        self.response_urls[url_id] = ResponseUrl(self.clock(), channel, message_ts, user)
        return url_id

    # ---- conversations and messages ------------------------------------------------------------

    def open_im(self, user_id: str) -> str:
        channel_id = stable_id("D", self.team_id, user_id)
        if channel_id not in self.conversations:
            self.conversations[channel_id] = Conversation(
                channel_id, "im", [user_id, self.bot_user_id], user_id, int(time.time())
            )
        return channel_id

    def resolve_channel(self, channel: str) -> str:
        """Map a user id to its DM like Slack does; reject unknown channels when strict."""
        if channel[:1] in ("U", "W") and channel not in self.conversations:
            if channel in self.users:
                return self.open_im(channel)
            raise SlackError("channel_not_found")
        conv = self.conversations.get(channel)
        if conv is None:
            if self.strict_channels:
                raise SlackError("channel_not_found")
            return channel
        if conv.kind == "channel" and self.bot_user_id not in conv.members:
            raise SlackError("not_in_channel")
        return channel

    def store(self, channel: str, msg: JSON) -> None:
        """Keep a message (its ts unique), in order and by channel and ts."""
        self.messages.append((channel, msg))
        self._by_channel.setdefault(channel, {})[msg["ts"]] = msg

    def remove(self, channel: str, msg: JSON) -> None:
        self.messages.remove((channel, msg))
        del self._by_channel[channel][msg["ts"]]

    def channel_messages(self, channel: str) -> list[JSON]:
        return list(self._by_channel.get(channel, {}).values())

    def find_message(self, channel: str, ts: str) -> JSON | None:
        return self._by_channel.get(channel, {}).get(ts)

    def post(self, channel: str, content: JSON, thread_ts: str | None = None) -> JSON:
        """Store a message from the bot (text, blocks, ... in ``content``); the stored dict."""
        msg: JSON = {
            "user": self.bot_user_id,
            "type": "message",
            "ts": self.next_ts(),
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "text": content.get("text", ""),
            "team": self.team_id,
        }
        msg.update({k: v for k, v in content.items() if k != "text"})
        if thread_ts:
            msg["thread_ts"] = thread_ts
        self.store(channel, msg)
        return msg

    def edit(self, msg: JSON, content: JSON) -> None:
        msg.update(content)
        msg["edited"] = {"user": self.bot_user_id, "ts": self.next_ts()}

"""A Slack client stand-in: people type commands, fill modals and click buttons, as Slack sends
them, against the real app; what the bot sends back is followed through :class:`FakeSlack`.

The driver knows the bot only through Slack's surfaces. It finds a button by the text a person
reads on it ("Approve and introduce", "✅ We met") and fills a modal by its labels ("Department /
team"), so if a button or a label changes, whatever drives this fails loudly, naming what it
looked for and what was there.

People read Slack in their own language: the driver's methods take the bot's English texts —
its catalog's msgids, exactly, or a :class:`Msg` for one with placeholders or plural forms — and
translate each into the language of whoever reads it (a person's Slack locale, a group DM's
shared language, else the program's) before matching it, whole, against what Slack shows.

What the bot sent is read incrementally from the fake's call log (:meth:`FakeSlack.calls_since`,
:meth:`FakeSlack.responses_since`) into :attr:`SlackDriver.events`, one record per thing a
person would notice, stamped with the simulated time; finding a message reads an index, so
thousands of people stay linear.

The app must run in the driver's event loop (like ``tests.factories.start_bot`` or ``rotnem demo``):
after each request the driver waits until every task the request started is done (Bolt acks
first and finishes the listener after), instead of sleeping.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal

import httpx

from bot.i18n import DEFAULT_LANGUAGE, language_of, shared_language
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.fake_slack.router import UPLOAD_METHOD
from bot.sandbox.signing import SlackRequester, block_actions_payload, state_values_for
from bot.sandbox.surfaces import (
    JSON,
    Button,
    DriverError,
    Label,
    answers_by_label,
    buttons_in,
    find_button,
    has_button,
    input_blocks,
    options_of,
    text_of,
    translated,
    view_summary,
)

EventKind = Literal[
    "message",  # a bot message in a conversation
    "update",  # a bot message was edited (chat.update or a response_url replace)
    "delete",
    "ephemeral",  # only `user` sees it: a command's answer, a response_url post
    "modal",  # a modal opened, pushed or updated for `user`
    "home",  # `user`'s Home tab was published
    "file",  # a file shared into a conversation
    "command",  # a person typed a slash command
    "click",  # a person clicked a button
    "submit",  # a person submitted a modal
    "invalid",  # a modal refused a submission (response_action: errors)
    "event",  # Slack told the app something (app_home_opened)
]

# Slack errors that mean the bot sent something Slack would refuse: a bug, never expected.
BUG_ERRORS: Final = frozenset(
    {
        "invalid_blocks",
        "invalid_arguments",
        "invalid_auth",
        "not_authed",
        "unknown_method",
        "fake_slack_crashed",
        "no_text",
        "msg_too_long",
        "view_too_large",
        "expired_trigger_id",
        "exchanged_trigger_id",
        "invalid_trigger_id",
        "channel_not_found",
        "cant_update_message",
        "message_not_found",
    }
)


@dataclass(frozen=True)
class Event:
    """One thing that happened in Slack, as a person would see it, in order."""

    seq: int
    kind: EventKind
    at: datetime
    channel: str | None = None
    user: str | None = None
    ts: str | None = None
    text: str = ""
    blocks: tuple[JSON, ...] = ()
    view: JSON | None = None
    detail: JSON = field(default_factory=dict)


@dataclass
class Message:
    """A bot message as it currently reads, in the channel it was posted to."""

    channel: str
    ts: str
    text: str
    blocks: list[JSON]
    posted_at: datetime
    seq: int


@dataclass
class Outcome:
    """What one action produced: the HTTP ack, and the events it caused."""

    status: int
    ack: JSON | None
    events: list[Event]

    def of(self, kind: EventKind) -> list[Event]:
        return [e for e in self.events if e.kind == kind]

    @property
    def errors(self) -> dict[str, str]:
        """A refused modal's errors by block_id (empty when the modal was accepted)."""
        if self.ack and self.ack.get("response_action") == "errors":
            return {str(k): str(v) for k, v in (self.ack.get("errors") or {}).items()}
        return {}


@dataclass
class _Target:
    channel: str | None
    user: str | None
    message_ts: str | None


async def settle(before: set[asyncio.Task[Any]], timeout: float = 30.0) -> None:
    """Wait for every task started since ``before`` (a listener Bolt runs after its ack)."""
    me = asyncio.current_task()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        pending = [t for t in asyncio.all_tasks() if t not in before and t is not me]
        pending = [t for t in pending if not t.done()]
        if not pending:
            return
        remaining = deadline - loop.time()
        if remaining <= 0:
            names = ", ".join(sorted({t.get_name() for t in pending}))
            raise DriverError(f"the bot was still working {timeout:.0f} s after a request: {names}")
        await asyncio.wait(pending, timeout=remaining)


class SlackDriver:
    """Slack's side of the conversation with the app, for a workspace of fake people."""

    def __init__(
        self,
        slack: FakeSlack,
        requester: SlackRequester,
        *,
        now: Callable[[], datetime],
        command: str = "/rotnem",
        settle_timeout: float = 30.0,
        program_language: str = DEFAULT_LANGUAGE,
    ) -> None:
        self.slack = slack
        self.requester = requester
        self.now = now
        self.command_name = command
        self.settle_timeout = settle_timeout
        self.program_language = program_language
        self.events: list[Event] = []
        self.messages: dict[str, dict[str, Message]] = {}
        self.modals: dict[str, JSON] = {}
        self.homes: dict[str, JSON] = {}
        self.ephemerals: dict[str, list[Event]] = {}
        self.app_errors: list[str] = []
        self.slack_errors: list[str] = []
        self.ratelimited = 0
        self._calls_seen = 0
        self._responses_seen = 0
        self._targets: dict[str, _Target] = {}
        self._actor: str | None = None
        self._dm: dict[str, str] = {}
        self._dm_owner: dict[str, str] = {}

    # ---- following what the bot does ------------------------------------------------------------

    def _emit(self, kind: EventKind, **fields: Any) -> Event:
        event = Event(seq=len(self.events), kind=kind, at=self.now(), **fields)
        self.events.append(event)
        if kind == "ephemeral" and event.user:
            self.ephemerals.setdefault(event.user, []).append(event)
        return event

    def dm_channel(self, user_id: str) -> str:
        """The DM between the bot and ``user_id`` (opened like Slack does on first use)."""
        channel = self._dm.get(user_id)
        if channel is None:
            channel = self._dm[user_id] = self.slack.dm_channel(user_id)
            self._dm_owner[channel] = user_id
        return channel

    # ---- languages -------------------------------------------------------------------------------

    def language(self, user_id: str) -> str:
        """The language ``user_id`` reads Rotnem in: their Slack locale's, else the program's."""
        return language_of(self.slack.locale(user_id)) or self.program_language

    def channel_language(self, channel: str | None) -> str:
        """The language the bot writes in ``channel``: its DM owner's, else the language all its
        members read (a group DM's partners), else the program's."""
        if not channel:
            return self.program_language
        owner = self._dm_owner.get(channel)
        if owner is not None:
            return self.language(owner)
        members = [
            u for u in self.slack.conversation_members(channel) if u != self.slack.bot_user_id
        ]
        if not members:
            return self.program_language
        locales = [self.slack.locale(u) for u in members]
        return shared_language(locales, self.program_language)

    def says(self, user_id: str, label: Label) -> str:
        """``label`` as ``user_id`` reads it (in a modal, a DM or an ephemeral message)."""
        return translated(label, self.language(user_id))

    def _reads(self, user_id: str, message: Message | Event) -> str:
        """The language ``message`` is written in, for ``user_id`` who sees it."""
        if isinstance(message, Event) and message.kind == "ephemeral":
            return self.language(user_id)
        return self.channel_language(message.channel)

    def has_button(self, message: Message | Event, label: Label) -> bool:
        """Whether ``message`` has a button reading ``label`` in its readers' language."""
        reader = message.user if isinstance(message, Event) else None
        language = self._reads(reader or "", message)
        return has_button(message.blocks, translated(label, language), exact=True)

    def fields(self, view: Mapping[str, Any]) -> dict[str, JSON]:
        """The open modal's input blocks by their label, as the person reads them."""
        return input_blocks(view)

    def asks(self, user_id: str, view: Mapping[str, Any], label: Label) -> bool:
        """Whether the modal has a field labelled ``label`` (in ``user_id``'s language)."""
        return self.says(user_id, label) in input_blocks(view)

    def options_of(self, user_id: str, view: Mapping[str, Any], label: Label) -> list[str]:
        """The visible texts of the options of the field labelled ``label``."""
        return options_of(view, self.says(user_id, label))

    def _answers(
        self,
        user_id: str,
        view: Mapping[str, Any],
        answers: Mapping[Label, Any] | Mapping[str, Any],
    ) -> dict[str, Any]:
        """``answers`` by label as ``user_id`` reads the modal: labels and option texts
        translated; typed text, user IDs and option texts with no msgid left as they are."""
        language = self.language(user_id)
        blocks = input_blocks(view)
        out: dict[str, Any] = {}
        for label, answer in answers.items():
            shown = translated(label, language)
            block = blocks.get(shown)
            kind = str((block or {}).get("element", {}).get("type"))
            if kind in ("static_select", "radio_buttons") and answer is not None:
                answer = translated(answer, language)
            elif kind in ("multi_static_select", "checkboxes") and answer is not None:
                answer = [translated(item, language) for item in answer]
            out[shown] = answer
        return out

    def sync(self) -> list[Event]:
        """Read what the bot did since the last sync into events; returns the new ones."""
        start = len(self.events)
        calls = self.slack.calls_since(self._calls_seen)
        self._calls_seen += len(calls)
        for call in calls:
            if call.status == 429:
                self.ratelimited += 1
                continue
            if call.method == UPLOAD_METHOD:
                # A file's bytes: plain text back, no JSON; files.completeUploadExternal tells.
                if call.status >= 400:
                    self.slack_errors.append(f"{call.method}: HTTP {call.status}")
                continue
            response = call.response or {}
            if call.status >= 500 or call.response is None:
                self.slack_errors.append(f"{call.method}: HTTP {call.status}")
                continue
            if not response.get("ok"):
                error = str(response.get("error"))
                if call.method != "response_url" and error in BUG_ERRORS:
                    detail = response.get("response_metadata", {}).get("messages") or []
                    self.slack_errors.append(f"{call.method}: {error} {' '.join(detail)}".strip())
                continue
            self._follow(call.method, call.args, response)
        responses = self.slack.responses_since(self._responses_seen)
        self._responses_seen += len(responses)
        for url, body in responses:
            self._follow_response(url, body)
        return self.events[start:]

    def _follow(self, method: str, args: JSON, response: JSON) -> None:
        if method == "chat.postMessage":
            channel, ts = str(response["channel"]), str(response["ts"])
            message = response.get("message") or {}
            self._store(channel, ts, str(message.get("text") or ""), message.get("blocks") or [])
        elif method == "chat.update":
            channel, ts = str(response["channel"]), str(response["ts"])
            message = response.get("message") or {}
            self._update(channel, ts, str(message.get("text") or ""), message.get("blocks"))
        elif method == "views.open":
            view = response["view"]
            user = self._actor or ""
            self.modals[user] = view
            self._emit("modal", user=user, view=view, text=view_summary(view),
                       detail={"method": method})  # fmt: skip
        elif method == "views.publish":
            user = str(args.get("user_id"))
            self.homes[user] = response["view"]
            self._emit("home", user=user, view=response["view"])
        elif method == "files.completeUploadExternal":
            for item in response.get("files") or []:
                self._emit(
                    "file",
                    channel=str(args.get("channel_id") or args.get("channels") or ""),
                    text=str(item.get("title") or item.get("name") or ""),
                    detail={"file_id": str(item.get("id") or "")},
                )

    def _store(self, channel: str, ts: str, text: str, blocks: list[JSON]) -> None:
        event = self._emit("message", channel=channel, ts=ts, text=text, blocks=tuple(blocks))
        self.messages.setdefault(channel, {})[ts] = Message(
            channel, ts, text, list(blocks), event.at, event.seq
        )

    def _update(self, channel: str, ts: str, text: str, blocks: list[JSON] | None) -> None:
        stored = self.messages.get(channel, {}).get(ts)
        if stored is not None:
            stored.text = text or stored.text
            stored.blocks = list(blocks) if blocks is not None else stored.blocks
            blocks = stored.blocks
        self._emit("update", channel=channel, ts=ts, text=text, blocks=tuple(blocks or ()))

    def _delete(self, channel: str, ts: str) -> None:
        self.messages.get(channel, {}).pop(ts, None)
        self._emit("delete", channel=channel, ts=ts)

    def _follow_response(self, url: str, body: JSON) -> None:
        target = self._targets.get(url)
        if target is None:
            return
        text = str(body.get("text") or "")
        blocks = _blocks(body.get("blocks"))
        original = (
            self.messages.get(target.channel or "", {}).get(target.message_ts or "")
            if target.message_ts
            else None
        )
        if body.get("delete_original") in (True, "true") and original is not None:
            self._delete(original.channel, original.ts)
        elif body.get("replace_original") in (True, "true") and original is not None:
            self._update(original.channel, original.ts, text, blocks if "blocks" in body else None)
        elif body.get("response_type") == "in_channel":
            self._emit("message", channel=target.channel, text=text, blocks=tuple(blocks))
        else:
            self._emit(
                "ephemeral", channel=target.channel, user=target.user, text=text,
                blocks=tuple(blocks),
            )  # fmt: skip

    # ---- acting as a person ---------------------------------------------------------------------

    async def _settle(self, before: set[asyncio.Task[Any]]) -> None:
        await settle(before, self.settle_timeout)

    async def _send(
        self,
        actor: str,
        request: Callable[[], Any],
        on_ack: Callable[[JSON | None], None] | None = None,
    ) -> tuple[int, JSON | None, int]:
        before = set(asyncio.all_tasks())
        start = len(self.events)
        self._actor = actor
        try:
            response: httpx.Response = await request()
            self.sync()
            ack: JSON | None = None
            if response.content and response.content not in (b"null",):
                try:
                    parsed = json.loads(response.content)
                except ValueError:
                    parsed = None
                ack = parsed if isinstance(parsed, dict) else None
            if on_ack is not None:
                on_ack(ack)
            await self._settle(before)
            self.sync()
        finally:
            self._actor = None
        if response.status_code >= 400:
            self.app_errors.append(
                f"the app answered HTTP {response.status_code} to {actor}: {response.text[:200]}"
            )
        return response.status_code, ack, start

    async def command(self, user_id: str, text: str, *, channel: str | None = None) -> Outcome:
        """``user_id`` types ``/rotnem <text>`` (in their DM with the bot unless told)."""
        channel = channel or self.dm_channel(user_id)
        url = self.slack.new_response_url(channel=channel, user=user_id)
        self._targets[url] = _Target(channel, user_id, None)
        self._emit("command", channel=channel, user=user_id,
                   text=f"{self.command_name} {text}".strip())  # fmt: skip

        def shown(ack: JSON | None) -> None:
            if ack and (ack.get("text") or ack.get("blocks")):
                # Slack shows a command's JSON ack to the invoker only.
                self._emit("ephemeral", channel=channel, user=user_id,
                           text=str(ack.get("text") or ""),
                           blocks=tuple(_blocks(ack.get("blocks"))),
                           detail={"ack": True})  # fmt: skip

        status, ack, start = await self._send(
            user_id,
            lambda: self.requester.command(
                command=self.command_name,
                user_id=user_id,
                channel_id=channel,
                text=text,
                response_url=url,
            ),
            shown,
        )
        return Outcome(status, ack, self.events[start:])

    def _click(self, user_id: str, button: Button) -> dict[str, Any]:
        """What every click payload says: who clicked which button, in which workspace."""
        return {
            "user_id": user_id,
            "action_id": button.action_id,
            "block_id": button.block_id,
            "trigger_id": self.requester.trigger_id(user_id),
            "team_id": self.requester.team_id,
            "value": button.value,
            "text": button.text,
            "team_domain": self.requester.team_domain,
            "api_app_id": self.requester.api_app_id,
        }

    async def click(
        self,
        user_id: str,
        text: Label,
        *,
        message: Message | Event | None = None,
        view: Mapping[str, Any] | None = None,
    ) -> Outcome:
        """``user_id`` clicks the button that reads ``text`` (a msgid, translated into the
        language the message or view is written in) on a message or in a view."""
        if view is not None:
            button = find_button(view.get("blocks") or [], self.says(user_id, text))
            payload = block_actions_payload(**self._click(user_id, button), view=view)
            where: str | None = None
        elif message is not None:
            blocks = list(message.blocks)
            button = find_button(blocks, translated(text, self._reads(user_id, message)))
            channel = message.channel or self.dm_channel(user_id)
            ts = message.ts
            ephemeral = isinstance(message, Event) and message.kind == "ephemeral"
            url = self.slack.new_response_url(
                channel=channel, message_ts=None if ephemeral else ts, user=user_id
            )
            self._targets[url] = _Target(channel, user_id, None if ephemeral else ts)
            payload = block_actions_payload(
                **self._click(user_id, button),
                message={
                    "type": "message",
                    "ts": ts or "",
                    "text": message.text,
                    "blocks": blocks,
                },  # fmt: skip
                channel_id=channel,
                response_url=url,
                is_ephemeral=ephemeral,
            )
            where = channel
        else:
            raise ValueError("click() needs a message or a view")
        # Which message's buttons were used (by its event's seq): the page shows them answered.
        clicked = {"message_seq": message.seq} if message is not None else {}
        self._emit("click", channel=where, user=user_id, text=button.text,
                   detail={"action_id": button.action_id, **clicked})  # fmt: skip
        status, ack, start = await self._send(user_id, lambda: self.requester.action(payload))
        self.sync()
        return Outcome(status, ack, self.events[start:])

    def modal(self, user_id: str) -> JSON:
        """The modal ``user_id`` has open now."""
        view = self.modals.get(user_id)
        if view is None:
            raise DriverError(f"no modal is open for {user_id}")
        return view

    async def submit(
        self,
        user_id: str,
        answers: Mapping[Label, Any] | Mapping[str, Any],
        *,
        view: Mapping[str, Any] | None = None,
    ) -> Outcome:
        """Fill the open modal by its labels (msgids, translated into ``user_id``'s language)
        and press its submit button."""
        view = view or self.modal(user_id)
        read = self._answers(user_id, view, answers)
        values = state_values_for(view, answers_by_label(view, read))
        shown = {label: value for label, value in read.items() if value not in (None, "", [])}
        self._emit("submit", user=user_id, view=dict(view), text=view_summary(view),
                   detail={"answers": shown})  # fmt: skip
        status, ack, start = await self._send(
            user_id, lambda: self.requester.submit_view(view=view, user_id=user_id, values=values)
        )
        outcome = Outcome(status, ack, [])
        if outcome.errors:
            labels = {str(b.get("block_id")): label for label, b in input_blocks(view).items()}
            self._emit(
                "invalid",
                user=user_id,
                view=dict(view),
                text=text_of(view.get("title")),
                detail={"errors": {labels.get(k, k): v for k, v in outcome.errors.items()}},
            )
        elif outcome.ack and outcome.ack.get("response_action") == "update":
            # Slack replaces the modal with the next step the app answered with.
            step: JSON = outcome.ack["view"]
            self.modals[user_id] = step
            self._emit("modal", user=user_id, view=step, text=view_summary(step),
                       detail={"method": "response_action: update"})  # fmt: skip
        else:
            self.modals.pop(user_id, None)
        self.sync()
        outcome.events = self.events[start:]
        return outcome

    async def open_home(self, user_id: str) -> JSON | None:
        """``user_id`` opens the app's Home tab (Slack sends app_home_opened)."""
        self._emit("event", user=user_id, text="opened the Home tab")
        status, _, _ = await self._send(
            user_id,
            lambda: self.requester.event(
                {
                    "type": "app_home_opened",
                    "user": user_id,
                    "channel": self.dm_channel(user_id),
                    "tab": "home",
                }
            ),
        )
        self.sync()
        return self.homes.get(user_id)

    # ---- reading ---------------------------------------------------------------------------------

    def latest(
        self,
        channel: str,
        *,
        button: Label | None = None,
        action_id: str | None = None,
        contains: str | None = None,
    ) -> Message | None:
        """The newest bot message in ``channel`` (with a button ``button`` in the channel's
        language, or a button ``action_id``, or ``contains``)."""
        wanted = None if button is None else translated(button, self.channel_language(channel))
        for message in reversed(self.messages.get(channel, {}).values()):
            if wanted is not None and not has_button(message.blocks, wanted, exact=True):
                continue
            if action_id is not None and not any(
                b.action_id == action_id for b in buttons_in(message.blocks)
            ):
                continue
            if contains is not None and contains not in message.text:
                continue
            return message
        return None

    def last_ephemeral(self, user_id: str, *, button: Label | None = None) -> Event | None:
        wanted = None if button is None else self.says(user_id, button)
        for event in reversed(self.ephemerals.get(user_id, [])):
            if wanted is None or has_button(event.blocks, wanted, exact=True):
                return event
        return None


def _blocks(raw: Any) -> list[JSON]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    return [b for b in raw if isinstance(b, dict)] if isinstance(raw, list) else []


__all__ = ["BUG_ERRORS", "Event", "EventKind", "Message", "Outcome", "SlackDriver", "settle"]

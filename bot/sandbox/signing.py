"""Signed inbound requests, built the way Slack sends them to the app's ``/slack/events``.

Slack signs every request with ``X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:{ts}:{body}"))``
and ``X-Slack-Request-Timestamp``; Bolt rejects anything outside a ±300 s window. The builders
here produce raw bodies field by field like Slack's own (the documented slash command example,
captured block_actions and view_submission payloads, the Events API wrapper), so the app parses
exactly what production would hand it:

* slash commands: ``application/x-www-form-urlencoded`` fields;
* interactivity: a single form field ``payload=<url-encoded JSON>``;
* events: the ``event_callback`` JSON wrapper.

:class:`SlackRequester` posts them with httpx and a clock you can move, so tests can also send
stale signatures and Events API retries (same body, fresh signature, ``X-Slack-Retry-Num``).
"""

from __future__ import annotations

import copy
import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bot.sandbox.fake_slack import (
    DEFAULT_APP_ID,
    DEFAULT_BOT_USER_ID,
    DEFAULT_TEAM_DOMAIN,
    DEFAULT_TEAM_ID,
)

if TYPE_CHECKING:
    from bot.sandbox.fake_slack import FakeSlack

JSON = dict[str, Any]

FORM_CONTENT_TYPE: Final = "application/x-www-form-urlencoded"
JSON_CONTENT_TYPE: Final = "application/json"
# The deprecated verification token Slack still puts into payloads; Bolt ignores it unless
# token verification is configured, so any stable value works.
DEFAULT_VERIFICATION_TOKEN: Final = "verification_token"


def sign(secret: str, body: str | bytes, timestamp: int) -> dict[str, str]:
    """The two headers Slack sends: ``X-Slack-Request-Timestamp`` and ``X-Slack-Signature``."""
    stamp = str(int(timestamp))
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    if signature is None:  # only when timestamp is None, which the str() above rules out
        raise ValueError("could not sign the request")
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


def _action_ts(now: float | None = None) -> str:
    return f"{time.time() if now is None else now:.6f}"


def _plain_text(text: str) -> JSON:
    return {"type": "plain_text", "text": text, "emoji": True}


def _user(user_id: str, team_id: str, user_name: str | None) -> JSON:
    name = user_name or user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def new_trigger_id(seed: str = "") -> str:
    """A trigger_id shaped like Slack's, for payloads that do not go through a FakeSlack."""
    digest = hashlib.sha1(f"{seed}:{time.time_ns()}".encode()).hexdigest()
    return f"{int(time.time() * 1000) % 10**12}.{int(digest[:8], 16)}.{digest[8:40]}"


# --------------------------------------------------------------------------------------------
# Body builders


def slash_command_body(
    *,
    command: str,
    text: str,
    user_id: str,
    team_id: str,
    channel_id: str,
    trigger_id: str,
    response_url: str,
    user_name: str | None = None,
    team_domain: str = DEFAULT_TEAM_DOMAIN,
    channel_name: str = "directmessage",
    api_app_id: str | None = DEFAULT_APP_ID,
    is_enterprise_install: bool | None = False,
    enterprise_id: str | None = None,
    enterprise_name: str | None = None,
    token: str = DEFAULT_VERIFICATION_TOKEN,
) -> str:
    """A slash command's raw form body, fields in the order Slack sends them.

    ``api_app_id`` / ``is_enterprise_install`` may be None to leave them out, as in Slack's 2018
    signing example; ``enterprise_*`` appear only on Enterprise Grid, as in Bolt's test bodies.
    """
    fields: list[tuple[str, str]] = [
        ("token", token),
        ("team_id", team_id),
        ("team_domain", team_domain),
        ("channel_id", channel_id),
        ("channel_name", channel_name),
        ("user_id", user_id),
        ("user_name", user_name or user_id.lower()),
        ("command", command),
        ("text", text),
    ]
    if enterprise_id is not None:
        fields.append(("enterprise_id", enterprise_id))
    if enterprise_name is not None:
        fields.append(("enterprise_name", enterprise_name))
    if api_app_id is not None:
        fields.append(("api_app_id", api_app_id))
    if is_enterprise_install is not None:
        fields.append(("is_enterprise_install", "true" if is_enterprise_install else "false"))
    fields += [("response_url", response_url), ("trigger_id", trigger_id)]
    # urlencode uses quote_plus, which gives Slack's "%2Fcommand" and "Org+Name" spellings.
    return urlencode(fields)


def block_actions_payload(
    *,
    user_id: str,
    action_id: str,
    block_id: str,
    trigger_id: str,
    team_id: str = DEFAULT_TEAM_ID,
    value: str | None = None,
    action_type: str = "button",
    text: str | None = "Button",
    message: Mapping[str, Any] | None = None,
    channel_id: str | None = None,
    channel_name: str = "directmessage",
    response_url: str | None = None,
    view: Mapping[str, Any] | None = None,
    state_values: Mapping[str, Any] | None = None,
    selected_option: Mapping[str, Any] | None = None,
    is_ephemeral: bool = False,
    user_name: str | None = None,
    team_domain: str = DEFAULT_TEAM_DOMAIN,
    api_app_id: str = DEFAULT_APP_ID,
    action_ts: str | None = None,
    token: str = DEFAULT_VERIFICATION_TOKEN,
) -> JSON:
    """A ``block_actions`` payload for one action.

    On a message (pass ``message``, ``channel_id`` and ``response_url``): container type
    ``message``, with ``channel``, ``message``, ``state`` and ``response_url``, like the captured
    button click. In a modal or the App Home (pass ``view``): container type ``view``, with the
    ``view`` and no ``response_url`` nor ``channel``. ``message`` may be a message dict from
    ``FakeSlack.messages()``; its extra ``channel`` key is dropped.
    """
    values = copy.deepcopy(dict(state_values or {}))
    action: JSON = {"action_id": action_id, "block_id": block_id}
    if text is not None and action_type == "button":
        action["text"] = _plain_text(text)
    if value is not None:
        action["value"] = value
    if selected_option is not None:
        action["selected_option"] = copy.deepcopy(dict(selected_option))
    action["type"] = action_type
    action["action_ts"] = action_ts or _action_ts()
    team = {"id": team_id, "domain": team_domain}
    payload: JSON = {
        "type": "block_actions",
        "user": _user(user_id, team_id, user_name),
        "api_app_id": api_app_id,
        "token": token,
    }
    if view is not None:
        view_obj = copy.deepcopy(dict(view))
        view_obj["state"] = {"values": values}
        payload["container"] = {"type": "view", "view_id": view_obj.get("id", "")}
        payload["trigger_id"] = trigger_id
        payload["team"] = team
        payload["enterprise"] = None
        payload["is_enterprise_install"] = False
        payload["view"] = view_obj
    else:
        if message is None or channel_id is None or response_url is None:
            raise ValueError("a message action needs message, channel_id and response_url")
        msg = {k: v for k, v in copy.deepcopy(dict(message)).items() if k != "channel"}
        payload["container"] = {
            "type": "message",
            "message_ts": msg.get("ts", ""),
            "channel_id": channel_id,
            "is_ephemeral": is_ephemeral,
        }
        payload["trigger_id"] = trigger_id
        payload["team"] = team
        payload["enterprise"] = None
        payload["is_enterprise_install"] = False
        payload["channel"] = {"id": channel_id, "name": channel_name}
        payload["message"] = msg
        payload["state"] = {"values": values}
        payload["response_url"] = response_url
    payload["actions"] = [action]
    return payload


def view_submission_payload(
    *,
    view: Mapping[str, Any],
    user_id: str,
    values: Mapping[str, Any],
    team_id: str = DEFAULT_TEAM_ID,
    trigger_id: str | None = None,
    user_name: str | None = None,
    team_domain: str = DEFAULT_TEAM_DOMAIN,
    api_app_id: str = DEFAULT_APP_ID,
    response_urls: Sequence[Mapping[str, Any]] = (),
    token: str = DEFAULT_VERIFICATION_TOKEN,
) -> JSON:
    """A ``view_submission`` payload: ``view`` as Slack stored it, with ``state.values`` set.

    ``values`` is ``{block_id: {action_id: state}}``; build the states with :func:`state_value`
    or let :func:`state_values_for` derive them from the view's own blocks.
    """
    view_obj = copy.deepcopy(dict(view))
    view_obj["state"] = {"values": copy.deepcopy(dict(values))}
    view_obj.setdefault("app_installed_team_id", team_id)
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": team_domain},
        "user": _user(user_id, team_id, user_name),
        "api_app_id": api_app_id,
        "token": token,
        "trigger_id": trigger_id or new_trigger_id(user_id),
        "view": view_obj,
        "response_urls": [dict(r) for r in response_urls],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def _option(value: str, text: str | None = None) -> JSON:
    return {"text": _plain_text(text if text is not None else value), "value": value}


def state_value(element_type: str, value: Any, *, text: str | None = None) -> JSON:
    """One ``state.values[block_id][action_id]`` entry, shaped per element type.

    ``value``: a str for text inputs, selects, radios and pickers; a list of str for the
    multi-selects and checkboxes. ``text`` is the option label (defaults to the value).
    """
    state: JSON = {"type": element_type}
    if element_type in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
        state["value"] = value
    elif element_type in ("static_select", "external_select", "radio_buttons"):
        state["selected_option"] = None if value is None else _option(str(value), text)
    elif element_type in ("multi_static_select", "multi_external_select", "checkboxes"):
        state["selected_options"] = [_option(str(v)) for v in (value or [])]
    elif element_type == "users_select":
        state["selected_user"] = value
    elif element_type == "multi_users_select":
        state["selected_users"] = list(value or [])
    elif element_type == "conversations_select":
        state["selected_conversation"] = value
    elif element_type == "multi_conversations_select":
        state["selected_conversations"] = list(value or [])
    elif element_type == "channels_select":
        state["selected_channel"] = value
    elif element_type == "multi_channels_select":
        state["selected_channels"] = list(value or [])
    elif element_type == "datepicker":
        state["selected_date"] = value
    elif element_type == "timepicker":
        state["selected_time"] = value
    elif element_type == "datetimepicker":
        state["selected_date_time"] = value
    else:
        raise ValueError(f"no state shape known for element type {element_type!r}")
    return state


def _element_options(element: Mapping[str, Any]) -> dict[str, JSON]:
    options: list[Any] = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return {str(o["value"]): o for o in options if isinstance(o, dict) and "value" in o}


def state_values_for(view: Mapping[str, Any], answers: Mapping[str, Any]) -> JSON:
    """``state.values`` for a view's input blocks, from ``{block_id: answer}``.

    Element types and action_ids come from the view; selected options are copied from the
    element's own options (a ValueError names any answer that is not one of them), so a test
    cannot submit something the real modal could not.
    """
    blocks: dict[str, JSON] = {
        str(b.get("block_id")): b
        for b in view.get("blocks", [])
        if isinstance(b, dict) and isinstance(b.get("element"), dict)
    }
    values: JSON = {}
    for block_id, answer in answers.items():
        block = blocks.get(block_id)
        if block is None:
            raise ValueError(f"view has no input block {block_id!r}; has {sorted(blocks)}")
        element = block["element"]
        kind = str(element["type"])
        state = state_value(kind, answer)
        known = _element_options(element)
        if "selected_option" in state and answer is not None:
            if str(answer) not in known:
                raise ValueError(f"{answer!r} is not an option of {block_id!r}: {sorted(known)}")
            state["selected_option"] = copy.deepcopy(known[str(answer)])
        if "selected_options" in state:
            missing = [a for a in answer or [] if str(a) not in known]
            if missing:
                raise ValueError(f"{missing!r} are not options of {block_id!r}: {sorted(known)}")
            state["selected_options"] = [copy.deepcopy(known[str(a)]) for a in answer or []]
        values[block_id] = {str(element.get("action_id", "")): state}
    return values


def interactivity_body(payload: Mapping[str, Any]) -> str:
    """The raw body of an interactivity request: ``payload=`` and the url-encoded JSON."""
    return urlencode({"payload": json.dumps(payload, separators=(",", ":"))})


def event_body(
    event: Mapping[str, Any],
    *,
    team_id: str = DEFAULT_TEAM_ID,
    event_id: str,
    event_time: int,
    api_app_id: str = DEFAULT_APP_ID,
    authorizations: Sequence[Mapping[str, Any]] | None = None,
    bot_user_id: str = DEFAULT_BOT_USER_ID,
    is_ext_shared_channel: bool = False,
    event_context: str | None = None,
    token: str = DEFAULT_VERIFICATION_TOKEN,
) -> str:
    """The Events API ``event_callback`` wrapper as JSON text.

    ``authorizations`` defaults to the bot installation (``bot_user_id``). ``event`` must have a
    ``type``; an ``event_ts`` is added from ``event_time`` when missing, as every event has one.
    """
    if "type" not in event:
        raise ValueError("an event needs a type")
    inner = copy.deepcopy(dict(event))
    inner.setdefault("event_ts", f"{event_time}.000100")
    if authorizations is None:
        authorizations = [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ]
    context = event_context
    if context is None:
        context = f"1-{inner['type']}-{team_id}-{inner.get('channel', '')}"
    body: JSON = {
        "token": token,
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": inner,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [dict(a) for a in authorizations],
        "is_ext_shared_channel": is_ext_shared_channel,
        "event_context": context,
    }
    return json.dumps(body)


def user_change_event(user: Mapping[str, Any], *, cache_ts: int | None = None) -> JSON:
    """A ``user_change`` event: the whole user object as users.info shows it, after the change
    (Slack sends it for every profile edit, a deactivation (``deleted``) or a guest conversion
    (``is_restricted`` / ``is_ultra_restricted``))."""
    event: JSON = {"type": "user_change", "user": copy.deepcopy(dict(user))}
    event["cache_ts"] = int(time.time()) if cache_ts is None else cache_ts
    return event


def team_join_event(user: Mapping[str, Any]) -> JSON:
    """A ``team_join`` event: the new member's whole user object."""
    return {"type": "team_join", "user": copy.deepcopy(dict(user))}


def url_verification_body(challenge: str, *, token: str = DEFAULT_VERIFICATION_TOKEN) -> str:
    """The request Slack sends once when the Events request URL is configured."""
    return json.dumps({"token": token, "challenge": challenge, "type": "url_verification"})


# --------------------------------------------------------------------------------------------
# Client


class SlackRequester:
    """Posts signed Slack requests to the app, like Slack's servers would.

    ``app_url`` is the app's base URL (the path defaults to ``/slack/events``). With a
    ``slack`` FakeSlack, trigger_ids and response_urls are issued by that fake, so views.open and
    ``respond()`` land there. ``now`` supplies the signing timestamp (move it to make stale
    signatures). An ``httpx.AsyncClient`` may be shared through ``client``; otherwise one is
    opened per request. ``enterprise_id`` sends as a workspace of that Enterprise Grid org, and
    ``is_enterprise_install`` as one where the app is installed org-wide.
    """

    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        *,
        now: Callable[[], float] = time.time,
        slack: FakeSlack | None = None,
        path: str = "/slack/events",
        team_id: str | None = None,
        api_app_id: str | None = None,
        client: httpx.AsyncClient | None = None,
        timeout: float = 10.0,
        enterprise_id: str | None = None,
        is_enterprise_install: bool = False,
    ) -> None:
        self.url = app_url.rstrip("/") + path
        self.signing_secret = signing_secret
        self.now = now
        self.slack = slack
        self.team_id = team_id or (slack.team_id if slack else DEFAULT_TEAM_ID)
        self.api_app_id = api_app_id or (slack.app_id if slack else DEFAULT_APP_ID)
        self.team_domain = slack.team_domain if slack else DEFAULT_TEAM_DOMAIN
        self.bot_user_id = slack.bot_user_id if slack else DEFAULT_BOT_USER_ID
        self._client = client
        self._timeout = timeout
        self._event_seq = 0
        self.enterprise_id = enterprise_id
        self.is_enterprise_install = is_enterprise_install

    def _in_org(self, payload: JSON) -> JSON:
        """An interactivity payload as Slack sends it from a workspace of a Grid org."""
        if self.enterprise_id is None:
            return payload
        org = {"enterprise": {"id": self.enterprise_id}}
        return {**payload, **org, "is_enterprise_install": self.is_enterprise_install}

    def trigger_id(self, user_id: str) -> str:
        return self.slack.new_trigger_id(user_id) if self.slack else new_trigger_id(user_id)

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        headers: Mapping[str, str] | None = None,
        timestamp: int | None = None,
    ) -> httpx.Response:
        """Sign ``body`` (at ``timestamp``, default ``now()``) and POST it to the app."""
        stamp = int(self.now()) if timestamp is None else timestamp
        all_headers = {"Content-Type": content_type, **sign(self.signing_secret, body, stamp)}
        all_headers.update(headers or {})
        content = body.encode("utf-8")
        if self._client is not None:
            return await self._client.post(self.url, content=content, headers=all_headers)
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            return await client.post(self.url, content=content, headers=all_headers)

    async def command(
        self,
        *,
        command: str,
        user_id: str,
        channel_id: str,
        text: str = "",
        trigger_id: str | None = None,
        response_url: str | None = None,
        user_name: str | None = None,
        channel_name: str = "directmessage",
    ) -> httpx.Response:
        """Send a slash command. Without a FakeSlack, ``response_url`` is required so that
        ``respond()`` can never reach a real Slack host."""
        if response_url is None:
            if self.slack is None:
                raise ValueError("response_url is required when no FakeSlack is attached")
            response_url = self.slack.new_response_url(channel=channel_id, user=user_id)
        body = slash_command_body(
            command=command,
            text=text,
            user_id=user_id,
            team_id=self.team_id,
            channel_id=channel_id,
            trigger_id=trigger_id or self.trigger_id(user_id),
            response_url=response_url,
            user_name=user_name,
            team_domain=self.team_domain,
            channel_name=channel_name,
            api_app_id=self.api_app_id,
            is_enterprise_install=self.is_enterprise_install,
            enterprise_id=self.enterprise_id,
        )
        return await self.post(body, FORM_CONTENT_TYPE)

    async def interaction(self, payload: Mapping[str, Any]) -> httpx.Response:
        """Send any interactivity payload (block_actions, view_submission, view_closed, ...)."""
        return await self.post(interactivity_body(payload), FORM_CONTENT_TYPE)

    async def action(self, payload: Mapping[str, Any]) -> httpx.Response:
        """Send a ``block_actions`` payload (see :func:`block_actions_payload`)."""
        if payload.get("type") != "block_actions":
            raise ValueError("action() expects a block_actions payload")
        return await self.interaction(payload)

    async def click(
        self,
        *,
        user_id: str,
        action_id: str,
        block_id: str,
        value: str | None = None,
        message: Mapping[str, Any] | None = None,
        channel_id: str | None = None,
        view: Mapping[str, Any] | None = None,
        text: str = "Button",
        picked: str | None = None,
        answers: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        """Click a button on a stored message (``message`` + ``channel_id``) or in a view; with
        ``picked``, choose that option of the select accessory ``block_id`` holds instead. In a
        view, ``answers`` (``{block_id: answer}``) is what its inputs hold at the click.

        With a FakeSlack, the trigger_id and (for messages) a response_url tied to the message
        are issued by the fake.
        """
        selected_option: JSON | None = None
        action_type = "button"
        if picked is not None:
            blocks = (view or message or {}).get("blocks") or []
            block = next(b for b in blocks if b.get("block_id") == block_id)
            element = block.get("accessory") or {}
            selected_option = _element_options(element)[picked]
            action_type = str(element["type"])
        response_url = None
        if view is None:
            if message is None:
                raise ValueError("click() needs a message or a view")
            channel_id = channel_id or message.get("channel")
            if channel_id is None:
                raise ValueError("click() needs the message's channel_id")
            if self.slack is None:
                raise ValueError("click() on a message needs a FakeSlack for the response_url")
            response_url = self.slack.new_response_url(
                channel=channel_id, message_ts=message.get("ts"), user=user_id
            )
        payload = block_actions_payload(
            user_id=user_id,
            action_id=action_id,
            block_id=block_id,
            trigger_id=self.trigger_id(user_id),
            team_id=self.team_id,
            value=value,
            text=text,
            message=message,
            channel_id=channel_id,
            response_url=response_url,
            view=view,
            state_values=state_values_for(view, answers) if view and answers else None,
            selected_option=selected_option,
            action_type=action_type,
            team_domain=self.team_domain,
            api_app_id=self.api_app_id,
        )
        return await self.action(self._in_org(payload))

    async def submit_view(
        self,
        *,
        view: Mapping[str, Any],
        user_id: str,
        values: Mapping[str, Any] | None = None,
        answers: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        """Submit a modal: ``values`` is a ready ``state.values``; ``answers`` is
        ``{block_id: answer}`` turned into one by :func:`state_values_for`."""
        if values is None:
            values = state_values_for(view, answers or {})
        payload = view_submission_payload(
            view=view,
            user_id=user_id,
            values=values,
            team_id=self.team_id,
            trigger_id=self.trigger_id(user_id),
            team_domain=self.team_domain,
            api_app_id=self.api_app_id,
        )
        return await self.interaction(self._in_org(payload))

    async def event(
        self,
        event: Mapping[str, Any],
        *,
        event_id: str | None = None,
        event_time: int | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> httpx.Response:
        """Deliver an Events API event. A retry re-sends the same ``event_id`` and
        ``event_time`` (hence the same body) with ``retry_num`` 1..3, freshly signed."""
        if event_id is None:
            self._event_seq += 1
            event_id = f"Ev{int(self.now())}{self._event_seq:04d}"
        authorizations = None
        if self.enterprise_id is not None:
            authorizations = [
                {
                    "enterprise_id": self.enterprise_id,
                    "team_id": None if self.is_enterprise_install else self.team_id,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": self.is_enterprise_install,
                }
            ]
        body = event_body(
            event,
            team_id=self.team_id,
            event_id=event_id,
            event_time=int(self.now()) if event_time is None else event_time,
            api_app_id=self.api_app_id,
            authorizations=authorizations,
            bot_user_id=self.bot_user_id,
        )
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return await self.post(body, JSON_CONTENT_TYPE, headers=headers)

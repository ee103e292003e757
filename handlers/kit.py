"""One way to write an edge: read a click, a submission or a command once, answer through one face.

A listener is built by a factory (`on_click`, `on_submission`) that acknowledges where Slack
needs it, reads the request into a `Click` or a `Submission` (team, user, deps, where it came
from) and calls a handler with it. Handlers answer the person through the request's methods —
reply privately, replace or update the clicked message, open a modal, publish the Home tab —
so each of those is written once. `ViewState` is the one reader of a modal's answers and
`Metadata` the one codec of a modal's `private_metadata`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, ValidationError
from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.errors import refusal
from bot.blocks.home import home_view
from bot.blocks.message import Message
from bot.deps import Deps
from bot.services.errors import RotnemError
from bot.services.home import read_home

logger = logging.getLogger(__name__)

DEPS_KEY = "rotnem_deps"
Listener = Callable[..., Awaitable[None]]


def deps_of(context: AsyncBoltContext) -> Deps:
    """The `Deps` the global middleware put into the request context."""
    deps = context[DEPS_KEY]
    assert isinstance(deps, Deps)
    return deps


async def publish_home(client: AsyncWebClient, deps: Deps, team_id: str, user_id: str) -> None:
    """Build and publish the person's Home tab as it is now (admins also get the summary)."""
    async with deps.sessionmaker() as session:
        config = await deps.program_config(session, team_id)
        home = await read_home(
            session, team_id, user_id, config, now=deps.clock.now(), admin=deps.is_admin(user_id)
        )
    view = home_view(deps.settings.rotnem_command, home)
    await client.views_publish(user_id=user_id, view=view.to_dict())


async def publish_home_quietly(
    client: AsyncWebClient, deps: Deps, team_id: str, user_id: str
) -> None:
    """`publish_home` after a change already answered elsewhere: a failure is only logged."""
    try:
        await publish_home(client, deps, team_id, user_id)
    except SlackApiError as exc:
        logger.warning("views.publish failed for %s: %s", user_id, exc.response.get("error"))


@dataclass(frozen=True)
class Request:
    """What every request carries: who, in which workspace, and the means to answer."""

    deps: Deps
    team_id: str
    user_id: str
    client: AsyncWebClient

    @property
    def command(self) -> str:
        return self.deps.settings.rotnem_command

    async def open_modal(self, trigger_id: str, view: View) -> None:
        await self.client.views_open(trigger_id=trigger_id, view=view.to_dict())

    async def publish_home(self) -> None:
        """The person's Home tab as it is now; a failure is logged (the change already stands)."""
        await publish_home_quietly(self.client, self.deps, self.team_id, self.user_id)

    async def update(self, channel: str | None, ts: str | None, message: Message) -> None:
        """Replace a message of ours in place (a failure is logged: the answer stands)."""
        if not channel or not ts:
            return
        try:
            await self.client.chat_update(channel=channel, ts=ts, **message.to_dict())
        except SlackApiError as exc:
            logger.warning("chat.update failed: %s", exc.response.get("error"))


@dataclass(frozen=True)
class Click(Request):
    """A button click: its value, the message it sits in (if any), how to answer."""

    value: str
    trigger_id: str
    channel: str | None
    ts: str | None
    message: Mapping[str, Any]
    in_message: bool
    response_url: str | None
    respond: AsyncRespond

    @property
    def number(self) -> int | None:
        """The button's value as an ID, or None when it is not one."""
        return int(self.value) if self.value.isascii() and self.value.isdigit() else None

    @classmethod
    def of(
        cls,
        body: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> Click:
        container = body.get("container") or {}
        message = body.get("message") or {}
        return cls(
            deps=deps_of(context),
            team_id=context.team_id
            or (body.get("team") or {}).get("id")
            or body["user"].get("team_id")
            or "",
            user_id=body["user"]["id"],
            client=client,
            value=str(body["actions"][0].get("value") or ""),
            trigger_id=str(body.get("trigger_id") or ""),
            channel=container.get("channel_id") or (body.get("channel") or {}).get("id"),
            ts=container.get("message_ts") or message.get("ts"),
            message=message,
            in_message=container.get("type") == "message",
            response_url=body.get("response_url"),
            respond=respond,
        )

    async def say(self, message: Message | str) -> None:
        """Answer only the person who clicked, below the message."""
        if isinstance(message, str):
            message = Message(text=message)
        await self.respond(response_type="ephemeral", replace_original=False, **message.to_dict())

    async def replace(self, message: Message) -> None:
        """Replace the clicked message (its buttons go with it)."""
        await self.respond(replace_original=True, **message.to_dict())

    async def update_clicked(self, message: Message) -> None:
        await self.update(self.channel, self.ts, message)


def on_click(handler: Callable[[Click], Awaitable[None]]) -> Listener:
    """A `block_actions` listener: acknowledge, read the click, hand it to `handler`; a
    service's refusal (`RotnemError`) is answered to the person who clicked."""

    async def listener(
        ack: AsyncAck,
        body: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        click = Click.of(body, context, client, respond)
        try:
            await handler(click)
        except RotnemError as error:
            # The one answer to a refused click: nothing changed, and why.
            await click.say(refusal(error))

    return listener


class ViewState:
    """The answers of a modal whose inputs share one `action_id`, whatever is missing."""

    def __init__(self, values: Mapping[str, Any], action_id: str) -> None:
        self._values = values
        self._action_id = action_id

    def _state(self, block_id: str) -> Mapping[str, Any]:
        block = self._values.get(block_id)
        answer = block.get(self._action_id) if isinstance(block, Mapping) else None
        return answer if isinstance(answer, Mapping) else {}

    def text(self, block_id: str) -> str | None:
        """A text input's value, stripped; None when empty."""
        value = self._state(block_id).get("value")
        return value.strip() or None if isinstance(value, str) else None

    def selected(self, block_id: str) -> str | None:
        """The value of a select's or radio group's chosen option."""
        option = self._state(block_id).get("selected_option")
        value = option.get("value") if isinstance(option, Mapping) else None
        return str(value) if value is not None else None

    def selected_many(self, block_id: str) -> tuple[str, ...]:
        options = self._state(block_id).get("selected_options") or []
        return tuple(str(o["value"]) for o in options if isinstance(o, Mapping) and "value" in o)

    def user(self, block_id: str) -> str | None:
        user = self._state(block_id).get("selected_user")
        return user if isinstance(user, str) else None

    def conversation(self, block_id: str) -> str | None:
        channel = self._state(block_id).get("selected_conversation")
        return channel if isinstance(channel, str) else None


class Metadata(BaseModel):
    """A modal's `private_metadata`, from the moment it opens to its submission (fields carry
    short aliases: Slack allows 3,000 characters, and modals opened before an upgrade keep
    theirs)."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    def dump(self) -> str:
        return self.model_dump_json(by_alias=True)

    @classmethod
    def load(cls, raw: str) -> Self | None:
        """The metadata, or None when it is missing or not ours."""
        try:
            return cls.model_validate_json(raw or "{}")
        except ValidationError:
            return None


@dataclass(frozen=True)
class Submission(Request):
    """A modal's submission: its answers and metadata, and the ack that answers Slack."""

    state: ViewState
    private_metadata: str
    ack: AsyncAck

    async def errors(self, errors: Mapping[str, str]) -> None:
        """Keep the modal open with a message under each field."""
        await self.ack(response_action="errors", errors=dict(errors))

    async def close(self) -> None:
        await self.ack()


def on_submission(
    handler: Callable[[Submission], Awaitable[None]], action_id: str, *, refusals_on: str
) -> Listener:
    """A `view_submission` listener: read the submission (inputs under `action_id`) and hand it
    to `handler`, which acknowledges: with field errors, or by closing the modal. A service's
    refusal (`RotnemError`) keeps the modal open with its sentence on `refusals_on`."""

    async def listener(
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        user = body["user"]
        submission = Submission(
            deps=deps_of(context),
            team_id=context.team_id or user.get("team_id") or "",
            user_id=user["id"],
            client=client,
            state=ViewState((view.get("state") or {}).get("values") or {}, action_id),
            private_metadata=str(view.get("private_metadata") or ""),
            ack=ack,
        )
        try:
            await handler(submission)
        except RotnemError as error:
            await submission.errors({refusals_on: refusal(error).text})

    return listener

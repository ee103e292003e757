"""One way to write an edge: read a click, a submission or a command once, answer through one face.

A listener is built by a factory (`on_click`, `on_submission`; the command router uses the same
runner) that reads the request into a `Click`, `Submission` or command call (team, user, deps,
where it came from) and calls a handler with it. Handlers answer the person through the
request's methods — reply privately, replace or update the clicked message, open a modal,
publish the Home tab — so each of those is written once. `ViewState` is the one reader of a
modal's answers and `Metadata` the one codec of a modal's `private_metadata`.

**Save first, then tell Slack, and always in time.** A handler changes data inside
`request.saving()`: a transaction whose lock and statement waits are bounded, and whose commit
is followed by the acknowledgement — so a closed modal or a quiet button always means the
change is stored. `answer_in_time` is the one error path: whatever happens before the
acknowledgement (a refusal, a database that cannot write in time, Slack being slow, a bug),
the person gets a true answer within Slack's three seconds — "nothing changed, and why" — and
never a closed modal with nothing saved.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, Self, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.errors import (
    admins_only_message,
    apology,
    could_not_save,
    notice_modal,
    refusal,
    too_slow,
)
from bot.blocks.home import home_view, programs_home_view
from bot.blocks.kit import in_program, unescape, use_program
from bot.blocks.message import Message
from bot.db import bounded_transaction
from bot.deps import Deps
from bot.i18n import speaking, use_language
from bot.install.keys import data_key, program_number, workspace_of
from bot.services.errors import RotnemError
from bot.services.home import Home, ProgramHome, read_home
from bot.services.program.programs import open_programs
from bot.services.text import whole_number
from bot.services.wording import Wording, team_wording
from bot.slack import slack_locale

logger = logging.getLogger(__name__)

DEPS_KEY = "rotnem_deps"
PROGRAM_KEY = "rotnem_program"
Listener = Callable[..., Awaitable[None]]
R = TypeVar("R", bound="Request")

# Slack waits three seconds for the acknowledgement: what precedes it gets 2.5, and a request's
# transaction gives up waiting for a lock or a statement after 1.5 (so its failure, too, is
# answered in time).
ANSWER_WITHIN = 2.5
WRITE_WITHIN = 1.5


def deps_of(context: AsyncBoltContext) -> Deps:
    """The `Deps` the global middleware put into the request context."""
    deps = context[DEPS_KEY]
    assert isinstance(deps, Deps)
    return deps


def workspace_of_request(context: AsyncBoltContext) -> str:
    """The key of the request's workspace (its first program's): its workspace's ID, or its
    Grid org's when Rotnem is installed org-wide by OAuth (one SLACK_BOT_TOKEN always keeps the
    workspace's)."""
    org_wide = bool(context.is_enterprise_install) and deps_of(context).installations is not None
    return data_key(context.team_id, context.enterprise_id, org_wide)


def team_of(context: AsyncBoltContext) -> str:
    """The key the request's data is under: the program the clicked button or the submitted
    modal belongs to (`handlers.middleware`), else the workspace's first."""
    program = context.get(PROGRAM_KEY)
    return program if isinstance(program, str) else workspace_of_request(context)


async def publish_home(client: AsyncWebClient, deps: Deps, team_id: str, user_id: str) -> None:
    """Build and publish the person's Home tab as it is now: the program's, or with several
    open in the workspace of `team_id` (any of its programs' keys), each one's; admins also get
    the summary of the programs they run."""
    now = deps.clock.now()
    async with deps.sessionmaker() as session:
        programs = await open_programs(session, workspace_of(team_id))
        homes = [
            ProgramHome(program, await _home_in(session, deps, program.key, user_id, now))
            for program in programs
        ]
    with speaking(await deps.language_of(team_id, [user_id], partial(slack_locale, client))):
        command = deps.settings.rotnem_command
        if len(homes) == 1:
            # Its buttons come back to it, whichever program's click asked for the tab.
            with in_program(homes[0].program.number):
                view = home_view(command, homes[0].home)
        else:
            view = programs_home_view(command, homes)
    await client.views_publish(user_id=user_id, view=view.to_dict())


async def _home_in(
    session: AsyncSession, deps: Deps, key: str, user_id: str, now: datetime
) -> Home:
    """The person's Home in one program, with its figures when they administer it."""
    config = await deps.program_config(session, key)
    admin = user_id in deps.settings.rotnem_admins or user_id in config.managers
    return await read_home(session, key, user_id, config, now=now, admin=admin)


async def publish_home_quietly(
    client: AsyncWebClient, deps: Deps, team_id: str, user_id: str
) -> None:
    """`publish_home` after a change already answered elsewhere: a failure is only logged."""
    try:
        await publish_home(client, deps, team_id, user_id)
    except SlackApiError as exc:
        logger.warning("views.publish failed for %s: %s", user_id, exc.response.get("error"))


class Acknowledgement:
    """The one answer Slack waits for: given once, and what follows it has no three-second
    limit any more."""

    def __init__(self, ack: AsyncAck) -> None:
        self._ack = ack
        self._deadline: asyncio.Timeout | None = None
        self.given = False
        # Set when a transaction is about to commit: from then on, "nothing changed" may be
        # untrue, so a late answer does not say it.
        self.committing = False
        # What the acknowledgement after a commit carries (a modal's next step), if anything.
        self.on_commit: dict[str, Any] = {}
        # Done once Slack has its answer: the HTTP response leaves then, the listener goes on.
        self.answered: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    @asynccontextmanager
    async def due(self) -> AsyncIterator[None]:
        """Slack's window: what runs inside reaches the acknowledgement within `ANSWER_WITHIN`
        seconds or gets a TimeoutError; once it is given, the rest has no limit."""
        async with asyncio.timeout(ANSWER_WITHIN) as deadline:
            self._deadline = deadline
            try:
                yield
            finally:
                self._deadline = None

    async def give(self, **kwargs: Any) -> None:
        if self.given:
            return
        self.given = True
        if self._deadline is not None:
            self._deadline.reschedule(None)
        try:
            await self._ack(**kwargs)
        finally:
            self.settle()

    def settle(self, *_: object) -> None:
        """Let the HTTP response leave (with whatever was acknowledged, if anything)."""
        if not self.answered.done():
            self.answered.set_result(None)


@dataclass(frozen=True)
class Request:
    """What every request carries: who, in which workspace, and the means to answer."""

    deps: Deps
    team_id: str
    user_id: str
    client: AsyncWebClient
    acknowledgement: Acknowledgement

    @asynccontextmanager
    async def saving(self) -> AsyncIterator[AsyncSession]:
        """A transaction for this request's change; once it commits, Slack is told the request
        worked (the acknowledgement: a modal closes, a click is answered)."""
        async with bounded_transaction(self.deps.sessionmaker, WRITE_WITHIN) as session:
            yield session
            self.acknowledgement.committing = True
        await self.acknowledgement.give(**self.acknowledgement.on_commit)

    async def refuse(self, message: Message) -> None:
        """Tell the person that nothing changed, and why (how depends on the request)."""
        raise NotImplementedError

    @property
    def command(self) -> str:
        return self.deps.settings.rotnem_command

    async def open_modal(self, trigger_id: str, view: View) -> None:
        await self.client.views_open(trigger_id=trigger_id, view=view.to_dict())

    async def push_view(self, trigger_id: str, view: View) -> None:
        """A modal on top of the one clicked in, after the acknowledgement (a refusal — the
        trigger expired, three modals already stacked — is logged: nothing was changed)."""
        try:
            await self.client.views_push(trigger_id=trigger_id, view=view.to_dict())
        except SlackApiError as exc:
            logger.warning("views.push failed: %s", exc.response.get("error"))

    async def update_view(self, view_id: str, view: View, view_hash: str | None = None) -> None:
        """Replace an open modal (with `view_hash`: unless it changed since; a refusal, such as
        the person having closed it, is logged: whatever was saved stands)."""
        try:
            await self.client.views_update(view_id=view_id, hash=view_hash, view=view.to_dict())
        except SlackApiError as exc:
            logger.warning("views.update failed: %s", exc.response.get("error"))

    async def publish_home(self) -> None:
        """The person's Home tab as it is now; a failure is logged (the change already stands)."""
        await publish_home_quietly(self.client, self.deps, self.team_id, self.user_id)

    async def is_admin(self) -> bool:
        """Whether the person administers this workspace's program (checked afresh: every
        admin action asks, whatever the UI showed)."""
        return await self.deps.is_admin(self.team_id, self.user_id)

    async def wording(self) -> Wording:
        """HR's texts of this workspace, for a message of ours rendered again after a click (the
        dispatcher reads them for what it sends)."""
        async with self.deps.sessionmaker() as session:
            return await team_wording(session, self.team_id)

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
    """A click on a button or a pick in a select: its value, the message or modal it sits in
    (if any), how to answer."""

    value: str
    trigger_id: str
    channel: str | None
    ts: str | None
    message: Mapping[str, Any]
    in_message: bool
    response_url: str | None
    respond: AsyncRespond
    # The modal clicked in (its `id`, `hash`, `state`, `private_metadata`); empty for a message.
    view: Mapping[str, Any]

    @property
    def number(self) -> int | None:
        """The button's value as an ID, or None when it is not one."""
        return whole_number(self.value)

    @classmethod
    def of(
        cls,
        body: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
        respond: AsyncRespond,
        acknowledgement: Acknowledgement,
    ) -> Click:
        container = body.get("container") or {}
        message = body.get("message") or {}
        action = body["actions"][0]
        picked = action.get("selected_option") or {}
        return cls(
            deps=deps_of(context),
            acknowledgement=acknowledgement,
            team_id=team_of(context),
            user_id=body["user"]["id"],
            client=client,
            value=str(action.get("value") or picked.get("value") or ""),
            trigger_id=str(body.get("trigger_id") or ""),
            channel=container.get("channel_id") or (body.get("channel") or {}).get("id"),
            ts=container.get("message_ts") or message.get("ts"),
            message=message,
            in_message=container.get("type") == "message",
            response_url=body.get("response_url"),
            respond=respond,
            view=body.get("view") or {},
        )

    async def admin_number(self, unknown: Message | str) -> int | None:
        """The button's ID for an admin's click (checked on the server for every click, whatever
        the message showed); None, answered, for anyone else or a value that is no ID (`unknown`
        says which thing was not recognised)."""
        if not await self.is_admin():
            await self.say(admins_only_message())
            return None
        if self.number is None:
            await self.say(unknown)
        return self.number

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

    async def refuse(self, message: Message) -> None:
        """Below the clicked message; a click on the Home tab has no message to answer under,
        so a small modal says it (with the click's trigger_id, if still unused)."""
        await self.acknowledgement.give()
        try:
            if self.response_url:
                await self.say(message)
            else:
                await self.open_modal(self.trigger_id, notice_modal(message.text))
        except SlackApiError as exc:
            logger.warning("Could not show a refusal: %s", exc.response.get("error"))


async def answer_in_time(request: R, handler: Callable[[R], Awaitable[None]]) -> None:
    """Run `handler` so that Slack always gets one true answer in time (see the module's
    docstring): a refusal, a database that could not save, a slow step or a bug before the
    acknowledgement is answered as such; after it, the change stands and a failure is logged."""
    acknowledgement = request.acknowledgement
    try:
        async with acknowledgement.due():
            # The answer, and all the handler composes, in the person's language, and every
            # button and modal it builds bringing the next click back to this program.
            use_language(await _language(request))
            use_program(program_number(request.team_id))
            await handler(request)
    except RotnemError as error:
        await request.refuse(refusal(error))
    except TimeoutError:  # before OSError, of which it is a kind
        logger.warning("%s not answered within %.1fs", type(request).__name__, ANSWER_WITHIN)
        if not acknowledgement.committing:
            await request.refuse(too_slow())
    except (SQLAlchemyError, OSError) as error:
        if acknowledgement.committing:
            # The change may stand: not "nothing changed", but a bug report.
            await _apologise(request)
        else:
            logger.warning("Could not save %s: %s", type(request).__name__, _one_line(error))
            await request.refuse(could_not_save())
    except Exception:
        await _apologise(request)
    finally:
        await acknowledgement.give()


async def answer_then_continue(request: R, handler: Callable[[R], Awaitable[None]]) -> None:
    """The body of a Bolt listener: `answer_in_time` as a tracked task (`bot.after_ack`),
    awaited only until Slack has its answer — the HTTP response leaves at once and the rest of
    the handler (a reply, the Home tab) goes on after it. Saving still comes first: `saving()`
    acknowledges only once its transaction has committed."""
    acknowledgement = request.acknowledgement
    task = request.deps.after_ack.start(answer_in_time(request, handler), type(request).__name__)
    task.add_done_callback(acknowledgement.settle)
    await acknowledgement.answered


async def _language(request: Request) -> str:
    """The person's language; with the database away, the environment's (the help needs no
    database, and a handler that does says so in that language)."""
    try:
        return await request.deps.language_of(
            request.team_id, [request.user_id], partial(slack_locale, request.client)
        )
    except (SQLAlchemyError, OSError) as error:
        logger.warning("Could not read %s's language: %s", request.user_id, _one_line(error))
        return request.deps.settings.rotnem_language


async def _apologise(request: Request) -> None:
    """An unexpected error: its traceback in the log, a reference to it for the person."""
    reference = secrets.token_hex(4).upper()
    logger.exception("Unhandled error (reference %s)", reference)
    await request.refuse(apology(reference))


def _one_line(error: BaseException) -> str:
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__


def exactly(names: Iterable[str]) -> re.Pattern[str]:
    """A Bolt constraint matching any of `names`, whole.

    One listener per kind of request, dispatching by ID itself: Bolt tries every listener's
    matcher on every request, each with its own argument injection, so a listener per button
    made an event pay for some forty matchers before reaching its own."""
    return re.compile("^(?:" + "|".join(re.escape(name) for name in names) + ")$")


def on_click(handlers: Mapping[str, Callable[[Click], Awaitable[None]]]) -> Listener:
    """The `block_actions` listener: read the click and hand it to the handler for its
    `action_id`, answered in time (`answer_in_time`); a click that saves nothing is
    acknowledged when the handler is done."""

    async def listener(
        ack: AsyncAck,
        body: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
        context: AsyncBoltContext,
    ) -> None:
        handler = handlers[body["actions"][0]["action_id"]]
        click = Click.of(body, context, client, respond, Acknowledgement(ack))
        await answer_then_continue(click, handler)

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

    def answered(self, block_id: str) -> bool:
        """Whether the modal had this block (one opened before an input existed has not)."""
        return block_id in self._values

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

    def date(self, block_id: str) -> str | None:
        """A date picker's day as Slack sends it (`YYYY-MM-DD`); None when none is picked."""
        value = self._state(block_id).get("selected_date")
        return value if isinstance(value, str) else None

    def users(self, block_id: str) -> tuple[str, ...]:
        """A multi-users select's people."""
        users = self._state(block_id).get("selected_users") or []
        return tuple(str(user) for user in users if isinstance(user, str))

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
    """A modal's submission: its answers and metadata; `refusals_on` is the block under which a
    refusal that belongs to no field is shown."""

    state: ViewState
    private_metadata: str
    refusals_on: str

    async def errors(self, errors: Mapping[str, str]) -> None:
        """Keep the modal open with a message under each field (nothing was saved)."""
        await self.acknowledgement.give(response_action="errors", errors=dict(errors))

    def then_show(self, view: View) -> None:
        """Once the change is saved, replace this modal with `view` (a next step) instead of
        closing it; call inside `saving()`."""
        self.acknowledgement.on_commit = {"response_action": "update", "view": view.to_dict()}

    def then_close_all(self) -> None:
        """Once the change is saved, close this modal and the ones under it; call inside
        `saving()`."""
        self.acknowledgement.on_commit = {"response_action": "clear"}

    async def refuse(self, message: Message) -> None:
        if self.acknowledgement.given:
            # The modal closed with the change saved; what failed after it is only logged.
            logger.warning("Not shown after the modal closed: %s", message.text)
            return
        # Field errors are plain text: the sentence as written, not its mrkdwn escapes.
        await self.errors({self.refusals_on: unescape(message.text)})


@dataclass(frozen=True)
class Modal:
    """How a modal's submission is handled: `handler`, with the answers of the inputs under
    `action_id`, and refusals that belong to no field shown under the block `refusals_on`."""

    handler: Callable[[Submission], Awaitable[None]]
    action_id: str
    refusals_on: str


def on_submission(modals: Mapping[str, Modal]) -> Listener:
    """The `view_submission` listener: read the submission and hand it to its modal's handler
    (by `callback_id`), answered in time: field errors keep the modal open, `saving()` closes
    it once the change is stored; anything that goes wrong before that keeps it open with a
    sentence under the modal's `refusals_on`."""

    async def listener(
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        modal = modals[view["callback_id"]]
        user = body["user"]
        submission = Submission(
            deps=deps_of(context),
            team_id=team_of(context),
            user_id=user["id"],
            client=client,
            acknowledgement=Acknowledgement(ack),
            state=ViewState((view.get("state") or {}).get("values") or {}, modal.action_id),
            private_metadata=str(view.get("private_metadata") or ""),
            refusals_on=modal.refusals_on,
        )
        await answer_then_continue(submission, modal.handler)

    return listener

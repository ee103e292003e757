"""Everything a test builds or does, in one place for every test folder.

- the running bot: the real app served over HTTP exactly as `rotnem serve` builds it, with a real
  `Dispatcher` (the bot's notice kinds, pacing in the test's clock) to drain its outbox;
- steps a person takes in Slack: type `/rotnem …`, fill and submit a modal, click a button;
- a program run by HR (`Program`): people joined and paired through the real services, the jobs
  called as the scheduler calls them, the outbox drained into the fake Slack;
- an outbox without an app (`Outbox`), for the dispatcher's own tests;
- known data sets (`cohort`, `known_program`, `asked`), rows read back, and the CLI (as a
  subprocess, or in this process as a fresh one would run it).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

import aiohttp
import httpx
import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import func, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.blocks.message import Message
from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.db import SessionMaker, create_sessionmaker
from bot.delivery.config import DispatchConfig
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.kinds import NoticeKind, NoticeKinds
from bot.delivery.outbox import METADATA_EVENT_TYPE, enqueue
from bot.delivery.pacing import Pacer
from bot.deps import Deps, build_deps
from bot.ids import ActionId, BlockId
from bot.install.tokens import SingleToken, Tokens, dispatch_tokens
from bot.jobs.checkins import checkins_tick, enqueue_checkins
from bot.jobs.prompts import enqueue_prompts, prompts_tick
from bot.jobs.stalls import stalls_tick
from bot.notice_kinds import notice_kinds
from bot.runtime import build_server_app
from bot.sandbox import Call, FakeSlack, SlackRequester, block_actions_payload, installing
from bot.sandbox.serving import serve_locally
from bot.services import tools
from bot.services.enrollment.identity import Identity
from bot.services.enrollment.profile import ProfileInput, save_profile
from bot.services.enrollment.queries import Profile, Status, ToolRef
from bot.services.events import remember_workspace
from bot.services.figures import (
    Meetings,
    Pairs,
    Participants,
    ProgramFigures,
    Standing,
    Usefulness,
    WeekFigures,
)
from bot.services.installs import record_install
from bot.services.notices import Notice, Rendered, Sent
from bot.services.program.programs import create_program
from bot.services.program.settings import defaults_from, update_program_settings
from bot.services.program.templates import PROGRAM_TEMPLATES
from bot.services.report.learning import refresh_latest_confidence
from bot.services.rounds.manual import create_manual_pair
from models import (
    Base,
    CheckIn,
    FitCheck,
    FollowUp,
    OutboxMessage,
    Pair,
    PairSession,
    Participant,
    ParticipantTool,
    Role,
    SessionReport,
    StateChange,
    Survey,
    SurveyConfidence,
    TeachBack,
    Tool,
    ToolBaseline,
    WeeklyPrompt,
)
from tests.in_process import run_in_process

T = TypeVar("T")
M = TypeVar("M", bound=Base)
JSON = dict[str, Any]

ROOT = Path(__file__).resolve().parents[1]

# A Monday morning, so weekly schedules start from a known place.
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
ADMIN_ID = "UADMIN001"
COMMAND = "/rotnem"

# The workspace's cast (`add_people`, the `people` fixture).
GUIDE = "U0GUIDE01"  # Europe/London
LEARNER = "U0LEARN01"  # America/New_York
BOTH = "U0BOTH001"
MANAGER = "U0BOSS001"
BOT_USER = "U0SOMEBOT"
DELETED = "U0GONE001"
GUEST = "U0GUEST01"
CHANNEL = "C0GENERAL1"

# Someone who has never used the bot, opening its Home tab.
NEWCOMER = "U0ANA0001"
HOME_OPENED = {"type": "app_home_opened", "user": NEWCOMER, "channel": "D0HOME001", "tab": "home"}

# A program's channels: where the round is announced, where HR types commands.
ANNOUNCE = "C0PROGRAM1"
HR_DESK = "C0HRDESK01"

# The workspace of the outbox tests (no app, so no fake Slack team to borrow).
TEAM = "T123ABC456"

BOTH_BACKENDS = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


# --------------------------------------------------------------------------------------------
# Waiting: listeners answer after the ack, so tests poll with a deadline.


async def eventually_async(
    probe: Callable[[], Awaitable[T | Literal[False] | None]], timeout: float = 5.0
) -> T:
    """Poll `probe` until it returns something truthy."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.01)


async def eventually(probe: Callable[[], T | Literal[False] | None], timeout: float = 5.0) -> T:
    """`eventually_async` for a probe that only reads the fake Slack."""

    async def ask() -> T | Literal[False] | None:
        return probe()

    return await eventually_async(ask, timeout)


# --------------------------------------------------------------------------------------------
# The outbox's dispatcher, in the test's clock.


def make_config(**overrides: Any) -> DispatchConfig:
    """The outbox tests' dispatch settings: fast, few workers, short backoff."""
    values: dict[str, Any] = {
        "post_rate_per_minute": 600.0,
        "concurrency": 4,
        "backoff_base_seconds": 1.0,
        "max_attempts": 10,
    }
    values.update(overrides)
    return DispatchConfig(**values)


def virtual_pacer(clock: ManualClock, config: DispatchConfig) -> Pacer:
    """Pacing in the test's clock: waiting moves the clock instead of sleeping."""

    async def sleep(seconds: float) -> None:
        # The clock has microsecond resolution: never round a wait down to nothing.
        clock.advance(timedelta(microseconds=math.ceil(seconds * 1_000_000)))
        await asyncio.sleep(0)

    return config.pacer(clock=lambda: clock.now().timestamp(), sleep=sleep)


def make_dispatcher(
    *,
    sessionmaker: SessionMaker,
    clock: ManualClock,
    slack: FakeSlack,
    http: aiohttp.ClientSession,
    kinds: NoticeKinds,
    config: DispatchConfig,
    owner: str | None = None,
    tokens: Tokens | None = None,
) -> Dispatcher:
    """A real dispatcher sending to the fake Slack (no client retries: the dispatcher's own);
    with the one bot token unless given the `tokens` of an install by OAuth."""
    if tokens is None:
        client = AsyncWebClient(
            token=BOT_TOKEN, base_url=slack.api_url, session=http, retry_handlers=[]
        )
        tokens = SingleToken(client, sessionmaker, clock)
    return Dispatcher(
        sessionmaker=sessionmaker,
        clock=clock,
        tokens=tokens,
        kinds=kinds,
        config=config,
        pacer=virtual_pacer(clock, config),
        owner=owner,
    )


async def deliver_all(dispatcher: Dispatcher, clock: ManualClock, max_rounds: int = 500) -> None:
    """Dispatch until every row is sent or failed, jumping the clock to the next due row."""
    for _ in range(max_rounds):
        if await dispatcher.run_once():
            continue
        due = await dispatcher.next_due()
        if due is None:
            return
        if due > clock.now():
            clock.set(due)
    raise AssertionError("the outbox did not drain")


def answer_of(call: Call) -> JSON:
    """What the fake Slack answered a call (none when the connection was dropped)."""
    assert call.response is not None, f"{call.method} got no answer"
    return call.response


def posted_to(channel: str) -> Callable[[dict[str, Any]], bool]:
    """A fault's `when`: calls whose `channel` argument is `channel`."""
    return lambda args: bool(args["channel"] == channel)


async def enqueue_text(
    session: AsyncSession, key: str, text: str, *, channel: str, now: datetime
) -> bool:
    """A plain-text message to `channel` in TEAM's outbox (the rows' shape does not matter)."""
    return await enqueue(
        session, team_id=TEAM, dedupe_key=key, notice=Rendered(text=text), channel=channel, now=now
    )


def deliveries(slack: FakeSlack) -> Counter[int]:
    """How often each outbox row reached a conversation in the fake Slack."""
    return Counter(
        int(message["metadata"]["event_payload"]["outbox_id"])
        for message in slack.messages()
        if message.get("metadata", {}).get("event_type") == METADATA_EVENT_TYPE
    )


# --------------------------------------------------------------------------------------------
# The running bot.


def bot_settings(
    *, database_url: str, slack: FakeSlack, oauth: bool = False, **overrides: Any
) -> Settings:
    """The bot's settings for a test: the fake Slack, one HR admin, UTC; with `oauth`, the app's
    client credentials instead of one workspace's bot token."""
    values: dict[str, Any] = {
        "_env_file": None,
        "slack_bot_token": None if oauth else BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": slack.api_url,
        "database_url": database_url,
        "rotnem_admins": ADMIN_ID,
        "rotnem_timezone": "UTC",
        "log_level": "INFO",
    }
    if oauth:
        values |= {
            "slack_client_id": installing.CLIENT_ID,
            "slack_client_secret": installing.CLIENT_SECRET,
            "slack_state_secret": installing.STATE_SECRET,
        }
    values.update(overrides)
    return load_settings(**values)


@dataclass
class RunningBot:
    url: str
    deps: Deps
    clock: ManualClock
    slack: FakeSlack
    requester: SlackRequester
    dispatcher: Dispatcher

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"


@asynccontextmanager
async def start_bot(
    *,
    database_url: str,
    slack: FakeSlack,
    clock: ManualClock,
    oauth: bool = False,
    **overrides: Any,
) -> AsyncIterator[RunningBot]:
    """Serve the app built exactly as `rotnem serve` builds it, until the block ends; its outbox
    is drained by hand (`deliver_all`) with the bot's own notice kinds. With `oauth`, it is
    installed by OAuth (`bot.sandbox.installing`) and answers only workspaces that installed it."""
    if oauth:
        installing.accept_app(slack)
    settings = bot_settings(database_url=database_url, slack=slack, oauth=oauth, **overrides)
    deps = build_deps(settings, clock=clock)
    config = DispatchConfig(post_rate_per_minute=6000.0, open_rate_per_minute=6000.0, concurrency=8)
    async with (
        serve_locally(build_server_app(deps)) as url,
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http,
    ):
        requester = SlackRequester(url, SIGNING_SECRET, slack=slack)
        dispatcher = make_dispatcher(
            sessionmaker=deps.sessionmaker,
            clock=clock,
            slack=slack,
            http=http,
            kinds=notice_kinds(),
            config=config,
            # As `rotnem worker` sends: each workspace's rows with its own installation's token.
            tokens=dispatch_tokens(deps, http) if oauth else None,
        )
        yield RunningBot(url, deps, clock, slack, requester, dispatcher)


def add_people(slack: FakeSlack) -> None:
    """The cast: a guide, a learner, someone both ways, a manager, HR, and three who can't join."""
    slack.add_user(GUIDE, real_name="Gia Guide", tz="Europe/London")
    slack.add_user(LEARNER, real_name="Lev Learner", tz="America/New_York")
    slack.add_user(BOTH, real_name="Bo Both", tz="Europe/Paris")
    slack.add_user(MANAGER, real_name="Max Manager", tz="Europe/London")
    slack.add_user(ADMIN_ID, real_name="Hana HR", tz="Europe/London")
    slack.add_user(BOT_USER, real_name="Some Bot", is_bot=True)
    slack.add_user(DELETED, real_name="Gone Person", deleted=True)
    slack.add_user(GUEST, real_name="Guest Person", is_restricted=True)


# --------------------------------------------------------------------------------------------
# Rows read back.


async def rows(sessionmaker: SessionMaker, model: type[M], **where: object) -> list[M]:
    """Rows of `model` matching `where` (column=value), in primary-key order."""
    async with sessionmaker() as session:
        query = select(model).filter_by(**where).order_by(*inspect(model).primary_key)
        return list(await session.scalars(query))


async def count(sessionmaker: SessionMaker, model: type[Base]) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def tool_ids(bot: RunningBot, *names: str) -> list[str]:
    async with bot.deps.sessionmaker() as session:
        found = (await session.scalars(select(Tool).where(Tool.name.in_(names)))).all()
    ids = {tool.name: str(tool.id) for tool in found}
    return [ids[name] for name in names]


async def participant(bot: RunningBot, user: str) -> Participant | None:
    found = await rows(bot.deps.sessionmaker, Participant, team_id=bot.slack.team_id, user_id=user)
    return found[0] if found else None


async def participant_tools(bot: RunningBot, user: str) -> dict[str, set[str]]:
    async with bot.deps.sessionmaker() as session:
        found = await session.execute(
            select(ParticipantTool.direction, Tool.name, ParticipantTool.other_name)
            .join(Participant, Participant.id == ParticipantTool.participant_id)
            .outerjoin(Tool, Tool.id == ParticipantTool.tool_id)
            .where(Participant.user_id == user)
        )
        named: dict[str, set[str]] = {"teach": set(), "learn": set()}
        for direction, name, other in found:
            named[direction].add(name or other or "")
        return named


async def state_log(bot: RunningBot, user: str) -> list[tuple[str | None, str, str]]:
    async with bot.deps.sessionmaker() as session:
        found = await session.execute(
            select(StateChange.from_state, StateChange.to_state, StateChange.via)
            .join(Participant, Participant.id == StateChange.participant_id)
            .where(Participant.user_id == user)
            .order_by(StateChange.id)
        )
        return [(row[0], row[1], row[2]) for row in found]


# --------------------------------------------------------------------------------------------
# What a person does in Slack, and what they see.


@dataclass
class Answer:
    """What a command answered: the HTTP ack and the response_url it may reply through."""

    response: httpx.Response
    url: str


async def command(
    bot: RunningBot,
    user: str,
    text: str,
    *,
    channel: str = CHANNEL,
    response_url: str | None = None,
) -> httpx.Response:
    """Type `/rotnem <text>` as `user`; the HTTP ack, whatever it is."""
    return await bot.requester.command(
        command=COMMAND, user_id=user, channel_id=channel, text=text, response_url=response_url
    )


async def rotnem(bot: RunningBot, user: str, text: str) -> Answer:
    """Type `/rotnem <text>`, acked with 200, with a response_url of its own to read replies."""
    url = bot.slack.new_response_url(channel=CHANNEL, user=user)
    response = await command(bot, user, text, response_url=url)
    assert response.status_code == 200, response.text
    return Answer(response, url)


async def reply(bot: RunningBot, answer: Answer, count: int = 1) -> JSON:
    """The `count`-th message posted to the command's response_url."""
    responses = await eventually(
        lambda: (r := bot.slack.responses(answer.url)) and len(r) >= count and r
    )
    return responses[count - 1]


async def ephemeral_text(bot: RunningBot, user: str, text: str) -> str:
    answer = await rotnem(bot, user, text)
    message = await reply(bot, answer)
    assert message.get("response_type") == "ephemeral"
    assert message["blocks"], "Block Kit with a text fallback"
    return str(message["text"])


async def command_modal(bot: RunningBot, user: str, text: str = "join") -> tuple[Answer, JSON]:
    """Type a command that opens a modal: its (empty) ack, and the modal Slack now shows."""
    before = len(bot.slack.open_views(user))
    answer = await rotnem(bot, user, text)
    assert answer.response.content == b""
    views = await eventually(lambda: (v := bot.slack.open_views(user)) and len(v) > before and v)
    return answer, views[-1]


async def open_modal(bot: RunningBot, user: str, text: str = "join") -> JSON:
    return (await command_modal(bot, user, text))[1]


def profile_answers(
    *,
    role: str,
    teach: list[str] | None = None,
    learn: list[str] | None = None,
    department: str | None = "Finance",
    **extra: Any,
) -> dict[str, Any]:
    """The profile modal's answers by block ID (`extra`: `goals=…` for `profile_goals`, …)."""
    answers: dict[str, Any] = {BlockId.PROFILE_ROLE: role}
    if teach is not None:
        answers[BlockId.PROFILE_TEACH] = teach
    if learn is not None:
        answers[BlockId.PROFILE_LEARN] = learn
    if department is not None:
        answers[BlockId.PROFILE_DEPARTMENT] = department
    for key, value in extra.items():
        answers[BlockId(f"profile_{key}")] = value
    return answers


async def submit(
    bot: RunningBot, user: str, view: Mapping[str, Any], answers: Mapping[str, Any]
) -> JSON:
    """Submit the modal; the ack body (`{}` when it closes)."""
    response = await bot.requester.submit_view(view=view, user_id=user, answers=answers)
    assert response.status_code == 200, response.text
    body: JSON = response.json() if response.content else {}
    return body


def saved(ack: Mapping[str, Any]) -> bool:
    """Whether a profile modal's ack says it was saved: the modal closed, or moved on to the
    "How confident are you today?" step for the tools chosen."""
    return not ack or (ack.get("response_action") == "update" and "view" in ack)


async def join(bot: RunningBot, user: str, answers: Mapping[str, Any]) -> None:
    """Join through `/rotnem join` and the modal, and wait for the confirmation in the channel
    (sent once the profile is saved and the Home tab published)."""
    answer, view = await command_modal(bot, user)
    assert saved(await submit(bot, user, view, answers))
    confirmation = await reply(bot, answer)
    assert confirmation["text"].startswith("You're in")


def home_of(bot: RunningBot, user: str) -> JSON:
    home = bot.slack.home_view(user)
    assert home is not None, "no Home tab published"
    return home


def home_text(bot: RunningBot, user: str) -> str:
    return json.dumps(home_of(bot, user)["blocks"], ensure_ascii=False)


async def open_home(bot: RunningBot, user: str) -> JSON:
    """`user` opens the app's Home tab: the view the app publishes for them."""
    publishes = bot.slack.count("views.publish")
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME001", "tab": "home"}
    response = await bot.requester.event(event)
    assert response.status_code == 200
    await bot.slack.wait_for("views.publish", publishes + 1)
    return home_of(bot, user)


def find_button(blocks: Sequence[Mapping[str, Any]], action_id: str) -> JSON:
    """The button (or accessory) with `action_id`, and the `block_id` it sits in."""
    for block in blocks:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return {"block_id": block.get("block_id", ""), **element}
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == action_id:
            return {"block_id": block.get("block_id", ""), **accessory}
    raise AssertionError(f"no {action_id} button in {json.dumps(blocks)[:500]}")


def button_ids(blocks: Sequence[Mapping[str, Any]]) -> set[str]:
    return {
        element["action_id"]
        for block in blocks
        for element in block.get("elements") or []
        if element.get("type") == "button"
    }


async def click_home(
    bot: RunningBot,
    user: str,
    action_id: ActionId,
    among: Sequence[Mapping[str, Any]] | None = None,
) -> httpx.Response:
    """Click `action_id` on the person's Home tab (`among`: in those of its blocks, one
    program's section say)."""
    home = home_of(bot, user)
    button = find_button(home["blocks"] if among is None else among, action_id)
    response = await bot.requester.click(
        user_id=user,
        action_id=action_id,
        block_id=button["block_id"],
        value=button.get("value"),
        view=home,
    )
    assert response.status_code == 200, response.text
    return response


async def click_ephemeral(
    bot: RunningBot, user: str, message: Mapping[str, Any], action_id: ActionId
) -> str:
    """Click a button of an ephemeral answer; returns the response_url the app answers on."""
    button = find_button(message["blocks"], action_id)
    url = bot.slack.new_response_url(channel=CHANNEL, user=user)
    payload = block_actions_payload(
        user_id=user,
        action_id=action_id,
        block_id=button["block_id"],
        trigger_id=bot.slack.new_trigger_id(user),
        team_id=bot.slack.team_id,
        value=button.get("value"),
        message={"type": "message", "ts": "1700000000.000100", **message},
        channel_id=CHANNEL,
        response_url=url,
        is_ephemeral=True,
    )
    response = await bot.requester.action(payload)
    assert response.status_code == 200, response.text
    return url


# --------------------------------------------------------------------------------------------
# A program run by HR.


@dataclass
class Program:
    """A running bot with an announcement channel: people joined and paired through the real
    services, HR's commands and clicks over signed HTTP, the jobs called as the scheduler calls
    them, and the outbox drained by the real dispatcher into the fake Slack."""

    bot: RunningBot

    @property
    def slack(self) -> FakeSlack:
        return self.bot.slack

    @property
    def clock(self) -> ManualClock:
        return self.bot.clock

    @property
    def team_id(self) -> str:
        return self.bot.requester.team_id

    def at(self, moment: datetime) -> None:
        self.clock.set(moment)

    # ---- people and pairs, through the services ----------------------------------------------

    async def join(
        self,
        user_id: str,
        name: str,
        role: str,
        *,
        teaches: Sequence[str] = (),
        learns: Sequence[str] = (),
        manager: str | None = None,
        tz: str = "Europe/London",
        goals: str | None = None,
        capacity: int = 1,
        department: str = "Sales",
        locale: str = "en-US",
        program: str | None = None,
    ) -> None:
        """A participant saved through the real enrollment service (faster than the modal);
        the workspace is known to the bot, as after any request from it. `locale` is the
        language they read Slack in; `program` a program's key (default: the first one)."""
        self.slack.add_user(user_id, real_name=name, tz=tz, locale=locale)
        now = self.clock.now()
        async with self.bot.deps.sessionmaker.begin() as session:
            await remember_workspace(session, self.team_id, now)
            catalogue = {
                t.name: t.id for t in await tools.list_tools(session, program or self.team_id)
            }
            profile = ProfileInput(
                role=Role(role),
                department=department,
                teach_tool_ids=frozenset(catalogue[t] for t in teaches),
                learn_tool_ids=frozenset(catalogue[t] for t in learns),
                manager_id=manager,
                capacity=capacity,
                goals=goals,
            )
            await save_profile(
                session,
                program or self.team_id,
                Identity(user_id=user_id, display_name=name, tz=tz, locale=locale),
                profile,
                now=now,
                via="test",
            )

    async def person(
        self, user: str, role: str, tz: str, tools: Sequence[str], program: str | None = None
    ) -> None:
        if role == "guide":
            await self.join(user, f"{user} G", "guide", teaches=tools, tz=tz, program=program)
        else:
            await self.join(user, f"{user} L", "learner", learns=tools, tz=tz, program=program)

    async def pair(
        self,
        guide: str,
        learner: str,
        tz: str = "Europe/London",
        tools: Sequence[str] = (),
        program: str | None = None,
    ) -> int:
        """Two people joined and paired by hand (no introduction is sent by hand pairing), in
        `program` (a program's key; default: the workspace's first)."""
        tools = tools or ("ChatGPT", "LinkedIn")
        await self.person(guide, "guide", "Europe/Paris", tools, program)
        await self.person(learner, "learner", tz, tools, program)
        return await self.pair_by_hand(guide, learner, program)

    async def pair_by_hand(self, guide: str, learner: str, program: str | None = None) -> int:
        """HR pairs two people who joined `program` by hand (`admin pair @guide @learner`);
        the hard rules refuse with `PairingRuleBroken`."""
        deps = self.bot.deps
        async with deps.sessionmaker.begin() as session:
            made = await create_manual_pair(
                session,
                program or self.team_id,
                guide,
                learner,
                actor_id=ADMIN_ID,
                now=deps.clock.now(),
                defaults=defaults_from(deps.settings),
                zone=deps.settings.zone,
            )
        return made.pair.pair_id

    # ---- HR in Slack -------------------------------------------------------------------------

    async def command(self, text: str, user: str = ADMIN_ID) -> httpx.Response:
        return await command(self.bot, user, text, channel=HR_DESK)

    async def answers(self, count: int, user: str = ADMIN_ID) -> list[JSON]:
        """The ephemeral answers `user` got through response_urls, once `count` have arrived."""
        return await eventually(
            lambda: (found := self.slack.ephemerals(user)) and len(found) >= count and found
        )

    async def responses(self, count: int) -> list[JSON]:
        await self.slack.wait_for("response_url", count)
        return self.slack.responses()

    async def propose(self) -> JSON:
        """`/rotnem admin pair` and the proposal message the admin sees."""
        before = len(self.slack.ephemerals(ADMIN_ID))
        response = await self.command("admin pair")
        assert response.status_code == 200
        assert "Working out" in response.json()["text"]
        return (await self.answers(before + 1))[-1]

    async def click(
        self, message: Mapping[str, Any], action: ActionId, user: str = ADMIN_ID
    ) -> httpx.Response:
        """Click a button of a message, and wait for the app's answer: the listener acks first
        and answers after, with a modal, an update of the message or a reply."""
        button = find_button(message.get("blocks") or [], action)
        watched = ("views.open", "chat.update", "response_url")
        before = [self.slack.count(method) for method in watched]
        response = await self.bot.requester.click(
            user_id=user,
            action_id=action,
            block_id=button["block_id"],
            value=button.get("value"),
            message={"ts": message.get("message_ts") or message.get("ts"), **message},
            channel_id=message.get("channel") or HR_DESK,
        )
        await eventually(lambda: [self.slack.count(method) for method in watched] != before)
        await asyncio.sleep(0.02)
        return response

    async def submit(self, user: str, answers: Mapping[str, Any]) -> httpx.Response:
        """Submit the modal `user` has open; once accepted, wait for the message it updates."""
        view = self.slack.open_views(user)[-1]
        before = self.slack.count("chat.update")
        response = await self.bot.requester.submit_view(view=view, user_id=user, answers=answers)
        if response.text in ("", "null"):  # accepted: the check-in message is updated after
            await self.slack.wait_for("chat.update", before + 1)
        return response

    # ---- the scheduler's jobs ----------------------------------------------------------------

    async def tick(self) -> None:
        """The jobs that run every minute, in the order the scheduler lists them."""
        await prompts_tick(self.bot.deps)
        await checkins_tick(self.bot.deps)

    async def stalls(self) -> None:
        await stalls_tick(self.bot.deps)

    async def nudge_now(self) -> int:
        return (await enqueue_prompts(self.bot.deps, force=True)).sent

    async def checkin_now(self) -> int:
        return (await enqueue_checkins(self.bot.deps, force=True)).asked

    # ---- the outbox and what it sent ---------------------------------------------------------

    async def deliver_all(self) -> None:
        """Dispatch until every outbox row is sent or failed (jumping the clock to due rows)."""
        await deliver_all(self.bot.dispatcher, self.clock)

    async def deliver(self) -> None:
        """Drain the outbox without moving the clock past messages that wait (reminders)."""
        now = self.clock.now()
        await self.deliver_all()
        self.clock.set(now)

    def posts(self, channel: str) -> list[JSON]:
        return [m for m in self.slack.messages(channel) if m.get("bot_id")]

    def dm(self, user_id: str) -> list[JSON]:
        return self.posts(self.slack.dm_channel(user_id))

    # ---- rows --------------------------------------------------------------------------------

    async def rows(self, model: type[M], **where: object) -> list[M]:
        return await rows(self.bot.deps.sessionmaker, model, **where)

    async def count(self, model: type[Base]) -> int:
        return await count(self.bot.deps.sessionmaker, model)

    async def update_settings(self, program: str | None = None, **changes: Any) -> None:
        """HR changes a program's settings (through the service, as the modal does)."""
        async with self.bot.deps.sessionmaker.begin() as session:
            await update_program_settings(
                session, program or self.team_id, now=self.clock.now(), actor_id=ADMIN_ID, **changes
            )

    async def new_program(self, name: str, template: str = "tools_sprint") -> str:
        """A second (third …) program of the workspace, made as `/rotnem admin programs` does;
        its key."""
        deps = self.bot.deps
        async with deps.sessionmaker.begin() as session:
            made = await create_program(
                session,
                self.team_id,
                name=name,
                template=PROGRAM_TEMPLATES[template],
                actor_id=ADMIN_ID,
                now=self.clock.now(),
                defaults=defaults_from(deps.settings),
            )
        return made.key

    async def outbox(self, kind: str | None = None) -> list[OutboxMessage]:
        if kind is None:
            return await self.rows(OutboxMessage)
        return await self.rows(OutboxMessage, kind=kind)

    async def pairs(self) -> list[Pair]:
        return await self.rows(Pair)

    async def pair_row(self, pair_id: int) -> Pair:
        return (await self.rows(Pair, id=pair_id))[0]

    async def prompts_of(self, pair_id: int) -> list[WeeklyPrompt]:
        return await self.rows(WeeklyPrompt, pair_id=pair_id)

    async def checkins(self, user: str) -> list[CheckIn]:
        return await self.rows(CheckIn, user_id=user)


# The people of `cohort`, and the private goals no message may show.
ANA, BEN, CARLA, DEV, EVE, BOSS = (
    "U0ANA00001",
    "U0BEN00001",
    "U0CARLA001",
    "U0DEV00001",
    "U0EVE00001",
    "U0BOSS0001",
)
GOALS = "secret-goal-get-promoted"


async def cohort(program: Program) -> None:
    """Two guides, three learners: two pairs possible, Eve wants a tool nobody teaches."""
    await program.join(
        ANA, "Ana Guide", "guide", teaches=["ChatGPT", "Excel formulas"], tz="Europe/Paris"
    )
    await program.join(BEN, "Ben Guide", "guide", teaches=["LinkedIn"], manager=BOSS)
    await program.join(
        CARLA,
        "Carla Lead",
        "learner",
        learns=["ChatGPT"],
        goals=GOALS,
        manager=BOSS,
        tz="America/New_York",
    )
    await program.join(DEV, "Dev Director", "learner", learns=["LinkedIn"], goals=GOALS)
    await program.join(EVE, "Eve Exec", "learner", learns=["TikTok"])


# The pair the check-in scenarios ask (`asked`).
PAIR_GUIDE, PAIR_LEARNER = "U0GUIDE1", "U0LEARN1"


async def asked(program: Program) -> tuple[int, JSON, JSON]:
    """A pair, its prompt on Monday and both check-ins on Thursday, delivered."""
    pair_id = await program.pair(PAIR_GUIDE, PAIR_LEARNER)
    program.at(datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    await program.tick()
    await program.deliver()
    program.at(datetime(2026, 12, 3, 9, 59, tzinfo=UTC))
    await program.tick()
    assert await program.outbox("checkin") == []  # 3 days after Monday 10:00, not before
    program.at(datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    await program.tick()
    await program.deliver()
    return pair_id, last_checkin(program, PAIR_GUIDE), last_checkin(program, PAIR_LEARNER)


def last_checkin(program: Program, user: str) -> JSON:
    return [m for m in program.dm(user) if "meet this week" in m["text"]][-1]


# Monday of 2026-W51, when `known_program` is looked at.
KNOWN_NOW = datetime(2026, 12, 14, 12, 0, tzinfo=UTC)


async def known_program(program: Program) -> dict[str, int]:
    """Three pairs from Monday 23 Nov: A met this week, B three weeks ago, C never."""
    pairs = {
        "A": await program.pair("U0GA", "U0LA"),
        "B": await program.pair("U0GB", "U0LB"),
        "C": await program.pair("U0GC", "U0LC"),
    }
    sessions = [
        (
            "A",
            "2026-W51",
            KNOWN_NOW,
            [("guide", "U0GA", "ChatGPT", 4), ("learner", "U0LA", "ChatGPT", 2)],
        ),
        (
            "B",
            "2026-W48",
            datetime(2026, 11, 24, 12, tzinfo=UTC),
            [("learner", "U0LB", "LinkedIn", 5)],
        ),
    ]
    async with program.bot.deps.sessionmaker.begin() as session:
        ids = await participant_ids(session)
        for key, week, at, reports in sessions:
            s = PairSession(
                team_id=program.team_id, pair_id=pairs[key], iso_week=week, created_at=at
            )
            session.add(s)
            await session.flush()
            for role, user, tool, rating in reports:
                session.add(
                    SessionReport(
                        team_id=program.team_id,
                        session_id=s.id,
                        iso_week=week,
                        participant_id=ids[user],
                        reporter_role=role,
                        tool_name=tool,
                        rating=rating,
                        learned="Shortcuts" if role == "guide" else None,
                        hr_note="PRIVATE-NOTE" if role == "learner" else None,
                        created_at=at,
                    )
                )
    program.at(KNOWN_NOW)
    return pairs


async def participant_ids(session: AsyncSession) -> dict[str, int]:
    """Participants' row ids by Slack user ID."""
    found = await session.execute(select(Participant.user_id, Participant.id))
    return {user_id: row_id for user_id, row_id in found}


# --------------------------------------------------------------------------------------------
# Values the builders render.


def make_profile(**changes: Any) -> Profile:
    """A participant as features read them: Ana, both ways, with a manager and private goals."""
    profile = Profile(
        user_id="U1",
        team_id="T1",
        display_name="Ana",
        tz="Europe/Paris",
        role=Role.BOTH,
        department="Ops",
        capacity=2,
        status=Status.ACTIVE,
        joined_at=datetime(2026, 11, 1, tzinfo=UTC),
        teaches=(ToolRef("Canva", 1),),
        learns=(ToolRef("Excel formulas", 2), ToolRef("Blender")),
        manager_id="UBOSS",
        goals="learn pivot tables",
    )
    return replace(profile, **changes)


def make_figures(
    tools: Sequence[tuple[str, int]] = (("Canva", 3), ("Excel formulas", 1)),
) -> ProgramFigures:
    """A program's figures this cycle: 3 in a pair, 1 waitlisted, 1 paused (5 participants) and
    1 who left; 4 sessions, 3 of 4 prompted pair-weeks met."""
    people = {
        ("guide", Standing.IN_PAIR): 2,
        ("learner", Standing.IN_PAIR): 1,
        ("learner", Standing.WAITLISTED): 1,
        ("learner", Standing.PAUSED): 1,
        ("both", Standing.LEFT): 1,
    }
    return ProgramFigures(
        since=date(2026, 11, 23),
        participants=Participants(people),
        pairs=Pairs(active=2, made=3),
        meetings=Meetings((WeekFigures("2026-W48", 1, 2, 1), WeekFigures("2026-W49", 3, 2, 2))),
        tools=tuple(tools),
        usefulness=Usefulness(reports=6, total=24, by_role={"guide": 4.0, "learner": 4.0}),
    )


# --------------------------------------------------------------------------------------------
# An outbox without an app, with two notice kinds of the tests' own.


class IntroForTest(Notice):
    """A notice with an after-send hook, as the introduction has."""

    kind: ClassVar[str] = "test-intro"
    pair_id: int
    text: str


class BrokenHook(Notice):
    kind: ClassVar[str] = "test-broken-hook"
    text: str


# What IntroForTest's hook saw: (notice, channel, ts, the row's status in the hook's transaction).
seen: list[tuple[Any, ...]] = []


async def remember(session: AsyncSession, notice: IntroForTest, sent: Sent) -> None:
    status = await session.scalar(
        select(OutboxMessage.status).where(OutboxMessage.slack_ts == sent.ts)
    )
    seen.append((notice.pair_id, sent.channel, sent.ts, status))


async def broken(session: AsyncSession, notice: BrokenHook, sent: Sent) -> None:
    raise LookupError("pair 1 vanished")


def kinds_with_tests() -> NoticeKinds:
    """The bot's table plus the two test kinds."""
    return NoticeKinds(
        [
            *notice_kinds().values(),
            NoticeKind(IntroForTest, lambda n: Message(text=n.text), after_send=remember),
            NoticeKind(BrokenHook, lambda n: Message(text=n.text), after_send=broken),
        ]
    )


@asynccontextmanager
async def outbox_on(
    engine: AsyncEngine, *, slack: FakeSlack, clock: ManualClock, config: DispatchConfig
) -> AsyncIterator[Outbox]:
    """An outbox on `engine` and a dispatcher in virtual time (with two test notice kinds)."""
    sessionmaker = create_sessionmaker(engine)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        dispatcher = make_dispatcher(
            sessionmaker=sessionmaker,
            clock=clock,
            slack=slack,
            http=http,
            kinds=kinds_with_tests(),
            config=config,
        )
        yield Outbox(sessionmaker, clock, slack, dispatcher)


@dataclass
class Outbox:
    sessionmaker: SessionMaker
    clock: ManualClock
    slack: FakeSlack
    dispatcher: Dispatcher

    async def add(
        self, key: str, *, text: str | None = None, notice: Notice | None = None, **kwargs: Any
    ) -> bool:
        if "channel" not in kwargs and "open_users" not in kwargs:
            kwargs["channel"] = "C0000TEST"
        async with self.sessionmaker.begin() as session:
            return await enqueue(
                session,
                team_id=TEAM,
                dedupe_key=key,
                notice=notice or Rendered(text=text or f"message {key}"),
                now=self.clock.now(),
                **kwargs,
            )

    def another_dispatcher(self, owner: str | None = None) -> Dispatcher:
        """A second dispatcher on the same outbox, client and settings (another process)."""
        return Dispatcher(
            sessionmaker=self.sessionmaker,
            clock=self.clock,
            tokens=self.dispatcher.tokens,
            kinds=kinds_with_tests(),
            config=self.dispatcher.config,
            pacer=virtual_pacer(self.clock, self.dispatcher.config),
            owner=owner,
        )

    async def rows(self) -> list[OutboxMessage]:
        return await rows(self.sessionmaker, OutboxMessage)

    async def deliver_all(self, max_rounds: int = 500) -> None:
        """Dispatch until every row is sent or failed, jumping the clock to the next due row."""
        await deliver_all(self.dispatcher, self.clock, max_rounds)

    def posted(self) -> list[JSON]:
        """chat.postMessage calls Slack accepted."""
        return [call.args for call in self.slack.calls("chat.postMessage") if call.ok]


# --------------------------------------------------------------------------------------------
# Installs by OAuth, without the HTTP flow: the code exchanged and the installation saved.


async def install_workspace(
    deps: Deps,
    slack: FakeSlack,
    http: aiohttp.ClientSession,
    team_id: str | None,
    *,
    enterprise_id: str | None = None,
    rotation: bool = True,
) -> Installation:
    """Someone approves the install in `team_id` (None: org-wide in `enterprise_id`); the app
    exchanges the code and records the install, as the OAuth callback does."""
    assert deps.installations is not None, "the deps install by OAuth"
    org = team_id is None
    code = slack.approve_install(
        team_id=team_id, enterprise_id=enterprise_id, is_enterprise_install=org, rotation=rotation
    )
    client = AsyncWebClient(base_url=slack.api_url, session=http)
    answer = await client.oauth_v2_access(
        client_id=installing.CLIENT_ID, client_secret=installing.CLIENT_SECRET, code=code
    )
    token = str(answer["access_token"])
    auth = await AsyncWebClient(token=token, base_url=slack.api_url, session=http).auth_test()
    installation = Installation(
        app_id=answer["app_id"],
        enterprise_id=enterprise_id,
        team_id=team_id,
        bot_token=token,
        bot_id=auth["bot_id"],
        bot_user_id=answer["bot_user_id"],
        bot_scopes=answer["scope"],
        bot_refresh_token=answer.get("refresh_token"),
        bot_token_expires_in=answer.get("expires_in"),
        user_id=answer["authed_user"]["id"],
        is_enterprise_install=org,
        token_type="bot",
    )
    await deps.installations.async_save(installation)
    async with deps.sessionmaker.begin() as session:
        key = enterprise_id if org else team_id
        assert key is not None
        await record_install(session, key, enterprise_id, deps.clock.now())
    return installation


# --------------------------------------------------------------------------------------------
# The `rotnem` command as an operator runs it: a real subprocess, real exit codes.


ROTNEM_CLI = (sys.executable, "-m", "bot")


def start_rotnem(*args: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """`rotnem <args>` running in the background, its output (both streams) in `stdout`."""
    return subprocess.Popen(
        [*ROTNEM_CLI, *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run_rotnem(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ROTNEM_CLI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def bare_environment(**extra: str) -> dict[str, str]:
    """An environment with none of the developer's settings: the path, home, and this tree."""
    keep = {"PATH", "HOME", "LANG", "SYSTEMROOT", "PYTHONPATH", "VIRTUAL_ENV"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


async def run_cli(
    program: Program, cwd: Path, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    """`rotnem <args>` against the program's database, as a fresh process would run it but in
    this one (`tests.in_process`), on a thread (it runs its own loop)."""
    url = str(program.bot.deps.settings.database_url)
    environment = bare_environment(DATABASE_URL=url, **env)
    return await asyncio.to_thread(run_in_process, *args, env=environment, cwd=cwd)


# --------------------------------------------------------------------------------------------
# What people learned, as rows (the report's known data set).

# The settings modal submitted as it opens on a new program (every default kept).
SETTINGS_AS_OPENED: dict[str, str] = {
    BlockId.SETTINGS_CYCLE_WEEKS: "12",
    BlockId.SETTINGS_NUDGE_DAY: "0",
    BlockId.SETTINGS_NUDGE_HOUR: "10",
    BlockId.SETTINGS_CHECKIN_DELAY: "3",
    BlockId.SETTINGS_STALL_WEEKS: "3",
    BlockId.SETTINGS_TZ: "prefer_close",
    BlockId.SETTINGS_AUTO: "no",
    BlockId.SETTINGS_SHARED_TOOL: "no",
    BlockId.SETTINGS_ANONYMITY_K: "5",
}


async def settings_view(
    program: Program, user: str = ADMIN_ID, *, picking: str | None = None
) -> JSON:
    """`/rotnem admin settings` by `user`: the modal they see (`picking`: the program they pick
    when asked which)."""
    opened = program.slack.count("views.open")
    if picking is None:
        await program.command("admin settings", user=user)
    else:
        await pick_program(program.bot, user, "admin settings", picking)
    await program.slack.wait_for("views.open", opened + 1)
    return program.slack.open_views(user)[-1]


async def settings_errors(
    program: Program, view: JSON, user: str = ADMIN_ID, **changed: Any
) -> dict[str, str]:
    """Submit the settings modal as opened, with `changed` answers: the field errors (none when
    it was saved)."""
    response = await program.bot.requester.submit_view(
        view=view, user_id=user, answers={**SETTINGS_AS_OPENED, **changed}
    )
    return dict(response.json()["errors"]) if response.text not in ("", "null") else {}


LEARNING_GUIDES = tuple(f"U0RG{i}" for i in range(1, 6))
LEARNING_LEARNERS = tuple(f"U0RL{i}" for i in range(1, 6))
# When `learning_program` is looked at: Monday of 2026-W51.
LEARNING_NOW = datetime(2026, 12, 14, 12, 0, tzinfo=UTC)


async def learning_program(program: Program) -> None:
    """Five guide–learner pairs around ChatGPT, prompted and met in 2026-W49, with everything the
    report reads, written as rows:

    - ChatGPT: 5 learners, baselines 1 2 2 1 3, then "We met" confidence 4 4 3 5 4;
      Excel formulas: 3 learners (L1–L3), baselines 1 1 2, end-of-cycle survey 3 4 4;
    - directions: pairs 1–2 tool + mirror, pair 3 both, pairs 4–5 tool only (3 of 5 two-way);
    - fit: 7 good, 2 still deciding, 1 not a good fit; mid surveys from 6 people (usefulness
      4 4 5 5 4 4, 5 of 6 would recommend), end surveys from L1–L3;
    - teach-backs: ChatGPT for all 5; follow-ups yes yes sometimes no yes;
    - every learner also wants "Power BI" (typed in), which no guide teaches.
    """
    for guide_user, learner_user in zip(LEARNING_GUIDES, LEARNING_LEARNERS, strict=True):
        await program.pair(guide_user, learner_user, tools=("ChatGPT",))
    program.at(datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    await program.tick()  # the week's prompts: the meet rate's denominator
    met = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    team = program.team_id
    async with program.bot.deps.sessionmaker.begin() as session:
        ids = await participant_ids(session)
        pairs = {p.learner_id: p for p in await session.scalars(select(Pair))}
        learners = [ids[user] for user in LEARNING_LEARNERS]
        for learner in learners:
            session.add(
                ParticipantTool(participant_id=learner, direction="learn", other_name="Power BI")
            )
        for learner, rating in zip(learners, (1, 2, 2, 1, 3), strict=True):
            session.add(_baseline(team, learner, "ChatGPT", rating))
        for learner, rating in zip(learners[:3], (1, 1, 2), strict=True):
            session.add(_baseline(team, learner, "Excel formulas", rating))
        guide_ways = ("mirror", "mirror", "both", None, None)
        for i, learner in enumerate(learners):
            pair = pairs[learner]
            s = PairSession(team_id=team, pair_id=pair.id, iso_week="2026-W49", created_at=met)
            session.add(s)
            await session.flush()
            session.add(
                _report(team, s.id, learner, "learner", confidence=(4, 4, 3, 5, 4)[i], way="tool")
            )
            guide_way = guide_ways[i]
            if guide_way is not None:
                session.add(_report(team, s.id, pair.guide_id, "guide", way=guide_way))
            session.add(
                TeachBack(
                    team_id=team,
                    pair_id=pair.id,
                    learner_id=learner,
                    tool_name="ChatGPT",
                    session_id=s.id,
                    confirmed_by=LEARNING_GUIDES[i],
                    confirmed_at=met + timedelta(hours=1),
                )
            )
            session.add(
                FollowUp(
                    team_id=team,
                    pair_id=pair.id,
                    participant_id=learner,
                    tool_name="ChatGPT",
                    due_at=met,
                    asked_at=met,
                    answer=("yes", "yes", "sometimes", "no", "yes")[i],
                    answered_at=met + timedelta(days=1),
                )
            )
        people = [
            (pairs[learner].id, who)
            for learner in learners
            for who in (pairs[learner].guide_id, learner)
        ]
        answers = ("good",) * 7 + ("deciding",) * 2 + ("bad",)
        for (pair_id, who), answer in zip(people, answers, strict=True):
            session.add(
                FitCheck(
                    team_id=team,
                    pair_id=pair_id,
                    participant_id=who,
                    asked_at=met,
                    answer=answer,
                    answered_at=met + timedelta(hours=2),
                )
            )
        for (pair_id, who), useful, recommend in zip(
            people[:6], (4, 4, 5, 5, 4, 4), (True,) * 5 + (False,), strict=True
        ):
            session.add(_survey(team, pair_id, who, "mid", met, useful, recommend))
        for learner, rating in zip(learners[:3], (3, 4, 4), strict=True):
            end = _survey(team, pairs[learner].id, learner, "end", met + timedelta(days=5), 5, True)
            session.add(end)
            await session.flush()
            session.add(
                SurveyConfidence(survey_id=end.id, tool_name="Excel formulas", rating=rating)
            )
        # Written as rows, not through "We met" and the survey: keep the baselines' latest too.
        await session.flush()
        await refresh_latest_confidence(session, team)
    program.at(LEARNING_NOW)


def _baseline(team: str, participant_id: int, tool: str, rating: int) -> ToolBaseline:
    return ToolBaseline(
        team_id=team,
        participant_id=participant_id,
        direction="learn",
        tool_name=tool,
        rating=rating,
        rated_at=START,
    )


def _report(
    team: str, session_id: int, who: int, role: str, *, way: str, confidence: int | None = None
) -> SessionReport:
    return SessionReport(
        team_id=team,
        session_id=session_id,
        iso_week="2026-W49",
        participant_id=who,
        reporter_role=role,
        tool_name="ChatGPT",
        rating=4,
        confidence=confidence,
        direction=way,
        created_at=datetime(2026, 12, 3, 12, 0, tzinfo=UTC),
    )


def _survey(
    team: str, pair_id: int, who: int, stage: str, at: datetime, useful: int, recommend: bool
) -> Survey:
    return Survey(
        team_id=team,
        pair_id=pair_id,
        participant_id=who,
        stage=stage,
        asked_at=at,
        answered_at=at + timedelta(hours=3),
        usefulness=useful,
        recommend=recommend,
        continue_pair=True if stage == "end" else None,
    )


# --------------------------------------------------------------------------------------------
# "In which program?": a command that could mean several programs.


def program_choices(message: Mapping[str, Any]) -> dict[str, JSON]:
    """The "in which program?" lines by program name: each with its button."""
    return {
        block["text"]["text"].strip("*"): block
        for block in message["blocks"]
        if (block.get("accessory") or {}).get("action_id") == ActionId.PICK_PROGRAM
    }


def one_choice(message: Mapping[str, Any], name: str) -> JSON:
    """`message` with the one choice `name` (what a click on its button sends)."""
    return {**message, "blocks": [program_choices(message)[name]]}


async def asked_which(bot: RunningBot, user: str, text: str) -> JSON:
    """Type `/rotnem <text>` and get asked which program (the command's answer)."""
    asked: JSON = (await rotnem(bot, user, text)).response.json()
    assert "in which program?" in asked["text"], asked
    return asked


async def pick_program(bot: RunningBot, user: str, text: str, name: str) -> str:
    """Type `/rotnem <text>`, get asked which program, pick `name`: the response_url the
    command then answers on."""
    asked = await asked_which(bot, user, text)
    return await click_ephemeral(bot, user, one_choice(asked, name), ActionId.PICK_PROGRAM)


# --------------------------------------------------------------------------------------------
# Two programs of one workspace (and another workspace), each program with its channel.

FIRST_CHANNEL, SPRINT_CHANNEL = "C0FIRST001", "C0SPRINT01"
OTHER_WORKSPACE = "T0OTHER01"


async def two_programs(program: Program) -> str:
    """The workspace's first program and an "AI sprint", each with its channel (where commands
    act on it without asking which); the sprint's key."""
    sprint = await program.new_program("AI sprint")
    for channel, key in ((FIRST_CHANNEL, program.team_id), (SPRINT_CHANNEL, sprint)):
        program.slack.add_channel(channel, name=channel.lower())
        await program.update_settings(program=key, program_channel=channel)
    for user, name in ((ANA, "Ana"), (BEN, "Ben")):
        program.slack.add_user(user, real_name=name, tz="Europe/London")
    return sprint


async def typed_in(
    program: Program,
    channel: str,
    text: str,
    user: str = ADMIN_ID,
    requester: SlackRequester | None = None,
) -> JSON:
    """`/rotnem <text>` typed in `channel`: the answer on its response_url."""
    url = program.slack.new_response_url(channel=channel, user=user)
    response = await (requester or program.bot.requester).command(
        command="/rotnem", user_id=user, channel_id=channel, text=text, response_url=url
    )
    assert response.status_code == 200, response.text
    answers: list[JSON] = await eventually(lambda: program.slack.responses(url))
    return answers[-1]

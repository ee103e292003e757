"""People in the fake Slack, and the steps a person takes: type a command, fill the modal, click."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import select

from bot.ids import ActionId, BlockId
from bot.sandbox import block_actions_payload
from models import Participant, ParticipantTool, StateChange, Tool
from tests.harness import ADMIN_ID, RunningBot

T = TypeVar("T")

GUIDE = "U0GUIDE01"  # Europe/London
LEARNER = "U0LEARN01"  # America/New_York
BOTH = "U0BOTH001"
MANAGER = "U0BOSS001"
BOT_USER = "U0SOMEBOT"
DELETED = "U0GONE001"
GUEST = "U0GUEST01"
CHANNEL = "C0GENERAL1"
COMMAND = "/rotnem"


@pytest.fixture(autouse=True)
def people(fake_slack: Any) -> None:
    fake_slack.add_user(GUIDE, real_name="Gia Guide", tz="Europe/London")
    fake_slack.add_user(LEARNER, real_name="Lev Learner", tz="America/New_York")
    fake_slack.add_user(BOTH, real_name="Bo Both", tz="Europe/Paris")
    fake_slack.add_user(MANAGER, real_name="Max Manager", tz="Europe/London")
    fake_slack.add_user(ADMIN_ID, real_name="Hana HR", tz="Europe/London")
    fake_slack.add_user(BOT_USER, real_name="Some Bot", is_bot=True)
    fake_slack.add_user(DELETED, real_name="Gone Person", deleted=True)
    fake_slack.add_user(GUEST, real_name="Guest Person", is_restricted=True)


async def eventually(probe: Callable[[], T], timeout: float = 5.0) -> T:
    """Poll `probe` until it returns something truthy: listeners run after the ack."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = probe()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.01)


async def eventually_async(probe: Callable[[], Awaitable[T]], timeout: float = 5.0) -> T:
    """`eventually` for a probe that reads the database."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.01)


@dataclass
class Answer:
    """What a command answered: the HTTP ack and the response_url it may reply through."""

    response: httpx.Response
    url: str


async def rotnem(bot: RunningBot, user: str, text: str) -> Answer:
    url = bot.slack.new_response_url(channel=CHANNEL, user=user)
    response = await bot.requester.command(
        command=COMMAND, user_id=user, channel_id=CHANNEL, text=text, response_url=url
    )
    assert response.status_code == 200, response.text
    return Answer(response, url)


async def reply(bot: RunningBot, answer: Answer, count: int = 1) -> dict[str, Any]:
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


async def command_modal(
    bot: RunningBot, user: str, text: str = "join"
) -> tuple[Answer, dict[str, Any]]:
    """Type a command that opens a modal: its (empty) ack, and the modal Slack now shows."""
    before = len(bot.slack.open_views(user))
    answer = await rotnem(bot, user, text)
    assert answer.response.content == b""
    views = await eventually(lambda: (v := bot.slack.open_views(user)) and len(v) > before and v)
    return answer, views[-1]


async def open_modal(bot: RunningBot, user: str, text: str = "join") -> dict[str, Any]:
    return (await command_modal(bot, user, text))[1]


async def tool_ids(bot: RunningBot, *names: str) -> list[str]:
    async with bot.deps.sessionmaker() as session:
        rows = (await session.scalars(select(Tool).where(Tool.name.in_(names)))).all()
    found = {tool.name: str(tool.id) for tool in rows}
    return [found[name] for name in names]


def profile_answers(
    *,
    role: str,
    teach: list[str] | None = None,
    learn: list[str] | None = None,
    department: str | None = "Finance",
    **extra: Any,
) -> dict[str, Any]:
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
) -> dict[str, Any]:
    """Submit the modal; the ack body (`{}` when it closes)."""
    response = await bot.requester.submit_view(view=view, user_id=user, answers=answers)
    assert response.status_code == 200, response.text
    return response.json() if response.content else {}


async def join(bot: RunningBot, user: str, answers: Mapping[str, Any]) -> None:
    """Join through `/rotnem join` and the modal, and wait for the confirmation in the channel
    (sent once the profile is saved and the Home tab published)."""
    answer, view = await command_modal(bot, user)
    assert await submit(bot, user, view, answers) == {}
    confirmation = await reply(bot, answer)
    assert confirmation["text"].startswith("You're in")


async def participant(bot: RunningBot, user: str) -> Participant | None:
    async with bot.deps.sessionmaker() as session:
        query = select(Participant).where(
            Participant.team_id == bot.slack.team_id, Participant.user_id == user
        )
        return (await session.scalars(query)).one_or_none()


async def participant_tools(bot: RunningBot, user: str) -> dict[str, set[str]]:
    async with bot.deps.sessionmaker() as session:
        rows = await session.execute(
            select(ParticipantTool.direction, Tool.name, ParticipantTool.other_name)
            .join(Participant, Participant.id == ParticipantTool.participant_id)
            .outerjoin(Tool, Tool.id == ParticipantTool.tool_id)
            .where(Participant.user_id == user)
        )
        tools: dict[str, set[str]] = {"teach": set(), "learn": set()}
        for direction, name, other in rows:
            tools[direction].add(name or other)
        return tools


async def state_log(bot: RunningBot, user: str) -> list[tuple[str | None, str, str]]:
    async with bot.deps.sessionmaker() as session:
        rows = await session.execute(
            select(StateChange.from_state, StateChange.to_state, StateChange.via)
            .join(Participant, Participant.id == StateChange.participant_id)
            .where(Participant.user_id == user)
            .order_by(StateChange.id)
        )
        return [(row[0], row[1], row[2]) for row in rows]


def home_of(bot: RunningBot, user: str) -> dict[str, Any]:
    home = bot.slack.home_view(user)
    assert home is not None, "no Home tab published"
    return home


def home_text(bot: RunningBot, user: str) -> str:
    return json.dumps(home_of(bot, user)["blocks"], ensure_ascii=False)


def find_button(blocks: list[dict[str, Any]], action_id: ActionId) -> dict[str, Any]:
    for block in blocks:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return {"block_id": block.get("block_id", ""), **element}
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == action_id:
            return {"block_id": block.get("block_id", ""), **accessory}
    raise AssertionError(f"no {action_id} button in {json.dumps(blocks)[:500]}")


def button_ids(blocks: list[dict[str, Any]]) -> set[str]:
    return {
        element["action_id"]
        for block in blocks
        for element in block.get("elements") or []
        if element.get("type") == "button"
    }


async def click_home(bot: RunningBot, user: str, action_id: ActionId) -> httpx.Response:
    home = home_of(bot, user)
    button = find_button(home["blocks"], action_id)
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

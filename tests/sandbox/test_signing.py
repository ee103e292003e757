"""Signing and Slack request bodies, checked against Slack's documented examples and Bolt."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.sandbox import (
    FakeSlack,
    SlackRequester,
    block_actions_payload,
    event_body,
    interactivity_body,
    sign,
    slash_command_body,
    state_value,
    state_values_for,
    view_submission_payload,
)
from bot.sandbox.fake_slack import DEFAULT_TOKEN
from bot.sandbox.signing import team_join_event, user_change_event

# Slack's documented signing example (docs "Verifying requests from Slack"), copied verbatim.
WORKED_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
WORKED_TIMESTAMP = 1531420618
WORKED_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIG"
    "lgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
WORKED_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"

# bolt-python tests/scenario_tests/test_slash_command.py body (slash_command.enterprise.txt).
ENTERPRISE_BODY = (
    "token=verification_token&team_id=T111&team_domain=test-domain&channel_id=C111"
    "&channel_name=random&user_id=W111&user_name=primary-owner&command=%2Fhello-world&text=Hi"
    "&enterprise_id=E111&enterprise_name=Org+Name"
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT111%2F111%2Fxxxxx"
    "&trigger_id=111.111.xxx"
)

# Top-level keys of the reference payloads (block_actions.message_button.json,
# block_actions.app_home.json, view_submission.json plus current fields, event wrapper).
MESSAGE_ACTION_KEYS = {
    "type", "user", "api_app_id", "token", "container", "trigger_id", "team", "enterprise",
    "is_enterprise_install", "channel", "message", "state", "response_url", "actions",
}  # fmt: skip
VIEW_ACTION_KEYS = {
    "type", "team", "user", "api_app_id", "token", "container", "trigger_id", "view", "actions",
    "enterprise", "is_enterprise_install",
}  # fmt: skip
VIEW_SUBMISSION_KEYS = {
    "type", "team", "user", "api_app_id", "token", "trigger_id", "view", "response_urls",
    "is_enterprise_install", "enterprise",
}  # fmt: skip
EVENT_WRAPPER_KEYS = {
    "token", "team_id", "api_app_id", "event", "type", "event_id", "event_time",
    "authorizations", "is_ext_shared_channel", "event_context",
}  # fmt: skip

RATING_VIEW: dict[str, Any] = {
    "id": "V12345678",
    "type": "modal",
    "callback_id": "modal-callback-id",
    "private_metadata": "",
    "blocks": [
        {
            "type": "input",
            "block_id": "rating",
            "label": {"type": "plain_text", "text": "Rating"},
            "element": {
                "type": "static_select",
                "action_id": "single_action",
                "options": [
                    {"text": {"type": "plain_text", "text": ":star:"}, "value": "1"},
                    {"text": {"type": "plain_text", "text": ":star::star:"}, "value": "2"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "date-of-visit",
            "label": {"type": "plain_text", "text": "Date"},
            "element": {"type": "datepicker", "action_id": "single_action"},
        },
        {
            "type": "input",
            "block_id": "comment",
            "label": {"type": "plain_text", "text": "Comment"},
            "element": {"type": "plain_text_input", "action_id": "single_action"},
        },
    ],
}


def test_signature_worked_example() -> None:
    headers = sign(WORKED_SECRET, WORKED_BODY, WORKED_TIMESTAMP)
    assert headers == {
        "X-Slack-Request-Timestamp": "1531420618",
        "X-Slack-Signature": WORKED_SIGNATURE,
    }
    assert sign(WORKED_SECRET, WORKED_BODY.encode(), WORKED_TIMESTAMP) == headers


def test_slash_command_body_matches_slacks_examples() -> None:
    body = slash_command_body(
        token="xyzz0WbapA4vBCDEFasx0q6G",
        team_id="T1DC2JH3J",
        team_domain="testteamnow",
        channel_id="G8PSS9T3V",
        channel_name="foobar",
        user_id="U2CERLKJA",
        user_name="roadrunner",
        command="/webhook-collect",
        text="",
        response_url="https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN",
        trigger_id="398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
        api_app_id=None,
        is_enterprise_install=None,
    )
    assert body == WORKED_BODY
    assert sign(WORKED_SECRET, body, WORKED_TIMESTAMP)["X-Slack-Signature"] == WORKED_SIGNATURE

    enterprise = slash_command_body(
        team_id="T111",
        team_domain="test-domain",
        channel_id="C111",
        channel_name="random",
        user_id="W111",
        user_name="primary-owner",
        command="/hello-world",
        text="Hi",
        enterprise_id="E111",
        enterprise_name="Org Name",
        response_url="https://hooks.slack.com/commands/T111/111/xxxxx",
        trigger_id="111.111.xxx",
        api_app_id=None,
        is_enterprise_install=None,
    )
    assert enterprise == ENTERPRISE_BODY

    current = parse_qs(
        slash_command_body(
            command="/rotnem",
            text="join now",
            user_id="U1",
            team_id="T1",
            channel_id="D1",
            trigger_id="1.2.3",
            response_url="http://127.0.0.1:1/response/x",
        )
    )
    assert current["text"] == ["join now"]
    assert current["api_app_id"] and current["is_enterprise_install"] == ["false"]


def test_signed_bodies_verify_and_stale_ones_do_not() -> None:
    verifier = SignatureVerifier("s3cret")
    now = int(time.time())
    body = interactivity_body({"type": "block_actions"})
    assert verifier.is_valid_request(body, sign("s3cret", body, now))
    assert not verifier.is_valid_request(body, sign("s3cret", body, now - 301))
    assert not verifier.is_valid_request(body, sign("other", body, now))


def test_interactivity_body_is_what_bolt_parses() -> None:
    payload = {"type": "block_actions", "actions": [{"value": "a&b=c +%"}]}
    body = interactivity_body(payload)
    assert body.startswith("payload=%7B")
    parsed = parse_body(body, "application/x-www-form-urlencoded")
    assert parsed == payload


def test_block_actions_on_a_message_and_in_a_view() -> None:
    message = {"channel": "D1", "type": "message", "text": "Join?", "ts": "1700000000.000100"}
    on_message = block_actions_payload(
        user_id="U1",
        action_id="join",
        block_id="program",
        value="7",
        text="Join",
        trigger_id="1.2.3",
        message=message,
        channel_id="D1",
        response_url="http://127.0.0.1:1/response/abc",
    )
    assert set(on_message) == MESSAGE_ACTION_KEYS
    assert on_message["container"] == {
        "type": "message",
        "message_ts": "1700000000.000100",
        "channel_id": "D1",
        "is_ephemeral": False,
    }
    assert "channel" not in on_message["message"]
    [action] = on_message["actions"]
    assert set(action) == {"action_id", "block_id", "text", "value", "type", "action_ts"}
    assert (action["type"], action["text"]["text"], action["value"]) == ("button", "Join", "7")

    home = {"id": "V1", "type": "home", "blocks": [], "state": {"values": {}}}
    in_view = block_actions_payload(
        user_id="U1",
        action_id="settings",
        block_id="b",
        trigger_id="1.2.3",
        view=home,
        state_values={"b": {"x": state_value("users_select", "U2")}},
    )
    assert set(in_view) == VIEW_ACTION_KEYS
    assert in_view["container"] == {"type": "view", "view_id": "V1"}
    assert in_view["view"]["state"]["values"]["b"]["x"] == {
        "type": "users_select",
        "selected_user": "U2",
    }
    with pytest.raises(ValueError):
        block_actions_payload(user_id="U1", action_id="a", block_id="b", trigger_id="t")


def test_view_submission_payload_and_state_values() -> None:
    values = state_values_for(
        RATING_VIEW, {"rating": "2", "date-of-visit": "2019-09-23", "comment": "Just amazing!"}
    )
    assert values == {
        "rating": {
            "single_action": {
                "type": "static_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": ":star::star:"},
                    "value": "2",
                },
            }
        },
        "date-of-visit": {"single_action": {"type": "datepicker", "selected_date": "2019-09-23"}},
        "comment": {"single_action": {"type": "plain_text_input", "value": "Just amazing!"}},
    }
    payload = view_submission_payload(view=RATING_VIEW, user_id="U1", values=values)
    assert set(payload) == VIEW_SUBMISSION_KEYS
    assert payload["view"]["state"]["values"] == values
    assert payload["view"]["callback_id"] == "modal-callback-id"
    assert "values" not in RATING_VIEW.get("state", {})  # the caller's view is not modified

    with pytest.raises(ValueError, match="not an option"):
        state_values_for(RATING_VIEW, {"rating": "5"})
    with pytest.raises(ValueError, match="no input block"):
        state_values_for(RATING_VIEW, {"nope": "x"})
    assert state_value("multi_static_select", ["a"])["selected_options"][0]["value"] == "a"
    assert state_value("checkboxes", [])["selected_options"] == []
    assert state_value("radio_buttons", "r")["selected_option"]["value"] == "r"


def test_event_body_wrapper() -> None:
    body = json.loads(
        event_body(
            {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"},
            team_id="T1",
            event_id="Ev1",
            event_time=1515449522,
            api_app_id="A1",
        )
    )
    assert set(body) == EVENT_WRAPPER_KEYS
    assert body["type"] == "event_callback"
    assert body["event"]["event_ts"]
    assert body["authorizations"][0]["is_bot"] is True
    with pytest.raises(ValueError):
        event_body({}, event_id="Ev1", event_time=1)


def test_user_change_and_team_join_carry_the_whole_user_object() -> None:
    user = {"id": "U1", "deleted": True, "profile": {"real_name": "Ada"}}
    change = user_change_event(user, cache_ts=1515449522)
    assert change == {"type": "user_change", "user": user, "cache_ts": 1515449522}
    assert change["user"] is not user  # a copy: changing the event leaves the user alone
    assert team_join_event(user) == {"type": "team_join", "user": user}


# ---- end to end: a real Bolt AsyncApp, signed requests in, Web API calls out to FakeSlack ----

SECRET = "test-signing-secret"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        server.add_user("U1", real_name="Ada Lovelace")
        yield server


@pytest.fixture
async def bolt(fake: FakeSlack) -> AsyncIterator[tuple[AsyncApp, httpx.AsyncClient, list[Any]]]:
    seen: list[Any] = []
    app = AsyncApp(
        client=AsyncWebClient(token=DEFAULT_TOKEN, base_url=fake.api_url),
        signing_secret=SECRET,
        process_before_response=True,
    )

    @app.command("/rotnem")
    async def on_command(
        ack: Any, body: dict[str, Any], client: AsyncWebClient, respond: Any
    ) -> None:
        await ack()
        await client.views_open(
            trigger_id=body["trigger_id"],
            view={
                "type": "modal",
                "callback_id": "join",
                "title": {"type": "plain_text", "text": "Join"},
                "submit": {"type": "plain_text", "text": "Join"},
                "blocks": RATING_VIEW["blocks"],
            },
        )
        await respond(text=f"got {body['text']}")

    @app.view("join")
    async def on_submit(ack: Any, view: dict[str, Any]) -> None:
        seen.append(view["state"]["values"])
        await ack()

    @app.event("app_home_opened")
    async def on_home(event: dict[str, Any], request: Any) -> None:
        seen.append((event["user"], request.headers.get("x-slack-retry-num")))

    handler = AsyncSlackRequestHandler(app)

    async def endpoint(req: Request) -> Response:
        return await handler.handle(req)

    asgi = Starlette(routes=[Route("/slack/events", endpoint, methods=["POST"])])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi)) as http:
        yield app, http, seen


async def test_requester_drives_bolt_against_the_fake(
    fake: FakeSlack, bolt: tuple[AsyncApp, httpx.AsyncClient, list[Any]]
) -> None:
    _, http, seen = bolt
    requester = SlackRequester("http://app", SECRET, slack=fake, client=http)

    response = await requester.command(
        command="/rotnem", text="join", user_id="U1", channel_id="D1"
    )
    assert response.status_code == 200
    [modal] = fake.open_views("U1")
    assert modal["callback_id"] == "join"
    assert fake.responses() == [{"text": "got join"}]

    submitted = await requester.submit_view(
        view=modal, user_id="U1", answers={"rating": "1", "comment": "hi"}
    )
    assert submitted.status_code == 200
    assert seen[0]["rating"]["single_action"]["selected_option"]["value"] == "1"

    event = {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}
    assert (await requester.event(event, event_id="Ev9", event_time=1700000000)).status_code == 200
    retry = await requester.event(event, event_id="Ev9", event_time=1700000000, retry_num=1)
    assert retry.status_code == 200
    assert seen[1:] == [("U1", None), ("U1", ["1"])]  # Bolt keeps header values as lists


async def test_bolt_rejects_stale_and_wrong_signatures(
    fake: FakeSlack, bolt: tuple[AsyncApp, httpx.AsyncClient, list[Any]]
) -> None:
    _, http, _ = bolt
    stale = SlackRequester(
        "http://app", SECRET, slack=fake, client=http, now=lambda: time.time() - 301
    )
    response = await stale.command(command="/rotnem", user_id="U1", channel_id="D1")
    assert response.status_code == 401
    wrong = SlackRequester("http://app", "not-the-secret", slack=fake, client=http)
    assert (
        await wrong.command(command="/rotnem", user_id="U1", channel_id="D1")
    ).status_code == 401
    assert fake.open_views() == []


def test_signer_matches_slacks_documented_example() -> None:
    expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    body = (
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
        "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
        "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
        "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    headers = sign("8f742231b10e8888abcd99yyyzzz85a5", body, 1531420618)
    assert headers["X-Slack-Signature"] == expected

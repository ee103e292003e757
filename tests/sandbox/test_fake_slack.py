"""FakeSlack driven through slack_sdk's real clients, over real HTTP."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.sandbox import FakeSlack, validate_message_blocks, validate_view
from bot.sandbox.fake_slack import DEFAULT_TOKEN, RESPONSE_URL_MAX_USES

TS_RE = re.compile(r"^\d{10}\.\d{6}$")


class ManualClock:
    """Time that only moves when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> Iterator[FakeSlack]:
    with FakeSlack(clock=clock) as server:
        server.add_user("U1", real_name="Ada Lovelace")
        server.add_user("U2", real_name="Grace Hopper", tz="America/New_York")
        server.add_user("U3", real_name="Alan Turing")
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    # No retry handlers: each test decides which failures the client should see.
    return AsyncWebClient(token=DEFAULT_TOKEN, base_url=fake.api_url, retry_handlers=[])


def modal(title: str = "Rotnem", **extra: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": "join",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Join"},
        "private_metadata": "program=7",
        "blocks": [
            {
                "type": "input",
                "block_id": "goal",
                "label": {"type": "plain_text", "text": "Goal"},
                "element": {"type": "plain_text_input", "action_id": "value"},
            }
        ],
    }
    view.update(extra)
    return view


def section(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if block_id is not None:
        block["block_id"] = block_id
    return block


# ---- lifecycle, auth, recording --------------------------------------------------------------


def test_serves_on_loopback_and_stops(clock: ManualClock) -> None:
    fake = FakeSlack(clock=clock).start()
    assert fake.base.startswith("http://127.0.0.1:")
    assert fake.api_url == fake.base + "/api/"
    sync = WebClient(token=DEFAULT_TOKEN, base_url=fake.api_url, retry_handlers=[])
    assert sync.auth_test()["ok"] is True
    fake.stop()
    with pytest.raises(RuntimeError):
        _ = fake.api_url


async def test_auth_test_has_bot_shape(fake: FakeSlack, client: AsyncWebClient) -> None:
    answer = await client.auth_test()
    assert answer.data == {
        "ok": True,
        "url": "https://rotnem-sandbox.slack.com/",
        "team": fake.team_name,
        "user": fake.bot_name,
        "team_id": fake.team_id,
        "user_id": fake.bot_user_id,
        "bot_id": fake.bot_id,
    }
    assert "chat:write" in answer.headers["x-oauth-scopes"]


async def test_bad_missing_and_revoked_tokens(fake: FakeSlack) -> None:
    bad = AsyncWebClient(token="xoxb-nope", base_url=fake.api_url, retry_handlers=[])
    with pytest.raises(SlackApiError) as err:
        await bad.auth_test()
    assert err.value.response.status_code == 200
    assert err.value.response.data == {"ok": False, "error": "invalid_auth"}

    anonymous = AsyncWebClient(base_url=fake.api_url, retry_handlers=[])
    with pytest.raises(SlackApiError) as err:
        await anonymous.auth_test()
    assert err.value.response["error"] == "not_authed"

    fake.add_token("xoxb-second")
    second = AsyncWebClient(token="xoxb-second", base_url=fake.api_url, retry_handlers=[])
    assert (await second.auth_test())["ok"]
    fake.revoke_token("xoxb-second")
    with pytest.raises(SlackApiError) as err:
        await second.auth_test()
    assert err.value.response["error"] == "token_revoked"


def test_token_may_come_as_a_form_argument(fake: FakeSlack) -> None:
    sync = WebClient(base_url=fake.api_url, retry_handlers=[])
    answer = sync.api_call("auth.test", params={"token": DEFAULT_TOKEN})
    assert answer["user_id"] == fake.bot_user_id


async def test_unknown_method(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        await client.api_call("chat.teleport", json={"channel": "C1"})
    assert err.value.response.status_code == 200
    assert err.value.response["error"] == "unknown_method"


async def test_records_every_call_with_http_details(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    await client.users_info(user="U1")
    await client.chat_postMessage(channel="C1", text="hello")
    with pytest.raises(SlackApiError):
        await client.users_info(user="U404")

    info_calls = fake.calls("users.info")
    assert [c.status for c in info_calls] == [200, 200]
    assert [c.ok for c in info_calls] == [True, False]
    first = info_calls[0]
    assert first.http_method == "GET"  # AsyncWebClient uses GET for Slack's GET methods
    assert first.args == {"user": "U1"}
    assert first.headers["authorization"] == f"Bearer {DEFAULT_TOKEN}"
    assert first.response is not None and first.response["user"]["id"] == "U1"
    post = fake.calls("chat.postMessage")[0]
    assert post.http_method == "POST"
    assert post.headers["content-type"].startswith("application/json")
    assert fake.count("users.info") == 2
    with pytest.raises(AttributeError):
        post.status = 500  # type: ignore[misc]
    fake.reset()
    assert fake.calls() == []


async def test_extra_team_id_argument_is_tolerated(fake: FakeSlack) -> None:
    bolt_like = AsyncWebClient(
        token=DEFAULT_TOKEN, base_url=fake.api_url, team_id=fake.team_id, retry_handlers=[]
    )
    assert (await bolt_like.users_info(user="U1"))["user"]["id"] == "U1"
    assert (await bolt_like.chat_postMessage(channel="C1", text="x"))["ok"]
    assert fake.calls("chat.postMessage")[0].args["team_id"] == fake.team_id


async def test_profile_fields_and_a_users_custom_field_values(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.add_profile_field("Xf01", "Manager", type="user")
    fake.add_profile_field("Xf02", "Desk", is_hidden=True)
    listed = (await client.team_profile_get())["profile"]["fields"]
    assert [(f["id"], f["label"], f["type"], f["ordering"]) for f in listed] == [
        ("Xf01", "Manager", "user", 0),
        ("Xf02", "Desk", "text", 1),
    ]
    visible = (await client.team_profile_get(visibility="visible"))["profile"]["fields"]
    assert [f["id"] for f in visible] == ["Xf01"]
    # No custom field filled in: Slack sends an empty list, not a map.
    assert (await client.users_profile_get(user="U1"))["profile"]["fields"] == []
    fake.set_profile_value("U1", "Xf01", "U2")
    profile = (await client.users_profile_get(user="U1"))["profile"]
    assert profile["fields"] == {"Xf01": {"value": "U2", "alt": ""}}
    assert profile["real_name"] == fake.user("U1")["real_name"]
    with pytest.raises(SlackApiError) as missing:
        await client.users_profile_get(user="U404")
    assert missing.value.response["error"] == "user_not_found"


async def test_wait_for_polls_and_explains_timeouts(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    async def later() -> None:
        await asyncio.sleep(0.05)
        await client.chat_postMessage(channel="C1", text="late")

    task = asyncio.create_task(later())
    calls = await fake.wait_for("chat.postMessage", timeout=2.0)
    await task
    assert calls[0].args["text"] == "late"

    with pytest.raises(
        AssertionError, match=r"expected 2 chat.postMessage.*got 1.*chat.postMessage"
    ):
        await fake.wait_for("chat.postMessage", count=2, timeout=0.05)


def test_wait_for_sync(fake: FakeSlack) -> None:
    sync = WebClient(token=DEFAULT_TOKEN, base_url=fake.api_url, retry_handlers=[])
    worker = threading.Thread(target=lambda: sync.users_info(user="U1"))
    worker.start()
    assert fake.wait_for_sync("users.info", timeout=2.0)[0].args["user"] == "U1"
    worker.join()
    with pytest.raises(AssertionError, match="views.open"):
        fake.wait_for_sync("views.open", timeout=0.02)


# ---- required arguments and Block Kit limits ---------------------------------------------------


async def test_required_arguments_answer_like_slack(client: AsyncWebClient) -> None:
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("chat.postMessage", {"text": "no channel"}, "channel_not_found"),
        ("chat.postMessage", {"channel": "C1"}, "no_text"),
        ("chat.update", {"channel": "C1", "ts": "1.000001", "text": "x"}, "message_not_found"),
        ("conversations.open", {}, "users_list_not_supplied"),
        ("users.info", {}, "user_not_found"),
        ("views.open", {"view": modal()}, "invalid_arguments"),
        ("views.publish", {"view": {"type": "home", "blocks": []}}, "invalid_arguments"),
        ("files.getUploadURLExternal", {"length": 3}, "invalid_arguments"),
    ]
    for method, args, error in cases:
        with pytest.raises(SlackApiError) as err:
            await client.api_call(method, json=args)
        assert (method, err.value.response["error"]) == (method, error)
    with pytest.raises(SlackApiError) as err:
        await client.views_open(trigger_id="", view=modal())
    assert err.value.response.data == {
        "ok": False,
        "error": "invalid_arguments",
        "response_metadata": {"messages": ["invalid `trigger_id`"]},
    }


async def test_block_kit_limits(fake: FakeSlack, client: AsyncWebClient) -> None:
    fifty = [section(f"row {i}") for i in range(50)]
    assert (await client.chat_postMessage(channel="C1", text="ok", blocks=fifty))["ok"]

    bad_messages = [
        fifty + [section("one too many")],
        [section("x" * 3001)],
        [
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "a",
                        "text": {"type": "plain_text", "text": "b" * 76},
                    }
                ],
            }
        ],
        [section("a", "same"), section("b", "same")],
        [{"type": "header", "text": {"type": "mrkdwn", "text": "not plain"}}],
    ]
    for blocks in bad_messages:
        with pytest.raises(SlackApiError) as err:
            await client.chat_postMessage(channel="C1", text="fallback", blocks=blocks)
        assert err.value.response["error"] == "invalid_blocks"
    assert validate_message_blocks([section("x" * 3001)]) == [
        "must be less than 3001 characters [json-pointer:/blocks/0/text/text]"
    ]

    trigger = fake.new_trigger_id("U1")
    with pytest.raises(SlackApiError) as err:
        await client.views_open(trigger_id=trigger, view=modal(title="t" * 25))
    assert err.value.response["error"] == "invalid_arguments"
    assert (
        "[json-pointer:/view/title/text]" in err.value.response["response_metadata"]["messages"][0]
    )
    # A rejected view does not burn the trigger_id.
    assert (await client.views_open(trigger_id=trigger, view=modal(title="t" * 24)))["ok"]

    assert validate_view(modal(private_metadata="m" * 3001)) == [
        "must be less than 3001 characters [json-pointer:/view/private_metadata]"
    ]
    hundred: dict[str, Any] = {"type": "home", "blocks": [section(str(i)) for i in range(100)]}
    assert validate_view(hundred) == []
    assert validate_view({**hundred, "blocks": hundred["blocks"] + [section("x")]})
    no_submit = modal()
    del no_submit["submit"]
    assert any("submit" in p for p in validate_view(no_submit))


# ---- failure injection and rate limits ----------------------------------------------------------


async def test_injected_429_carries_retry_after(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="x")
    response = err.value.response
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response.data == {"ok": False, "error": "ratelimited"}
    assert (await client.chat_postMessage(channel="C1", text="x"))["ok"]  # only once
    assert fake.ratelimited_count("chat.postMessage") == 1


async def test_injected_server_errors_and_predicates(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.fail("chat.postMessage", status=503, times=2, when=lambda a: a.get("channel") == "C2")
    assert (await client.chat_postMessage(channel="C1", text="x"))["ok"]
    for _ in range(2):
        with pytest.raises(SlackApiError) as err:
            await client.chat_postMessage(channel="C2", text="x")
        assert err.value.response.status_code == 503
    assert (await client.chat_postMessage(channel="C2", text="x"))["ok"]

    fake.fail("users.info", status=500)
    with pytest.raises(SlackApiError) as err:
        await client.users_info(user="U1")
    assert err.value.response.status_code == 500


async def test_injected_slack_error(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail("users.info", error="user_not_found", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as err:
            await client.users_info(user="U1")
        assert err.value.response.status_code == 200
        assert err.value.response["error"] == "user_not_found"
    assert (await client.users_info(user="U1"))["ok"]


async def test_dropped_connection(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.drop("chat.postMessage")
    with pytest.raises(aiohttp.ClientError):
        await client.chat_postMessage(channel="C1", text="x")
    assert fake.calls("chat.postMessage")[0].status == 0
    assert fake.calls("chat.postMessage")[0].response is None
    assert fake.messages() == []

    # slack_sdk's connection retry handler gets through a single drop.
    retrying = AsyncWebClient(
        token=DEFAULT_TOKEN,
        base_url=fake.api_url,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(
                interval_calculator=FixedValueRetryIntervalCalculator(0.0)
            )
        ],
    )
    fake.drop("chat.postMessage")
    assert (await retrying.chat_postMessage(channel="C1", text="again"))["ok"]
    assert [c.status for c in fake.calls("chat.postMessage")] == [0, 0, 200]


async def test_a_slow_answer_lets_other_calls_through(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.delay("chat.postMessage", 0.5)
    slow = asyncio.create_task(client.chat_postMessage(channel="C1", text="slow"))
    await asyncio.sleep(0.05)  # the post is on its way
    assert (await client.auth_test())["ok"], "answered while the post waits"
    assert not slow.done()
    assert (await slow)["ok"]
    assert (await client.chat_postMessage(channel="C1", text="next"))["ok"], "only once"
    assert [m["text"] for m in fake.messages("C1")] == ["slow", "next"]


async def test_rate_limit_window(
    fake: FakeSlack, client: AsyncWebClient, clock: ManualClock
) -> None:
    fake.limit("users.info", per_minute=2, burst=2)
    assert (await client.users_info(user="U1"))["ok"]
    assert (await client.users_info(user="U1"))["ok"]
    with pytest.raises(SlackApiError) as err:
        await client.users_info(user="U1")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "30"
    clock.advance(10)
    with pytest.raises(SlackApiError) as err:
        await client.users_info(user="U1")
    assert err.value.response.headers["Retry-After"] == "20"
    clock.advance(20)
    assert (await client.users_info(user="U1"))["ok"]
    assert fake.ratelimited_count() == 2


async def test_per_channel_post_limit_and_tiers(
    fake: FakeSlack, client: AsyncWebClient, clock: ManualClock
) -> None:
    fake.apply_slack_rate_limits()
    for _ in range(3):
        assert (await client.chat_postMessage(channel="C1", text="x"))["ok"]
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="x")
    assert err.value.response.headers["Retry-After"] == "1"
    assert (await client.chat_postMessage(channel="C2", text="x"))["ok"]
    clock.advance(1)
    assert (await client.chat_postMessage(channel="C1", text="x"))["ok"]
    for _ in range(30):  # auth.test is never limited by the tier preset
        assert (await client.auth_test())["ok"]
    assert fake.ratelimited_count() == 1
    fake.clear_faults()
    for _ in range(5):
        assert (await client.chat_postMessage(channel="C1", text="x"))["ok"]


# ---- users and conversations --------------------------------------------------------------------

USERS_INFO_USER_KEYS = {
    "id", "team_id", "name", "deleted", "color", "real_name", "tz", "tz_label", "tz_offset",
    "profile", "is_admin", "is_owner", "is_primary_owner", "is_restricted", "is_ultra_restricted",
    "is_bot", "updated", "is_app_user", "has_2fa",
}  # fmt: skip


async def test_users_info_shape_and_errors(fake: FakeSlack, client: AsyncWebClient) -> None:
    user = (await client.users_info(user="U2"))["user"]
    assert set(user) == USERS_INFO_USER_KEYS
    assert user["real_name"] == user["profile"]["real_name"] == "Grace Hopper"
    assert user["tz"] == "America/New_York"
    assert user["tz_offset"] in (-18000, -14400)
    assert user["team_id"] == fake.team_id
    with pytest.raises(SlackApiError) as err:
        await client.users_info(user="U404")
    assert err.value.response.data == {"ok": False, "error": "user_not_found"}

    fake.add_user("U9", real_name="Guest", is_restricted=True, deleted=True, tz="Asia/Kolkata")
    guest = (await client.users_info(user="U9"))["user"]
    assert (guest["is_restricted"], guest["deleted"], guest["tz_offset"]) == (True, True, 19800)


async def test_conversations_open_ids_are_stable(fake: FakeSlack, client: AsyncWebClient) -> None:
    first = await client.conversations_open(users="U2,U1")
    group = first["channel"]["id"]
    assert group.startswith("G")
    assert "already_open" not in first.data
    again = await client.conversations_open(users=["U1", "U2"])
    assert again.data == {"ok": True, "no_op": True, "already_open": True, "channel": {"id": group}}
    assert (await client.conversations_open(users="U1,U3"))["channel"]["id"] != group

    dm = (await client.conversations_open(users="U1"))["channel"]["id"]
    assert dm.startswith("D")
    assert (await client.conversations_open(users="U1"))["channel"]["id"] == dm
    assert fake.dm_channel("U1") == dm
    assert (await client.conversations_open(channel=dm))["channel"]["id"] == dm

    with pytest.raises(SlackApiError) as err:
        await client.conversations_open(users="U1,U404")
    assert err.value.response["error"] == "user_not_found"

    # The same ids from an independent fake: tests may rely on them across runs.
    with FakeSlack() as other:
        other.add_user("U1", real_name="Ada")
        other.add_user("U2", real_name="Grace")
        sync = WebClient(token=DEFAULT_TOKEN, base_url=other.api_url, retry_handlers=[])
        assert sync.conversations_open(users="U1,U2")["channel"]["id"] == group


# ---- messages -----------------------------------------------------------------------------------


async def test_post_history_and_metadata_roundtrip(fake: FakeSlack, client: AsyncWebClient) -> None:
    dm = fake.dm_channel("U1")
    metadata = {"event_type": "prompt_sent", "event_payload": {"pair_id": 42, "week": 3}}
    posted = []
    for i in range(3):
        answer = await client.chat_postMessage(channel=dm, text=f"m{i}", metadata=metadata)
        assert answer["channel"] == dm
        assert answer["message"]["user"] == fake.bot_user_id
        assert answer["message"]["bot_id"] == fake.bot_id
        posted.append(answer["ts"])
    assert all(TS_RE.match(ts) for ts in posted)
    assert posted == sorted(posted, key=float) and len(set(posted)) == 3

    history = await client.conversations_history(channel=dm, include_all_metadata=True)
    assert [m["ts"] for m in history["messages"]] == posted[::-1]
    assert history["messages"][0]["metadata"] == metadata
    plain = await client.conversations_history(channel=dm)
    assert all("metadata" not in m for m in plain["messages"])

    page = await client.conversations_history(channel=dm, limit=2)
    assert [m["text"] for m in page["messages"]] == ["m2", "m1"]
    assert page["has_more"] is True
    rest = await client.conversations_history(
        channel=dm, limit=2, cursor=page["response_metadata"]["next_cursor"]
    )
    assert [m["text"] for m in rest["messages"]] == ["m0"]
    newer = await client.conversations_history(channel=dm, oldest=posted[0])
    assert [m["text"] for m in newer["messages"]] == ["m2", "m1"]

    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel=dm, text="x", metadata={"event_type": "no_payload"})
    assert err.value.response["error"] == "invalid_metadata_format"
    assert [m["channel"] for m in fake.messages(dm)] == [dm] * 3


async def test_post_to_a_user_id_lands_in_the_dm(fake: FakeSlack, client: AsyncWebClient) -> None:
    answer = await client.chat_postMessage(channel="U2", text="hi")
    assert answer["channel"] == fake.dm_channel("U2")
    assert fake.messages(fake.dm_channel("U2"))[0]["text"] == "hi"


async def test_update_and_channel_membership(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.add_channel("C1", name="mentoring", members=["U1", "U2"])
    ts = (await client.chat_postMessage(channel="C1", text="before"))["ts"]
    updated = await client.chat_update(channel="C1", ts=ts, text="after")
    assert (updated["ts"], updated["text"], updated["message"]["text"]) == (ts, "after", "after")
    assert fake.messages("C1")[0]["text"] == "after"
    assert "edited" in fake.messages("C1")[0]

    human_ts = fake.add_message("C1", user="U1", text="mine")
    with pytest.raises(SlackApiError) as err:
        await client.chat_update(channel="C1", ts=human_ts, text="hijack")
    assert err.value.response["error"] == "cant_update_message"

    fake.add_channel("C9", name="elsewhere", bot_is_member=False)
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C9", text="x")
    assert err.value.response["error"] == "not_in_channel"


# ---- views --------------------------------------------------------------------------------------


async def test_trigger_ids_are_single_use(
    fake: FakeSlack, client: AsyncWebClient, clock: ManualClock
) -> None:
    trigger = fake.new_trigger_id("U1")
    opened = await client.views_open(trigger_id=trigger, view=modal())
    view = opened["view"]
    assert view["id"].startswith("V") and view["hash"]
    assert (view["callback_id"], view["private_metadata"]) == ("join", "program=7")
    assert view["state"] == {"values": {}}
    assert [v["id"] for v in fake.open_views("U1")] == [view["id"]]
    assert fake.open_views("U2") == []

    with pytest.raises(SlackApiError) as err:
        await client.views_open(trigger_id=trigger, view=modal())
    assert err.value.response["error"] == "exchanged_trigger_id"
    with pytest.raises(SlackApiError) as err:
        await client.views_open(trigger_id="123.456.made-up", view=modal())
    assert err.value.response["error"] == "invalid_trigger_id"
    late = fake.new_trigger_id("U1")
    clock.advance(3.5)
    with pytest.raises(SlackApiError) as err:
        await client.views_open(trigger_id=late, view=modal())
    assert err.value.response["error"] == "expired_trigger_id"


async def test_views_publish_stores_the_home_tab(fake: FakeSlack, client: AsyncWebClient) -> None:
    assert fake.home_view("U1") is None
    home = {"type": "home", "callback_id": "home", "blocks": [section("Welcome", "hello")]}
    first = (await client.views_publish(user_id="U1", view=home))["view"]
    stored = fake.home_view("U1")
    assert stored is not None and stored["blocks"][0]["block_id"] == "hello"
    assert (stored["type"], stored["id"]) == ("home", first["id"])

    second = await client.views_publish(
        user_id="U1", view={**home, "blocks": [section("Changed")]}, hash=first["hash"]
    )
    assert second["view"]["id"] == first["id"]
    stored = fake.home_view("U1")
    assert stored is not None and stored["blocks"][0]["text"]["text"] == "Changed"
    assert stored["blocks"][0]["block_id"]  # Slack fills in missing block_ids
    with pytest.raises(SlackApiError) as err:
        await client.views_publish(user_id="U1", view=home, hash=first["hash"])
    assert err.value.response["error"] == "hash_conflict"
    with pytest.raises(SlackApiError) as err:
        await client.views_publish(user_id="U1", view=modal())
    assert err.value.response["error"] == "invalid_arguments"


# ---- files and response_url ---------------------------------------------------------------------


async def test_files_upload_v2(fake: FakeSlack, client: AsyncWebClient) -> None:
    dm = fake.dm_channel("U1")
    answer = await client.files_upload_v2(
        channel=dm, content="a,b\n1,2\n", filename="report.csv", title="Weekly report"
    )
    assert answer["file"]["name"] == "report.csv"
    [uploaded] = fake.files()
    assert (uploaded.name, uploaded.title, uploaded.channel_id) == (
        "report.csv",
        "Weekly report",
        dm,
    )
    assert uploaded.content == b"a,b\n1,2\n"
    assert [c.method for c in fake.calls()] == [
        "files.getUploadURLExternal",
        "upload_url",
        "files.completeUploadExternal",
    ]

    sync = WebClient(token=DEFAULT_TOKEN, base_url=fake.api_url, retry_handlers=[])
    sync.files_upload_v2(channel="C1", content=b"\x00\x01", filename="blob.bin")
    assert fake.files()[-1].content == b"\x00\x01"
    assert fake.files()[-1].title == "blob.bin"


async def test_response_url_records_and_allows_five_uses(fake: FakeSlack) -> None:
    dm = fake.dm_channel("U1")
    message_ts = fake.add_message(dm, user=fake.bot_user_id, text="pick one")
    url = fake.new_response_url(channel=dm, message_ts=message_ts, user="U1")
    assert url.startswith(fake.base + "/response/")
    webhook = AsyncWebhookClient(url)
    first = await webhook.send(text="thinking...")
    assert first.status_code == 200
    await webhook.send(text="replaced", replace_original=True)
    await webhook.send(text="to everyone", response_type="in_channel")
    for i in range(RESPONSE_URL_MAX_USES - 3):
        assert (await webhook.send(text=f"more {i}")).status_code == 200
    over = await webhook.send(text="sixth")
    assert over.status_code == 404
    assert over.body == "used_up_response_url"

    bodies = fake.responses(url)
    assert len(bodies) == RESPONSE_URL_MAX_USES
    assert bodies[0] == {"text": "thinking..."}
    assert fake.messages(dm)[0]["text"] == "replaced"
    assert fake.messages(dm)[-1]["text"] == "to everyone"
    assert fake.ephemerals("U1")[0]["text"] == "thinking..."
    assert [c.status for c in fake.calls("response_url")] == [200] * 5 + [404]

    unknown = await AsyncWebhookClient(fake.base + "/response/nope").send(text="x")
    assert unknown.status_code == 404


async def test_a_crash_inside_the_fake_answers_500(fake: FakeSlack, client: AsyncWebClient) -> None:
    def broken(args: object) -> bool:
        raise KeyError("oops")

    fake.fail("users.info", error="x", when=broken)
    with pytest.raises(SlackApiError) as err:
        await client.users_info(user="U1")
    assert err.value.response.status_code == 500
    assert err.value.response["error"] == "fake_slack_crashed"
    assert fake.calls("users.info")[0].status == 500
